// ScenarioRun: a Scenario made into a running Simulation. It adds the nodes (programs
// looked up by name), sets up the links, and schedules the fault plan, faults with a
// duration ending by themselves. The CLI runs one to the end; the GUI steps one, and
// rewinds by building a fresh one and running it to the chosen time (the scheduler is
// deterministic, so that is the same world). A fault injected by hand is added to the
// scenario's plan and the world is re-run from the seed: an interactive session and its
// saved scenario are then the same run by construction.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sim/expectations.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"

namespace sculpin::sim {

// Resolves a program name (as the scenario spells it) to its coroutine.
using ProgramLookup = std::function<Program(const std::string& name)>;

class ScenarioRun {
public:
    ScenarioRun(const Scenario& scenario, const ProgramLookup& programs,
                std::optional<uint64_t> seed = std::nullopt);

    Simulation& simulation() noexcept { return *sim_; }
    const Scenario& scenario() const noexcept { return scenario_; }
    TimeNs end_ns() const noexcept { return scenario_.duration_ms * kNsPerMs; }

    // Runs every event up to time_ns (capped at the scenario's end).
    void run_until(TimeNs time_ns);
    void run_to_end() { run_until(end_ns()); }
    bool finished() const noexcept { return sim_->scheduler().now() >= end_ns(); }

    FinalState final_state() const;

private:
    void schedule(const FaultSpec& fault);
    void apply(const FaultSpec& fault, bool begin);

    Scenario scenario_;
    std::unique_ptr<Simulation> sim_;
};

}  // namespace sculpin::sim
