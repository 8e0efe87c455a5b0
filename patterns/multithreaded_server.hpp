#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> mtserver(Node& node);
Task<> mtserver_worker(Node& node);

}  // namespace sculpin::patterns
