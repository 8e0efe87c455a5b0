// Simulation: one deterministic world. A scheduler, a network, nodes running the book's
// programs on the engine's own sockets, and the trace of everything that happens.
// Faults can be injected at any time (from a scenario's plan or from the GUI); each is
// traced, so a run can be saved and replayed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/rng.hpp"
#include "sim/scheduler.hpp"
#include "sim/sim_network.hpp"
#include "sim/sim_node.hpp"
#include "sim/trace.hpp"

namespace sculpin::sim {

class Simulation {
public:
    explicit Simulation(uint64_t seed);
    ~Simulation();
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;

    Scheduler& scheduler() noexcept { return scheduler_; }
    SimNetwork& network() noexcept { return network_; }
    Trace& trace() noexcept { return trace_; }
    uint64_t seed() const noexcept { return seed_; }

    // Adds a node whose program starts at start_ms (a late joiner starts later).
    SimNode& add_node(const std::string& name, const std::string& program_name, Program program,
                      Params params, int64_t start_ms);
    SimNode* node(const std::string& name);
    const std::map<std::string, std::unique_ptr<SimNode>>& nodes() const noexcept { return nodes_; }

    uint64_t next_message_id() noexcept { return next_message_id_++; }
    void record(TraceEvent event);
    // An event at the current time, built only if the trace keeps or shows it.
    void record(TraceKind kind, std::string_view node, int socket, uint64_t message,
                std::string_view peer, std::string_view detail, int64_t value) {
        trace_.record(scheduler_.now(), kind, node, socket, message, peer, detail, value);
    }
    // Told the whole of every message a program sends, frames and all. Not part of the
    // trace (which keeps a preview): a viewer re-runs to a send to show what it carried.
    using SentFn = std::function<void(uint64_t trace_id, const Message& msg)>;
    void on_message_sent(SentFn fn) { sent_ = std::move(fn); }
    void report_sent(uint64_t trace_id, const Message& msg) const {
        if (sent_) sent_(trace_id, msg);
    }

    // --- faults: take effect now -----------------------------------------------------------
    void crash(const std::string& node);
    void restart(const std::string& node);
    void pause(const std::string& node);
    void resume(const std::string& node);
    void slow(const std::string& node, int64_t delay_per_message_ms);
    void partition(const std::string& a, const std::string& b, bool one_way);
    void heal(const std::string& a, const std::string& b, bool one_way);
    void clog(const std::string& a, const std::string& b);
    void unclog(const std::string& a, const std::string& b);
    void reset_link(const std::string& a, const std::string& b);

    // Runs events up to time_ns (inclusive).
    void run_until(TimeNs time_ns) { scheduler_.run_until(time_ns); }
    bool step() { return scheduler_.step(); }

    // Messages that exist right now and are neither delivered nor dropped: in pipes, in
    // sessions, on the wire. The ledger's in-flight count must equal it.
    int64_t observed_in_flight() const;
    // Random numbers drawn so far (network jitter, programs): zero means the run could
    // not have depended on the seed.
    uint64_t random_draws() const;

private:
    void fault(const std::string& what, const std::string& node, const std::string& peer,
               bool begin);

    uint64_t seed_;
    Scheduler scheduler_;
    SimNetwork network_;
    Trace trace_;
    std::map<std::string, std::unique_ptr<SimNode>> nodes_;
    uint64_t next_message_id_ = 1;
    SentFn sent_;
};

}  // namespace sculpin::sim
