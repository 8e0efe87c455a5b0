// The Lazy Pirate invariant, checked from a trace: what the client did, as its own events
// (sends, deliveries, marks, socket open/close) show it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/expectations.hpp"
#include "sim/trace.hpp"

namespace sculpin::patterns {

// Passes when, for the client node `client_node` (running lazy_pirate_client):
//  - requests go out in sequence 1, 2, 3...; a new one only after the previous one's reply
//    was taken (mark "reply: N");
//  - a reply is taken only for the request in progress and only after the client received
//    exactly that sequence number (no reply taken for the wrong sequence);
//  - a timeout (mark "retry: K of R" or "abandon") comes `timeout_ms` (± tolerance_ms)
//    after the try's send, or after a malformed reply restarted the poll;
//  - each retry resends the same sequence on a fresh socket: the old one is closed, a new
//    one opened, and the resend goes out on the new socket;
//  - the client abandons after exactly `retries` tries, and never retries beyond that;
//  - at the end of the trace the client is not stuck: a request still waiting has waited
//    less than a timeout.
// A crash or restart of the client starts its story afresh (sequence 1).
sim::ExpectationResult check_lazy_pirate(const std::vector<sim::TraceEvent>& events,
                                         const std::string& client_node, int retries,
                                         int64_t timeout_ms, int64_t tolerance_ms = 5);

// The same for every node of a scenario that runs lazy_pirate_client, with the retries and
// timeout its parameters give it (request_retries, request_timeout_ms; the book's 3 and
// 2500 by default). Registered as the checker "lazy-pirate" (patterns/checkers.cpp).
sim::ExpectationResult check_lazy_pirate_scenario(const sim::Scenario& scenario,
                                                  const std::vector<sim::TraceEvent>& events);

}  // namespace sculpin::patterns
