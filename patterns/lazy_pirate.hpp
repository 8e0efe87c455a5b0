// Chapter 4, "Client-Side Reliability (Lazy Pirate Pattern)": lpclient and lpserver.
#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

// REQ client that polls for each reply with a timeout, and on a timeout closes and reopens
// its socket and resends; after request_retries tries it abandons.
Task<> lazy_pirate_client(Node& node);
// REP server that echoes each request after a second of work and, after a few cycles,
// simulates a crash or a CPU overload at random.
Task<> lazy_pirate_server(Node& node);

}  // namespace sculpin::patterns
