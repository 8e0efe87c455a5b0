#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> psenvpub(Node& node);
Task<> psenvsub(Node& node);

}  // namespace sculpin::patterns
