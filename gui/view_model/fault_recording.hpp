// Faults by hand, as entries of the scenario's fault plan. Every right-click becomes a
// FaultSpec at the current millisecond; ending something (resume, heal, unclog) closes the
// open fault of that kind by giving it a duration. The session's scenario then replays,
// headless, to the same trace.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario.hpp"

namespace sculpin::gui {

enum class FaultAction {
    crash,
    restart,
    pause,
    resume,
    slow,
    unslow,
    partition,
    heal,
    clog,
    unclog,
    reset
};
std::string_view to_string(FaultAction action);

struct FaultCommand {
    FaultAction action = FaultAction::crash;
    std::string node;  // node actions
    std::string a, b;  // link actions
    int64_t at_ms = 0;
    int64_t slow_delay_ms = 100;
};

// The faults open (begun, not ended) at `at_ms` in the plan, for menus: which of
// pause/resume, partition/heal... make sense now.
bool fault_open(const sim::Scenario& scenario, sim::FaultKind kind, const std::string& node,
                const std::string& a, const std::string& b, int64_t at_ms);

// Applies the command to scenario.faults. Returns "" on success, else why not (the plan
// is unchanged).
std::string record_fault(sim::Scenario& scenario, const FaultCommand& command);

// Shaded intervals for the timeline: [begin, end) in ms; end = duration for open faults.
struct FaultInterval {
    int64_t begin_ms = 0, end_ms = 0;
    sim::FaultKind kind = sim::FaultKind::crash;
    std::string label;  // "partition client-server"
};
std::vector<FaultInterval> fault_intervals(const sim::Scenario& scenario);

}  // namespace sculpin::gui
