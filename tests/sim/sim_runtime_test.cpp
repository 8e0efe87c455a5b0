// The simulated runtime running the engine's own sockets on virtual time.
#include <gtest/gtest.h>

#include "patterns/hello_world.hpp"
#include "sim/simulation.hpp"
#include "sim/trace_queries.hpp"

namespace sculpin::sim {
namespace {

using namespace sculpin::sim::testing;

std::vector<const TraceEvent*> logs(const Trace& trace, const std::string& node) {
    std::vector<const TraceEvent*> out;
    for (const auto& e : trace.events())
        if (e.kind == TraceKind::log && e.node == node) out.push_back(&e);
    return out;
}

void add_hello_world(Simulation& sim, int64_t client_start_ms = 0) {
    Params server;
    server.set("bind", "tcp://server:5555");
    sim.add_node("server", "hwserver", patterns::hwserver, server, 0);
    Params client;
    client.set("connect", "tcp://server:5555");
    sim.add_node("client", "hwclient", patterns::hwclient, client, client_start_ms);
}

TEST(SimRuntime, HelloWorldRunsInLockstepOnVirtualTime) {
    Simulation sim(1);
    add_hello_world(sim);
    sim.run_until(20 * kNsPerSecond);
    auto client_logs = logs(sim.trace(), "client");
    int replies = 0;
    std::vector<int64_t> reply_times;
    for (const auto* e : client_logs) {
        if (e->detail.rfind("Received World", 0) == 0) {
            ++replies;
            reply_times.push_back(e->time_ns);
        }
    }
    EXPECT_EQ(replies, 10);
    // The server works 1 s per request, so replies come about a second apart.
    for (size_t i = 1; i < reply_times.size(); ++i) {
        const int64_t gap = reply_times[i] - reply_times[i - 1];
        EXPECT_GE(gap, kNsPerSecond);
        EXPECT_LT(gap, kNsPerSecond + 10 * kNsPerMs);
    }
    EXPECT_TRUE(sim.node("client")->exited());
    EXPECT_EQ(ledger_in_flight(sim.trace()), sim.observed_in_flight());
    EXPECT_EQ(count(sim.trace(), TraceKind::send), 20u);
    EXPECT_EQ(count(sim.trace(), TraceKind::deliver), 20u);
}

TEST(SimRuntime, SameSeedGivesTheSameTraceHash) {
    std::string first;
    for (int run = 0; run < 2; ++run) {
        Simulation sim(42);
        add_hello_world(sim, 300);
        sim.run_until(15 * kNsPerSecond);
        if (run == 0) {
            first = sim.trace().hash().hex();
        } else {
            EXPECT_EQ(sim.trace().hash().hex(), first);
        }
    }
}

TEST(SimRuntime, TcpCarriesTheZmtpHandshakeAsBytes) {
    Simulation sim(1);
    add_hello_world(sim);
    sim.run_until(2 * kNsPerSecond);
    EXPECT_GE(count(sim.trace(), TraceKind::handshake), 2u);  // one per side
    EXPECT_GT(count(sim.trace(), TraceKind::wire), 0u);
}

TEST(SimRuntime, ClientStartedBeforeServerConnectsWhenServerAppears) {
    Simulation sim(3);
    Params client;
    client.set("connect", "tcp://server:5555");
    client.set("requests", "2");
    sim.add_node("client", "hwclient", patterns::hwclient, client, 0);
    Params server;
    server.set("bind", "tcp://server:5555");
    sim.add_node("server", "hwserver", patterns::hwserver, server, 2000);
    sim.run_until(10 * kNsPerSecond);
    EXPECT_TRUE(sim.node("client")->exited());
    EXPECT_EQ(ledger_in_flight(sim.trace()), sim.observed_in_flight());
}

TEST(SimRuntime, ServerCrashLosesTheRequestOnTheWireAndTheLedgerSaysWhy) {
    Simulation sim(5);
    add_hello_world(sim);
    // The second request leaves the client at ~1.0001 s and needs 100 us to arrive.
    sim.scheduler().at(1'000'150'000, [&] { sim.crash("server"); });
    sim.run_until(10 * kNsPerSecond);
    EXPECT_FALSE(sim.node("server")->alive());
    EXPECT_FALSE(sim.node("client")->exited());  // a plain REQ waits forever: the book's point
    size_t crash_drops = 0;
    for (const auto& e : sim.trace().events())
        if (e.kind == TraceKind::drop && e.detail == "crash") ++crash_drops;
    EXPECT_EQ(crash_drops, 1u);
    EXPECT_EQ(ledger_in_flight(sim.trace()), sim.observed_in_flight());
}

TEST(SimRuntime, RestartedServerServesAReconnectingClient) {
    Simulation sim(6);
    add_hello_world(sim);
    sim.scheduler().at(3500 * kNsPerMs, [&] { sim.crash("server"); });
    sim.scheduler().at(4000 * kNsPerMs, [&] { sim.restart("server"); });
    sim.run_until(30 * kNsPerSecond);
    // The request in flight at the crash is lost; a plain REQ client never recovers.
    EXPECT_FALSE(sim.node("client")->exited());
    EXPECT_EQ(ledger_in_flight(sim.trace()), sim.observed_in_flight());
}

}  // namespace
}  // namespace sculpin::sim
