#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> syncpub(Node& node);
Task<> syncsub(Node& node);

}  // namespace sculpin::patterns
