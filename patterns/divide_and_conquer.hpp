#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> taskvent(Node& node);
Task<> taskwork(Node& node);
Task<> tasksink(Node& node);

}  // namespace sculpin::patterns
