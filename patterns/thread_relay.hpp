#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> mtrelay(Node& node);

}  // namespace sculpin::patterns
