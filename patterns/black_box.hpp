#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> bb_publisher(Node& node);
Task<> bb_subscriber(Node& node);
Task<> bb_worker(Node& node);

}  // namespace sculpin::patterns
