// Subscriptions are control traffic, not messages: an XSUB that a program hands
// "\x01topic" applies it and tells its publishers, and an XPUB hands its application the
// subscriptions its subscribers make. Neither has a ledger id, so neither is a send or a
// deliver in the trace (sim_node.cpp), and a proxy between them keeps the ledger balanced.
#include <gtest/gtest.h>

#include "patterns/request_reply_broker.hpp"
#include "sim/ledger.hpp"
#include "sim/simulation.hpp"
#include "sim/trace_queries.hpp"

namespace sculpin::sim {
namespace {

using namespace sculpin::sim::testing;

Task<> publisher(Node& node) {
    Sock pub = node.socket(SocketType::pub);
    pub.bind("tcp://*:6000");
    for (int i = 0; i < 20; ++i) {
        co_await node.send(pub, Message::text(i % 2 == 0 ? "A-even" : "B-odd"));
        co_await node.sleep(10);
    }
}

Task<> proxy(Node& node) {
    Sock xsub = node.socket(SocketType::xsub);
    xsub.connect("tcp://publisher:6000");
    Sock xpub = node.socket(SocketType::xpub);
    xpub.bind("tcp://*:6001");
    co_await patterns::forward_forever(node, xsub, xpub);
}

Task<> subscriber(Node& node) {
    Sock sub = node.socket(SocketType::sub);
    sub.connect("tcp://proxy:6001");
    sub.subscribe("A");
    while (true) {
        Received msg = co_await node.recv(sub);
        if (!msg.ok()) break;
    }
}

TEST(PubSubControlTraffic, SubscriptionsThroughAProxyAreNeitherSentNorDelivered) {
    Simulation sim(1);
    sim.add_node("publisher", "test-publisher", publisher, Params(), 0);
    sim.add_node("proxy", "test-proxy", proxy, Params(), 0);
    sim.add_node("subscriber", "test-subscriber", subscriber, Params(), 0);
    sim.run_until(1 * kNsPerSecond);
    const Trace& trace = sim.trace();

    // The subscription went up through the proxy and reached the publisher...
    ASSERT_EQ(count(trace, TraceKind::subscribed, "proxy"), 1u);
    ASSERT_EQ(count(trace, TraceKind::subscribed, "publisher"), 1u);
    EXPECT_EQ(events(trace, TraceKind::subscribed, "publisher")[0]->detail, "subscribe \"A\"");
    // ...without a send or deliver of its own: every one carries a ledger id.
    for (const auto& e : trace.events()) {
        if (e.kind == TraceKind::send || e.kind == TraceKind::deliver) {
            EXPECT_NE(e.message, 0u) << to_json_line(e);
        }
    }
    // The proxy forwarded only data, down: the publisher filtered B itself.
    for (const auto* e : events(trace, TraceKind::send, "proxy")) {
        EXPECT_EQ(e->detail, "A-even");
    }
    EXPECT_GT(count(trace, TraceKind::deliver, "subscriber"), 0u);
    EXPECT_EQ(count(trace, TraceKind::deliver, "subscriber"),
              count(trace, TraceKind::send, "proxy"));

    Ledger ledger;
    for (const auto& e : trace.events()) ledger.observe(e);
    EXPECT_TRUE(ledger.balanced_at_end(sim.observed_in_flight()))
        << ledger.balance_error() << " / " << ledger.summary();
}

}  // namespace
}  // namespace sculpin::sim
