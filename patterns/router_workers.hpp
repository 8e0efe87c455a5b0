#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> rt_broker(Node& node);
Task<> rtreq_worker(Node& node);
Task<> rtdealer_worker(Node& node);

}  // namespace sculpin::patterns
