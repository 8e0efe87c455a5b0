#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> wuserver(Node& node);
Task<> wuclient(Node& node);

}  // namespace sculpin::patterns
