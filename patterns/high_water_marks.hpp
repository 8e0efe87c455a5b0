#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> hwm_publisher(Node& node);
Task<> hwm_slow_subscriber(Node& node);
Task<> hwm_pusher(Node& node);
Task<> hwm_slow_puller(Node& node);

}  // namespace sculpin::patterns
