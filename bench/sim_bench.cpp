// Simulator throughput: N REQ/REP pairs ping-ponging over simulated tcp (50 us, 1 Gbit/s
// links: issue 11's workload) on the engine's real sockets and ZMTP bytes. Prints
// scheduler events per wall second, message deliveries per wall second and simulated
// seconds per wall second. A benchmark, not a test: the numbers go into notes and docs.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "patterns/hello_world.hpp"
#include "sim/simulation.hpp"

using namespace sculpin;
using namespace sculpin::sim;

namespace {

void run(int pairs, int64_t simulated_ms) {
    Simulation sim(1);
    sim.trace().set_keep_events(false);  // hash only: measure the simulator, not a log
    LinkConfig link;
    link.latency_ns = 50'000;
    link.bandwidth_bytes_per_s = 125'000'000;
    sim.network().set_default_link(link);
    for (int i = 0; i < pairs; ++i) {
        const std::string server = "server-" + std::to_string(i);
        Params server_params;
        server_params.set("bind", "tcp://" + server + ":5555");
        server_params.set("work_ms", "0");
        sim.add_node(server, "hwserver", patterns::hwserver, server_params, 0);
        Params client_params;
        client_params.set("connect", "tcp://" + server + ":5555");
        client_params.set("requests", "1000000000");
        sim.add_node("client-" + std::to_string(i), "hwclient", patterns::hwclient, client_params,
                     0);
    }
    int64_t deliveries = 0;
    sim.trace().set_listener([&](const TraceEvent& e) {
        if (e.kind == TraceKind::deliver) ++deliveries;
    });
    const auto start = std::chrono::steady_clock::now();
    sim.run_until(simulated_ms * kNsPerMs);
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double events = static_cast<double>(sim.scheduler().events_run());
    std::printf("%4d pairs  %7.3f s simulated in %6.3f s wall  %8.2f M events/s  %8.0f deliveries/s  "
                "%6.2f sim-s/wall-s\n",
                pairs, simulated_ms / 1000.0, wall_s, events / wall_s / 1e6,
                static_cast<double>(deliveries) / wall_s, simulated_ms / 1000.0 / wall_s);
}

}  // namespace

int main(int argc, char** argv) {
    const int64_t simulated_ms = argc > 1 ? std::atoll(argv[1]) : 1000;
    std::printf("sculpin simulator: REQ/REP ping-pong over simulated tcp (50 us, 1 Gbit/s)\n");
    run(50, simulated_ms);
    run(500, simulated_ms / 5);
    return 0;
}
