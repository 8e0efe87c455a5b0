#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> suisnail_publisher(Node& node);
Task<> suisnail_subscriber(Node& node);

}  // namespace sculpin::patterns
