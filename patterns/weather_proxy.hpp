#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> wuproxy(Node& node);

}  // namespace sculpin::patterns
