#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> identity_sink(Node& node);
Task<> identity_client(Node& node);

}  // namespace sculpin::patterns
