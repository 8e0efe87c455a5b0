#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> hwserver(Node& node);
Task<> hwclient(Node& node);

}  // namespace sculpin::patterns
