// Inter-broker routing (chapter 3, peering), checked from a trace.
#pragma once

#include <vector>

#include "sim/expectations.hpp"
#include "sim/scenario.hpp"
#include "sim/trace.hpp"

namespace sculpin::patterns {

// "peering-state-converges": at the end, every peering-broker's last word from each of
// its peers (mark "state: PEER=N") is what that peer last published (mark "capacity: N").
sim::ExpectationResult check_peering_state(const sim::Scenario& scenario,
                                           const std::vector<sim::TraceEvent>& events);

// "peering-every-request-answered": every request of every peering-client got its own
// reply before the client sent the next one, none was lost, and none is still waiting.
sim::ExpectationResult check_peering_answers(const sim::Scenario& scenario,
                                             const std::vector<sim::TraceEvent>& events);

}  // namespace sculpin::patterns
