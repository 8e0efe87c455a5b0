// Checking a finished (or stopped) run against its scenario: the expectations, each with a
// sentence saying what was expected and a detail saying what happened, and the narration
// lines with the virtual time each fires. Everything is computed from the trace events
// alone, so a saved trace can be checked again without re-running it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/scenario.hpp"
#include "sim/trace.hpp"

namespace sculpin::sim {

struct ExpectationResult {
    std::string description;  // "client receives 10 messages from server"
    bool passed = false;
    std::string detail;  // what happened: "received 9 (server sent 10)"
};

// What the simulator knows at the end of the run that the trace alone does not say.
struct NodeFinalState {
    bool alive = false;   // the program is running at the end
    bool exited = false;  // the program returned by itself (not crashed, not running)
};

struct FinalState {
    std::map<std::string, NodeFinalState> nodes;
    int64_t observed_in_flight = 0;  // messages the simulator still holds (queues, wire)
};

// A named per-pattern invariant written in C++ ("lazy-pirate": every reply matches its
// request's sequence number...). An empty description in its result is replaced by
// "checker NAME holds".
using Checker = std::function<ExpectationResult(const Scenario&, const std::vector<TraceEvent>&)>;
using CheckerRegistry = std::map<std::string, Checker>;

// One result per scenario expectation, in the file's order.
std::vector<ExpectationResult> evaluate_expectations(const Scenario& scenario,
                                                     const std::vector<TraceEvent>& events,
                                                     const FinalState& state,
                                                     const CheckerRegistry& checkers);

// One expectation on its own (the GUI re-checks them as the run goes).
ExpectationResult evaluate_expectation(const ExpectationSpec& expectation, const Scenario& scenario,
                                       const std::vector<TraceEvent>& events,
                                       const FinalState& state, const CheckerRegistry& checkers);

// The sentence an expectation reads as, independent of any run.
std::string describe(const ExpectationSpec& expectation);

// "Chapter 1 · Ask and Ye Shall Receive · Hello world"
std::string narration_header(const Scenario& scenario);

// The narration lines with the virtual time (ns) each fires: timed lines at at_ms,
// triggered lines at the time of their first (or, with once = false, every) matching
// event. In time order; equal times keep the file's order, then the events' order.
// Placeholders in the text are expanded (docs/scenario-format.md).
std::vector<std::pair<int64_t, std::string>> narrate(const Scenario& scenario,
                                                     const std::vector<TraceEvent>& events);

}  // namespace sculpin::sim
