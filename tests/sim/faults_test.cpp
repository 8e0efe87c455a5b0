// Each fault of the simulator, on the engine's real sockets: what the peers see.
#include <gtest/gtest.h>

#include "patterns/hello_world.hpp"
#include "patterns/high_water_marks.hpp"
#include "sim/simulation.hpp"
#include "sim/trace_queries.hpp"

namespace sculpin::sim {
namespace {

using namespace sculpin::sim::testing;

void hello_world(Simulation& sim, int requests = 10) {
    Params server;
    server.set("bind", "tcp://*:5555");
    server.set("work_ms", "100");
    sim.add_node("server", "hwserver", patterns::hwserver, server, 0);
    Params client;
    client.set("connect", "tcp://server:5555");
    client.set("requests", std::to_string(requests));
    sim.add_node("client", "hwclient", patterns::hwclient, client, 0);
}

void push_pull(Simulation& sim, int count_messages) {
    Params pusher;
    pusher.set("bind", "tcp://*:5557");
    pusher.set("sndhwm", "100");
    pusher.set("count", std::to_string(count_messages));
    pusher.set("size", "100");
    pusher.set("burst", "10");
    sim.add_node("pusher", "hwm-pusher", patterns::hwm_pusher, pusher, 0);
    Params puller;
    puller.set("connect", "tcp://pusher:5557");
    puller.set("rcvhwm", "100");
    puller.set("work_ms", "0");
    puller.set("idle_ms", "10000");
    puller.set("count", std::to_string(count_messages));
    sim.add_node("puller", "hwm-slow-puller", patterns::hwm_slow_puller, puller, 0);
}

TEST(Faults, PausedConsumerStopsReceivingAndItsPeerBlocksThenEverythingArrives) {
    Simulation sim(1);
    push_pull(sim, 5000);
    sim.scheduler().at(100 * kNsPerMs, [&] { sim.pause("puller"); });
    sim.scheduler().at(2100 * kNsPerMs, [&] { sim.resume("puller"); });
    sim.run_until(20 * kNsPerSecond);
    EXPECT_EQ(
        count_between(sim.trace(), TraceKind::deliver, "puller", 100 * kNsPerMs, 2100 * kNsPerMs),
        0u)
        << "a frozen process receives nothing";
    EXPECT_EQ(count(sim.trace(), TraceKind::deliver, "puller"), 5000u);
    EXPECT_EQ(count(sim.trace(), TraceKind::drop, "pusher"), 0u) << "PUSH blocks, never drops";
    // The pusher was stuck for the pause: its last send comes after the resume.
    TimeNs last_send = 0;
    for (const auto& e : sim.trace().events())
        if (e.kind == TraceKind::send && e.node == "pusher") last_send = e.time_ns;
    EXPECT_GT(last_send, 2100 * kNsPerMs);
    EXPECT_EQ(ledger_in_flight(sim.trace()), sim.observed_in_flight());
}

TEST(Faults, PartitionHoldsTrafficAndHealingReleasesIt) {
    Simulation sim(2);
    hello_world(sim);
    sim.scheduler().at(300 * kNsPerMs, [&] { sim.partition("client", "server", false); });
    sim.scheduler().at(2300 * kNsPerMs, [&] { sim.heal("client", "server", false); });
    sim.run_until(10 * kNsPerSecond);
    EXPECT_EQ(
        count_between(sim.trace(), TraceKind::deliver, "client", 301 * kNsPerMs, 2300 * kNsPerMs),
        0u);
    EXPECT_EQ(
        count_between(sim.trace(), TraceKind::deliver, "server", 301 * kNsPerMs, 2300 * kNsPerMs),
        0u);
    EXPECT_TRUE(sim.node("client")->exited()) << "the held bytes arrive after the heal";
    EXPECT_EQ(count(sim.trace(), TraceKind::deliver, "client"), 10u);
}

TEST(Faults, OneWayPartitionBlocksOnlyOneDirection) {
    Simulation sim(3);
    hello_world(sim);
    // From 250 ms replies cannot reach the client; the request in flight still reaches
    // the server, which answers into the void.
    sim.scheduler().at(250 * kNsPerMs, [&] { sim.partition("server", "client", true); });
    sim.run_until(3 * kNsPerSecond);
    EXPECT_GE(
        count_between(sim.trace(), TraceKind::send, "server", 250 * kNsPerMs, 3 * kNsPerSecond),
        1u);
    EXPECT_EQ(
        count_between(sim.trace(), TraceKind::deliver, "client", 251 * kNsPerMs, 3 * kNsPerSecond),
        0u);
    EXPECT_FALSE(sim.node("client")->exited());
}

TEST(Faults, ClogDeliversNothingThenEverythingAtOnce) {
    Simulation sim(4);
    push_pull(sim, 300);
    sim.scheduler().at(5 * kNsPerMs, [&] { sim.clog("pusher", "puller"); });
    sim.scheduler().at(1005 * kNsPerMs, [&] { sim.unclog("pusher", "puller"); });
    sim.run_until(5 * kNsPerSecond);
    const size_t before = count_between(sim.trace(), TraceKind::deliver, "puller", 0, 5 * kNsPerMs);
    const size_t during =
        count_between(sim.trace(), TraceKind::deliver, "puller", 7 * kNsPerMs, 1005 * kNsPerMs);
    EXPECT_EQ(during, 0u);
    EXPECT_EQ(count(sim.trace(), TraceKind::deliver, "puller"), 300u);
    // What queued up arrives in a burst right after the unclog.
    const size_t burst =
        count_between(sim.trace(), TraceKind::deliver, "puller", 1005 * kNsPerMs, 1010 * kNsPerMs);
    EXPECT_GT(burst, before);
}

TEST(Faults, LinkResetDropsTheConnectionAndTheClientReconnects) {
    Simulation sim(5);
    hello_world(sim, 3);
    sim.scheduler().at(50 * kNsPerMs, [&] { sim.reset_link("client", "server"); });
    sim.run_until(5 * kNsPerSecond);
    EXPECT_GE(count(sim.trace(), TraceKind::disconnected, "client"), 1u);
    EXPECT_GE(count(sim.trace(), TraceKind::disconnected, "server"), 1u);
    // The connecting side comes back on its own (RECONNECT_IVL).
    EXPECT_GE(count(sim.trace(), TraceKind::connected, "client"), 2u);
    EXPECT_EQ(ledger_in_flight(sim.trace()), sim.observed_in_flight());
}

TEST(Faults, SlowConsumerTakesItsDelayPerMessage) {
    Simulation sim(6);
    push_pull(sim, 200);
    sim.scheduler().at(0, [&] { sim.slow("puller", 5); });
    sim.run_until(10 * kNsPerSecond);
    TimeNs first = kForever, last = 0;
    for (const auto& e : sim.trace().events()) {
        if (e.kind != TraceKind::deliver || e.node != "puller") continue;
        first = std::min(first, e.time_ns);
        last = std::max(last, e.time_ns);
    }
    EXPECT_EQ(count(sim.trace(), TraceKind::deliver, "puller"), 200u);
    EXPECT_GE(last - first, 199 * 5 * kNsPerMs);
}

TEST(Faults, LateJoinerStartsAtItsTime) {
    Simulation sim(7);
    Params server;
    server.set("bind", "tcp://*:5555");
    sim.add_node("server", "hwserver", patterns::hwserver, server, 0);
    Params client;
    client.set("requests", "1");
    sim.add_node("client", "hwclient", patterns::hwclient, client, 1500);
    sim.run_until(5 * kNsPerSecond);
    for (const auto& e : sim.trace().events()) {
        if (e.kind == TraceKind::node_start && e.node == "client") {
            EXPECT_EQ(e.time_ns, 1500 * kNsPerMs);
        }
    }
    EXPECT_TRUE(sim.node("client")->exited());
}

}  // namespace
}  // namespace sculpin::sim
