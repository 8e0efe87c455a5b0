#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> lbbroker(Node& node);
Task<> lbclient(Node& node);
Task<> lbworker(Node& node);

}  // namespace sculpin::patterns
