#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> msreader(Node& node);
Task<> mspoller(Node& node);

}  // namespace sculpin::patterns
