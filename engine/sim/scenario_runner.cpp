#include "sim/scenario_runner.hpp"

#include <algorithm>

namespace sculpin::sim {

namespace {
LinkConfig to_link(const LinkParams& params) {
    LinkConfig config;
    config.latency_ns = params.latency_ms * kNsPerMs;
    config.jitter_ns = params.jitter_ms * kNsPerMs;
    config.bandwidth_bytes_per_s = params.bandwidth_bytes_per_s;
    return config;
}
}  // namespace

ScenarioRun::ScenarioRun(const Scenario& scenario, const ProgramLookup& programs,
                         std::optional<uint64_t> seed)
    : scenario_(scenario), sim_(std::make_unique<Simulation>(seed.value_or(scenario.seed))) {
    if (seed) scenario_.seed = *seed;
    sim_->network().set_default_link(to_link(scenario_.network.defaults));
    for (const auto& link : scenario_.network.links) {
        sim_->network().set_link(
            link.between[0], link.between[1],
            to_link(scenario_.network.link_between(link.between[0], link.between[1])));
    }
    for (const auto& node : scenario_.nodes) {
        sim_->add_node(node.name, node.program, programs(node.program), Params(node.params),
                       node.start_ms);
    }
    for (const auto& fault : scenario_.faults) schedule(fault);
}

void ScenarioRun::schedule(const FaultSpec& fault) {
    Scheduler& clock = sim_->scheduler();
    const TimeNs at = std::max<TimeNs>(fault.at_ms * kNsPerMs, clock.now());
    clock.at(at, [this, fault] { apply(fault, true); });
    if (fault.duration_ms) {
        clock.at(at + *fault.duration_ms * kNsPerMs, [this, fault] { apply(fault, false); });
    }
}

void ScenarioRun::apply(const FaultSpec& fault, bool begin) {
    Simulation& sim = *sim_;
    switch (fault.kind) {
        case FaultKind::crash:
            if (begin) sim.crash(fault.node);
            break;
        case FaultKind::restart:
            if (begin) sim.restart(fault.node);
            break;
        case FaultKind::pause:
            if (begin) {
                sim.pause(fault.node);
            } else {
                sim.resume(fault.node);
            }
            break;
        case FaultKind::slow:
            sim.slow(fault.node, begin ? fault.delay_ms : 0);
            break;
        case FaultKind::partition:
            if (begin) {
                sim.partition(fault.between[0], fault.between[1], fault.one_way);
            } else {
                sim.heal(fault.between[0], fault.between[1], fault.one_way);
            }
            break;
        case FaultKind::clog:
            if (begin) {
                sim.clog(fault.between[0], fault.between[1]);
            } else {
                sim.unclog(fault.between[0], fault.between[1]);
            }
            break;
        case FaultKind::reset:
            if (begin) sim.reset_link(fault.between[0], fault.between[1]);
            break;
    }
}

void ScenarioRun::run_until(TimeNs time_ns) {
    sim_->run_until(std::min(time_ns, end_ns()));
}

FinalState ScenarioRun::final_state() const {
    FinalState state;
    for (const auto& [name, node] : sim_->nodes())
        state.nodes[name] = {node->alive() && !node->exited(), node->exited()};
    state.observed_in_flight = sim_->observed_in_flight();
    return state;
}

}  // namespace sculpin::sim
