#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> taskwork2(Node& node);
Task<> tasksink2(Node& node);

}  // namespace sculpin::patterns
