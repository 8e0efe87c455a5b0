// Chapter 5's outcomes, checked from a trace. Each is registered as a named checker
// (patterns/checkers.cpp) and looks at the scenario's nodes by the programs they run.
#pragma once

#include <vector>

#include "sim/expectations.hpp"
#include "sim/scenario.hpp"
#include "sim/trace.hpp"

namespace sculpin::patterns {

// "espresso-capture": every message an espresso-proxy forwarded, either way (its "forward"
// marks), reached the
// espresso-listener connected to its capture socket, in the order it was forwarded.
sim::ExpectationResult check_espresso_capture(const sim::Scenario& scenario,
                                              const std::vector<sim::TraceEvent>& events);

// "last-value-cache": every pathosub on an lvcache whose topic had a value when it
// subscribed got that value (or a newer one) within kLastValueAtOnceMs of subscribing.
constexpr int64_t kLastValueAtOnceMs = 100;
sim::ExpectationResult check_last_value_cache(const sim::Scenario& scenario,
                                              const std::vector<sim::TraceEvent>& events);

// "black-box-scales": of the bb-subscriber boxes on one feed, the one with the most
// workers processed (by the end of the feed) at least kScalingShare of the workers'
// ratio times what the one with the fewest processed.
constexpr double kScalingShare = 0.75;
sim::ExpectationResult check_black_box_scales(const sim::Scenario& scenario,
                                              const std::vector<sim::TraceEvent>& events);

}  // namespace sculpin::patterns
