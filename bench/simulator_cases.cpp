// The simulator group of sculpin-bench (issue 11): Sculpin's deterministic simulator
// against SimGrid's S4U on one workload written for both. N pairs of nodes play
// request/reply ping-pong with 5-byte messages ("Hello"/"World", as hwclient/hwserver)
// across a 50 us, 1 Gbit/s link, for N = 50 and N = 500. Sculpin runs its real REQ/REP
// sockets and carries real ZMTP bytes over its simulated tcp; SimGrid moves opaque
// messages of the same size through mailboxes. Both warm up (connections, first
// exchange) before the measured stretch of virtual time, and only that stretch is timed.
//
// SimGrid's engine is a process-wide singleton. A second s4u::Engine can be built after
// the first is destroyed, but it is not a fresh world: tried with 3.32, the virtual clock
// carries on from where the first run stopped and global state (configuration, models,
// mailboxes by name) survives. Rounds must not depend on each other, so each SimGrid
// round runs in a forked child that sends its figures back through a pipe and exits
// without tearing SimGrid down. The child also keeps SimGrid's memory and actor stacks
// out of the parent, which goes on to time Sculpin in the same process.
#include <sys/wait.h>
#include <unistd.h>

// SimGrid's C headers need its config header first; s4u.hpp brings it.
// clang-format off
#include <simgrid/s4u.hpp>
#include <simgrid/version.h>
#include <xbt/log.h>
// clang-format on

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/bench_case.hpp"
#include "node/node.hpp"
#include "patterns/scenario_context.hpp"
#include "sim/scenario_runner.hpp"
#include "sim/simulation.hpp"

