#pragma once

#include <string>
#include <vector>

#include "node/node.hpp"

namespace sculpin::patterns {

// "a,b,,c" -> {a, b, c}: the list params of the peering programs ("peers",
// "cloud_connect", "state_connect"), read the same way by the programs and their checker.
std::vector<std::string> split_list(const std::string& text);

Task<> peering_broker(Node& node);
Task<> peering_client(Node& node);
Task<> peering_worker(Node& node);

}  // namespace sculpin::patterns
