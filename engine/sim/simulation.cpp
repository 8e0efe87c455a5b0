#include "sim/simulation.hpp"

namespace sculpin::sim {

namespace {
// Stream numbers for Rng::fork, so that adding a node does not shift anyone's draws.
constexpr uint64_t kNetworkStream = 0x6e6574;  // "net"
uint64_t node_stream(const std::string& name) {
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : name) hash = (hash ^ c) * 0x100000001b3ULL;
    return hash;
}
}  // namespace

Simulation::Simulation(uint64_t seed)
    : seed_(seed), network_(scheduler_, Rng(seed).fork(kNetworkStream)) {
    network_.on_lost_message([this](uint64_t trace_id, const std::string& reason) {
        TraceEvent event;
        event.time_ns = scheduler_.now();
        event.kind = TraceKind::drop;
        event.message = trace_id;
        event.detail = reason;
        record(std::move(event));
    });
    network_.on_wire([this](const std::string& from, const std::string& to, size_t bytes) {
        record(TraceKind::wire, from, 0, 0, to, {}, static_cast<int64_t>(bytes));
    });
    network_.on_message_moved(
        [this](bool arrived, const std::string& from, const std::string& to, uint64_t trace_id) {
            record(arrived ? TraceKind::arrived : TraceKind::encoded, arrived ? to : from, 0,
                   trace_id, arrived ? from : to, {}, 0);
        });
}

Simulation::~Simulation() {
    // Nodes first: their sessions hold streams into the network.
    nodes_.clear();
}

SimNode& Simulation::add_node(const std::string& name, const std::string& program_name,
                              Program program, Params params, int64_t start_ms) {
    auto node = std::make_unique<SimNode>(*this, name, program_name, std::move(program),
                                          std::move(params), Rng(seed_).fork(node_stream(name)));
    SimNode& ref = *node;
    nodes_[name] = std::move(node);
    scheduler_.at(start_ms * kNsPerMs, [&ref] {
        if (!ref.alive() && !ref.exited()) ref.start();
    });
    return ref;
}

SimNode* Simulation::node(const std::string& name) {
    auto it = nodes_.find(name);
    return it == nodes_.end() ? nullptr : it->second.get();
}

void Simulation::record(TraceEvent event) {
    trace_.record(std::move(event));
}

void Simulation::fault(const std::string& what, const std::string& node, const std::string& peer,
                       bool begin) {
    TraceEvent event;
    event.time_ns = scheduler_.now();
    event.kind = begin ? TraceKind::fault_begin : TraceKind::fault_end;
    event.node = node;
    event.peer = peer;
    event.detail = what;
    record(std::move(event));
}

void Simulation::crash(const std::string& name) {
    SimNode* n = node(name);
    if (n == nullptr || !n->alive()) return;
    fault("crash", name, "", true);
    n->crash();
}

void Simulation::restart(const std::string& name) {
    SimNode* n = node(name);
    if (n == nullptr || n->alive()) return;
    fault("restart", name, "", true);
    n->start();
}

void Simulation::pause(const std::string& name) {
    SimNode* n = node(name);
    if (n == nullptr || !n->alive() || n->paused()) return;
    fault("pause", name, "", true);
    n->pause();
}

void Simulation::resume(const std::string& name) {
    SimNode* n = node(name);
    if (n == nullptr || !n->paused()) return;
    fault("pause", name, "", false);
    n->resume();
}

void Simulation::slow(const std::string& name, int64_t delay_per_message_ms) {
    SimNode* n = node(name);
    if (n == nullptr) return;
    fault("slow " + std::to_string(delay_per_message_ms) + " ms/message", name, "",
          delay_per_message_ms > 0);
    n->set_slow(delay_per_message_ms);
}

void Simulation::partition(const std::string& a, const std::string& b, bool one_way) {
    fault(one_way ? "partition one-way" : "partition", a, b, true);
    network_.set_partitioned(a, b, one_way, true);
}

void Simulation::heal(const std::string& a, const std::string& b, bool one_way) {
    fault(one_way ? "partition one-way" : "partition", a, b, false);
    network_.set_partitioned(a, b, one_way, false);
}

void Simulation::clog(const std::string& a, const std::string& b) {
    fault("clog", a, b, true);
    network_.hold(a, b);
    network_.hold(b, a);
}

void Simulation::unclog(const std::string& a, const std::string& b) {
    fault("clog", a, b, false);
    network_.release(a, b);
    network_.release(b, a);
}

void Simulation::reset_link(const std::string& a, const std::string& b) {
    fault("reset", a, b, true);
    network_.reset_between(a, b);
}

uint64_t Simulation::random_draws() const {
    uint64_t total = network_.random_draws();
    for (const auto& [name, node] : nodes_) total += node->random_draws();
    return total;
}

int64_t Simulation::observed_in_flight() const {
    int64_t total = static_cast<int64_t>(network_.messages_on_wire());
    for (const auto& [name, node] : nodes_)
        total += static_cast<int64_t>(node->traced_messages_held());
    return total;
}

}  // namespace sculpin::sim