namespace sculpin::bench {
namespace {

namespace sg4 = simgrid::s4u;

constexpr int64_t kLinkLatencyNs = 50'000;
constexpr int64_t kLinkBytesPerSecond = 125'000'000;  // 1 Gbit/s
constexpr size_t kMessageBytes = 5;                   // "Hello", "World"
constexpr int64_t kWarmUpNs = 2'000'000;              // connect + handshake + first rounds

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// What one timed stretch of a ping-pong run produced.
struct PingPongFigures {
    double wall_s = 0;
    double simulated_s = 0;
    double deliveries = 0;  // requests delivered to servers plus replies delivered to clients
    double scheduler_events = 0;
};

// --- Sculpin --------------------------------------------------------------------------------

// The hello-world pair without its logging (the SimGrid side logs nothing either): the
// workload is the message exchange itself.
Task<> ping_server(Node& node) {
    Sock responder = node.socket(SocketType::rep);
    if (responder.bind(node.params().get("bind")) != 0) co_return;
    while (true) {
        Received request = co_await node.recv(responder);
        if (!request.ok()) co_return;
        if (co_await node.send(responder, Message::text("World")) != 0) co_return;
    }
}

Task<> ping_client(Node& node) {
    Sock requester = node.socket(SocketType::req);
    requester.connect(node.params().get("connect"));
    while (true) {
        if (co_await node.send(requester, Message::text("Hello")) != 0) co_return;
        Received reply = co_await node.recv(requester);
        if (!reply.ok()) co_return;
    }
}

PingPongFigures run_sculpin_ping_pong(int pairs, int64_t measured_ns) {
    sim::Simulation simulation(1);
    simulation.trace().set_keep_events(false);  // the hash only, as a long run would
    sim::LinkConfig link;
    link.latency_ns = kLinkLatencyNs;
    link.bandwidth_bytes_per_s = kLinkBytesPerSecond;
    simulation.network().set_default_link(link);
    for (int i = 0; i < pairs; ++i) {
        const std::string server = "server-" + std::to_string(i);
        Params server_params;
        server_params.set("bind", "tcp://" + server + ":5555");
        simulation.add_node(server, "ping_server", ping_server, server_params, 0);
        Params client_params;
        client_params.set("connect", "tcp://" + server + ":5555");
        simulation.add_node("client-" + std::to_string(i), "ping_client", ping_client,
                            client_params, 0);
    }
    uint64_t deliveries = 0;
    // Told of deliveries only: the other events are hashed but never built.
    simulation.trace().set_listener(
        [&deliveries](const sim::TraceEvent& event) {
            if (event.kind == sim::TraceKind::deliver) ++deliveries;
        },
        sim::trace_kind_bit(sim::TraceKind::deliver));
    simulation.run_until(kWarmUpNs);
    const uint64_t deliveries_before = deliveries;
    const uint64_t events_before = simulation.scheduler().events_run();
    const auto start = Clock::now();
    simulation.run_until(kWarmUpNs + measured_ns);
    PingPongFigures figures;
    figures.wall_s = seconds_since(start);
    figures.simulated_s = static_cast<double>(measured_ns) / 1e9;
    figures.deliveries = static_cast<double>(deliveries - deliveries_before);
    figures.scheduler_events =
        static_cast<double>(simulation.scheduler().events_run() - events_before);
    if (figures.deliveries == 0) throw std::runtime_error("sculpin ping-pong delivered nothing");
    return figures;
}

// --- SimGrid (runs only inside a forked child) ---------------------------------------------

uint64_t simgrid_deliveries = 0;

struct SimGridMessage {
    char bytes[kMessageBytes];
};

void simgrid_server(sg4::Mailbox* requests, sg4::Mailbox* replies) {
    static SimGridMessage reply{};
    while (true) {
        requests->get<SimGridMessage>();
        ++simgrid_deliveries;
        replies->put(&reply, kMessageBytes);
    }
}

void simgrid_client(sg4::Mailbox* requests, sg4::Mailbox* replies) {
    static SimGridMessage request{};
    while (true) {
        requests->put(&request, kMessageBytes);
        replies->get<SimGridMessage>();
        ++simgrid_deliveries;
    }
}

PingPongFigures simgrid_ping_pong_in_this_process(int pairs, int64_t measured_ns) {
    xbt_log_control_set("root.thresh:critical");  // before the engine: silence it all
    int argc = 1;
    char name[] = "sculpin-bench-simgrid";
    char* argv[] = {name, nullptr};
    sg4::Engine engine(&argc, argv);
    // SimGrid's default network model (LV08) multiplies latencies by 13.01 and
    // bandwidths by 0.97 to mimic TCP; the workload says 50 us and 1 Gbit/s, so both
    // factors are 1 and a message takes the same virtual time as on Sculpin's link.
    sg4::Engine::set_config("network/latency-factor:1");
    sg4::Engine::set_config("network/bandwidth-factor:1");
    auto* zone = sg4::create_full_zone("bench");
    std::vector<std::pair<sg4::Host*, sg4::Host*>> hosts;
    for (int i = 0; i < pairs; ++i) {
        const std::string index = std::to_string(i);
        sg4::Host* client = zone->create_host("client-" + index, 1e9);
        sg4::Host* server = zone->create_host("server-" + index, 1e9);
        sg4::Link* link =
            zone->create_link("link-" + index, static_cast<double>(kLinkBytesPerSecond))
                ->set_latency(static_cast<double>(kLinkLatencyNs) / 1e9);
        zone->add_route(client->get_netpoint(), server->get_netpoint(), nullptr, nullptr,
                        {sg4::LinkInRoute(link)}, true);
        hosts.emplace_back(client, server);
    }
    zone->seal();
    for (int i = 0; i < pairs; ++i) {
        const std::string index = std::to_string(i);
        sg4::Mailbox* requests = sg4::Mailbox::by_name("requests-" + index);
        sg4::Mailbox* replies = sg4::Mailbox::by_name("replies-" + index);
        sg4::Actor::create("server-" + index, hosts[i].second, simgrid_server, requests, replies);
        sg4::Actor::create("client-" + index, hosts[i].first, simgrid_client, requests, replies);
    }
    const double warm_up_s = static_cast<double>(kWarmUpNs) / 1e9;
    const double measured_s = static_cast<double>(measured_ns) / 1e9;
    engine.run_until(warm_up_s);
    const uint64_t deliveries_before = simgrid_deliveries;
    const auto start = Clock::now();
    engine.run_until(warm_up_s + measured_s);
    PingPongFigures figures;
    figures.wall_s = seconds_since(start);
    figures.simulated_s = sg4::Engine::get_clock() - warm_up_s;
    figures.deliveries = static_cast<double>(simgrid_deliveries - deliveries_before);
    return figures;
}

PingPongFigures run_simgrid_ping_pong(int pairs, int64_t measured_ns) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::fflush(nullptr);  // nothing buffered may be written twice
    const pid_t child = fork();
    if (child < 0) throw std::runtime_error("fork failed");
    if (child == 0) {
        close(fds[0]);
        PingPongFigures figures;
        try {
            figures = simgrid_ping_pong_in_this_process(pairs, measured_ns);
        } catch (...) {
            _exit(2);
        }
        const bool written =
            write(fds[1], &figures, sizeof(figures)) == static_cast<ssize_t>(sizeof(figures));
        // _exit: no SimGrid teardown (its actors are still blocked in their loops), no
        // atexit handlers or stdio flushing inherited from the parent.
        _exit(written ? 0 : 3);
    }
    close(fds[1]);
    PingPongFigures figures;
    size_t received = 0;
    auto* into = reinterpret_cast<char*>(&figures);
    while (received < sizeof(figures)) {
        const ssize_t n = read(fds[0], into + received, sizeof(figures) - received);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        received += static_cast<size_t>(n);
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (received != sizeof(figures) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("the SimGrid child failed");
    if (figures.deliveries == 0) throw std::runtime_error("SimGrid ping-pong delivered nothing");
    return figures;
}

// --- built-in scenarios ---------------------------------------------------------------------

std::vector<std::string> scenario_files() {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(SCULPIN_SOURCE_SCENARIOS, ec))
        if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

// Wall time of one whole scenario run as `sculpin run` does it: build the world, run it
// to the end keeping every event.
double scenario_wall_ms(const sim::Scenario& scenario) {
    const auto start = Clock::now();
    sim::ScenarioRun run(scenario, patterns::program_lookup());
    run.run_to_end();
    return seconds_since(start) * 1e3;
}

std::string reference_name() {
    return "SimGrid " + std::to_string(SIMGRID_VERSION_MAJOR) + "." +
           std::to_string(SIMGRID_VERSION_MINOR);
}

}  // namespace

std::vector<CaseSpec> simulator_cases(const RunOptions& options) {
    std::vector<CaseSpec> cases;
    // Virtual time measured per round: long enough for a round of ~0.1-1 s of wall time.
    const auto measured_ns = [&](int pairs) -> int64_t {
        if (options.smoke) return 1'000'000;
        const int64_t full_ns = pairs <= 50 ? 200'000'000 : 40'000'000;
        return options.quick ? full_ns / 4 : full_ns;
    };
    for (const int pairs : {50, 500}) {
        const int64_t ns = measured_ns(pairs);
        const std::string workload = "ping-pong " + std::to_string(pairs) + " pairs";
        cases.push_back({"simulator", workload + ", deliveries", "deliveries/s", true,
                         reference_name(),
                         [pairs, ns] {
                             const auto f = run_sculpin_ping_pong(pairs, ns);
                             return f.deliveries / f.wall_s;
                         },
                         [pairs, ns] {
                             const auto f = run_simgrid_ping_pong(pairs, ns);
                             return f.deliveries / f.wall_s;
                         }});
        cases.push_back({"simulator", workload + ", virtual time", "sim-s/wall-s", true,
                         reference_name(),
                         [pairs, ns] {
                             const auto f = run_sculpin_ping_pong(pairs, ns);
                             return f.simulated_s / f.wall_s;
                         },
                         [pairs, ns] {
                             const auto f = run_simgrid_ping_pong(pairs, ns);
                             return f.simulated_s / f.wall_s;
                         }});
        cases.push_back({"simulator",
                         workload + ", scheduler events",
                         "events/s",
                         true,
                         "",
                         [pairs, ns] {
                             const auto f = run_sculpin_ping_pong(pairs, ns);
                             return f.scheduler_events / f.wall_s;
                         },
                         {}});
    }
    // The slowest built-in scenario: every round runs them all and reports the slowest, so
    // that noise cannot pin the choice on one scenario once and for all.
    std::vector<sim::Scenario> scenarios;
    for (const std::string& file : scenario_files()) {
        std::string error;
        auto scenario = sim::load_scenario_file(file, patterns::load_context(), &error);
        if (!scenario) throw std::runtime_error("cannot load " + file + ": " + error);
        scenarios.push_back(std::move(*scenario));
    }
    cases.push_back({"simulator",
                     "slowest of " + std::to_string(scenarios.size()) + " built-in scenarios",
                     "ms wall",
                     false,
                     "",
                     [scenarios] {
                         double slowest_ms = 0;
                         for (const sim::Scenario& scenario : scenarios)
                             slowest_ms = std::max(slowest_ms, scenario_wall_ms(scenario));
                         return slowest_ms;
                     },
                     {}});
    return cases;
}

}  // namespace sculpin::bench
