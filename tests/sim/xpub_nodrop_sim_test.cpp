// XPUB_NODROP on the simulated runtime: a publisher faster than its subscriber waits at
// the high-water mark instead of dropping, so the trace has no drop and the ledger
// balances with every message delivered. Without the option the same run drops (hwm).
#include <gtest/gtest.h>

#include "sim/ledger.hpp"
#include "sim/simulation.hpp"
#include "sim/trace_queries.hpp"

namespace sculpin::sim {
namespace {

using namespace sculpin::sim::testing;

constexpr int kMessages = 60;
constexpr int kHwm = 5;

Task<> publisher(Node& node) {
    Sock xpub = node.socket(SocketType::xpub);
    xpub.set(option::sndhwm, kHwm);
    if (node.params().get("nodrop", "1") == "1") xpub.set(option::xpub_nodrop, 1);
    xpub.bind("tcp://*:6000");
    // Publish only once the subscriber is there: what is at stake is the HWM, not joining.
    Received subscription = co_await node.recv(xpub);
    if (!subscription.ok()) co_return;
    for (int i = 0; i < kMessages; ++i)
        co_await node.send(xpub, Message::text("m" + std::to_string(i)));
}

Task<> slow_subscriber(Node& node) {
    Sock sub = node.socket(SocketType::sub);
    sub.set(option::rcvhwm, kHwm);
    sub.subscribe("");
    sub.connect("tcp://publisher:6000");
    while (true) {
        Received msg = co_await node.recv(sub);
        if (!msg.ok()) break;
        co_await node.sleep(20);
    }
}

struct Outcome {
    size_t delivered = 0;
    size_t drops = 0;
    bool balanced = false;
};

Outcome run(const std::string& nodrop) {
    Simulation sim(7);
    Params params;
    params.set("nodrop", nodrop);
    sim.add_node("publisher", "test-publisher", publisher, params, 0);
    sim.add_node("subscriber", "test-subscriber", slow_subscriber, Params(), 0);
    sim.run_until(10 * kNsPerSecond);
    const Trace& trace = sim.trace();
    Ledger ledger;
    for (const auto& e : trace.events()) ledger.observe(e);
    Outcome outcome;
    outcome.delivered = count(trace, TraceKind::deliver, "subscriber");
    outcome.drops = count(trace, TraceKind::drop);
    outcome.balanced = ledger.balanced_at_end(sim.observed_in_flight());
    EXPECT_TRUE(outcome.balanced) << ledger.balance_error() << " / " << ledger.summary();
    return outcome;
}

TEST(XPubNoDropSim, APublisherWaitsForASlowSubscriberAndDropsNothing) {
    const Outcome outcome = run("1");
    EXPECT_EQ(outcome.drops, 0u);
    EXPECT_EQ(outcome.delivered, static_cast<size_t>(kMessages));
}

TEST(XPubNoDropSim, WithoutItTheSamePublisherDropsAtTheHighWaterMark) {
    const Outcome outcome = run("0");
    EXPECT_GT(outcome.drops, 0u);
    EXPECT_EQ(outcome.delivered + outcome.drops, static_cast<size_t>(kMessages));
}

}  // namespace
}  // namespace sculpin::sim
