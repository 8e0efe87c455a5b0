#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> rrclient(Node& node);
Task<> rrworker(Node& node);
Task<> rrbroker(Node& node);
Task<> msgqueue(Node& node);

}  // namespace sculpin::patterns
