#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> peering_broker(Node& node);
Task<> peering_client(Node& node);
Task<> peering_worker(Node& node);

}  // namespace sculpin::patterns
