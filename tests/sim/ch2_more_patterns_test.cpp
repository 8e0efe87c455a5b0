// Chapter 2's remaining scenarios, run from their files: beyond the expectations in each
// file, the trace must show what the book describes (who read what, when, in which
// order).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "sim/scenario_files.hpp"
#include "sim/trace_queries.hpp"

namespace sculpin::sim {
namespace {

using namespace sculpin::sim::testing;

void expect_all_pass(const FinishedRun& run) {
    for (const auto& result : run.results)
        EXPECT_TRUE(result.passed) << result.description << " — " << result.detail;
}

// The number after `key` in the node's one log line containing it.
int64_t number_after(const Trace& trace, const std::string& node, const std::string& key) {
    for (const auto* e : events(trace, TraceKind::log, node)) {
        const auto at = e->detail.find(key);
        if (at != std::string::npos) return std::atoll(e->detail.c_str() + at + key.size());
    }
    return -1;
}

// Mean time from the weather server's send to the node's receive, for updates it read.
double mean_latency_ms(const Trace& trace, const std::string& node) {
    std::map<uint64_t, int64_t> sent_at;
    for (const auto* e : events(trace, TraceKind::send, "weather"))
        sent_at[e->message] = e->time_ns;
    int64_t total_ns = 0;
    int64_t n = 0;
    for (const auto* e : events(trace, TraceKind::deliver, node)) {
        auto it = sent_at.find(e->message);
        if (it == sent_at.end()) continue;
        total_ns += e->time_ns - it->second;
        ++n;
    }
    return n == 0 ? -1.0 : static_cast<double>(total_ns) / static_cast<double>(n) / 1e6;
}

TEST(Ch2SeveralSockets, ThePollerReadsEverythingAtOnceTheNaiveReaderBusyWaits) {
    const FinishedRun run = run_scenario(load_builtin("ch2-msreader-mspoller"));
    expect_all_pass(run);
    const Trace& trace = run.trace();
    // Both read the same kind and amount of traffic...
    const int64_t reader_updates = number_after(trace, "reader", "tasks and ");
    const int64_t poller_updates = number_after(trace, "poller", "tasks and ");
    EXPECT_GT(reader_updates, 80);
    EXPECT_GT(poller_updates, 80);
    EXPECT_LE(std::abs(reader_updates - poller_updates), 3);
    // ...but the reader woke every millisecond for 2 s, nearly always for nothing, and
    // each of those wake-ups is a mark in the trace. The poller never woke for nothing.
    const int64_t reader_idle = number_after(trace, "reader", "idle wakeups: ");
    EXPECT_GT(reader_idle, 1800);
    EXPECT_EQ(static_cast<int64_t>(count(trace, TraceKind::mark, "reader")), reader_idle);
    EXPECT_EQ(number_after(trace, "poller", "idle wakeups: "), 0);
    EXPECT_EQ(count(trace, TraceKind::mark, "poller"), 0u);
    EXPECT_LE(number_after(trace, "poller", "(of "), 100 + poller_updates);
    // The reader's nap adds latency: on average half a millisecond more per update.
    const double reader_latency = mean_latency_ms(trace, "reader");
    const double poller_latency = mean_latency_ms(trace, "poller");
    EXPECT_GT(poller_latency, 0.0);
    EXPECT_GT(reader_latency, poller_latency + 0.25)
        << "reader " << reader_latency << " ms, poller " << poller_latency << " ms";
}

TEST(Ch2WeatherProxy, SubscriptionsTravelUpAndOnlyWantedUpdatesComeDown) {
    const FinishedRun run = run_scenario(load_builtin("ch2-wuproxy"));
    expect_all_pass(run);
    const Trace& trace = run.trace();
    // The server learns both far subscriptions, from the proxy, after the proxy did.
    auto at_proxy = events(trace, TraceKind::subscribed, "proxy");
    auto at_server = events(trace, TraceKind::subscribed, "server");
    // When the clients have their samples and leave, their cancels travel up the same way.
    ASSERT_EQ(at_proxy.size(), 2u);
    ASSERT_EQ(at_server.size(), 4u);
    for (const auto* e : at_server) EXPECT_EQ(e->peer, "proxy");
    EXPECT_LT(at_proxy.front()->time_ns, at_server.front()->time_ns);
    EXPECT_EQ(at_server[0]->detail.rfind("subscribe ", 0), 0u) << at_server[0]->detail;
    EXPECT_EQ(at_server[1]->detail.rfind("subscribe ", 0), 0u) << at_server[1]->detail;
    EXPECT_EQ(at_server[2]->detail, "cancel \"10001 \"");
    EXPECT_EQ(at_server[3]->detail, "cancel \"10007 \"");
    EXPECT_GT(at_server[2]->time_ns, events(trace, TraceKind::node_exit, "client1")[0]->time_ns);
    // The subscriptions the proxy passed on are control traffic, like a SUB's subscribe:
    // the XPUB's notices are not deliveries, the XSUB's subscribe is not a send, so the
    // ledger holds only updates (and balances at every step: see the expectations).
    for (const auto* e : events(trace, TraceKind::deliver, "proxy"))
        EXPECT_EQ(e->detail.find("0x01"), std::string::npos) << e->detail;
    for (const auto* e : events(trace, TraceKind::send, "proxy"))
        EXPECT_EQ(e->detail.find("0x01"), std::string::npos) << e->detail;
    // The proxy only ever received updates somebody had asked for.
    const auto received = events(trace, TraceKind::deliver, "proxy");
    size_t updates = 0;
    for (const auto* e : received) {
        if (e->detail.rfind("10001 ", 0) == 0 || e->detail.rfind("10007 ", 0) == 0) ++updates;
    }
    EXPECT_GT(updates, 40u);
    // Subscriptions are the XPUB's messages to the loop; everything else is an update.
    for (const auto* e : events(trace, TraceKind::deliver, "client1"))
        EXPECT_EQ(e->detail.rfind("10001 ", 0), 0u) << e->detail;
    for (const auto* e : events(trace, TraceKind::deliver, "client2"))
        EXPECT_EQ(e->detail.rfind("10007 ", 0), 0u) << e->detail;
    // The clients never talk to the server directly.
    for (const auto* e : events(trace, TraceKind::connected)) {
        const bool server_client = e->node == "server" && e->peer.rfind("client", 0) == 0;
        const bool client_server = e->node.rfind("client", 0) == 0 && e->peer == "server";
        EXPECT_FALSE(server_client || client_server) << e->node << " - " << e->peer;
    }
}

TEST(Ch2KillSignal, EveryWorkerReadsTheKillAfterTheBatchAndExits) {
    const FinishedRun run = run_scenario(load_builtin("ch2-kill-signal"));
    expect_all_pass(run);
    const Trace& trace = run.trace();
    auto sink_kill = events(trace, TraceKind::mark, "sink");
    ASSERT_EQ(sink_kill.size(), 1u);
    int64_t tasks = 0;
    for (const std::string worker : {"worker1", "worker2", "worker3"}) {
        auto kill = events(trace, TraceKind::mark, worker);
        ASSERT_EQ(kill.size(), 1u) << worker;
        EXPECT_GT(kill[0]->time_ns, sink_kill[0]->time_ns) << worker;
        // "kill: N tasks done"
        const auto colon = kill[0]->detail.find(": ");
        ASSERT_NE(colon, std::string::npos) << kill[0]->detail;
        tasks += std::atoll(kill[0]->detail.c_str() + colon + 2);
        auto exit = events(trace, TraceKind::node_exit, worker);
        ASSERT_EQ(exit.size(), 1u) << worker;
        EXPECT_GE(exit[0]->time_ns, kill[0]->time_ns);
    }
    EXPECT_EQ(tasks, 100);  // the batch was done before anyone was told to stop
}

TEST(Ch2MultithreadedServer, FiveWorkersServeFiveClientsAtOnce) {
    const FinishedRun run = run_scenario(load_builtin("ch2-mtserver"));
    expect_all_pass(run);
    const Trace& trace = run.trace();
    // 50 one-second requests, done well within 12 s: the workers ran side by side.
    for (const std::string client : {"client1", "client2", "client3", "client4", "client5"}) {
        auto exit = events(trace, TraceKind::node_exit, client);
        ASSERT_EQ(exit.size(), 1u) << client;
        EXPECT_LT(exit[0]->time_ns, 11 * kNsPerSecond) << client;
    }
    // At the first second's end every worker had started its first request.
    size_t busy = 0;
    for (const std::string worker : {"worker1", "worker2", "worker3", "worker4", "worker5"})
        if (count_between(trace, TraceKind::deliver, worker, 0, kNsPerSecond) > 0) ++busy;
    EXPECT_EQ(busy, 5u);
}

TEST(Ch2ThreadRelay, ReadyGoesDownTheChainOverInprocOnly) {
    const FinishedRun run = run_scenario(load_builtin("ch2-mtrelay"));
    expect_all_pass(run);
    const Trace& trace = run.trace();
    auto marks = events(trace, TraceKind::mark, "relay");
    ASSERT_EQ(marks.size(), 2u);
    EXPECT_NE(marks[0]->detail.find("step 1 -> step 2"), std::string::npos);
    EXPECT_NE(marks[1]->detail.find("step 2 -> step 3"), std::string::npos);
    EXPECT_EQ(count(trace, TraceKind::wire), 0u);  // inproc: nothing crossed a network
    auto delivered = events(trace, TraceKind::deliver, "relay");
    ASSERT_EQ(delivered.size(), 2u);
    EXPECT_NE(delivered[0]->socket, delivered[1]->socket);  // step 2's PAIR, then step 3's
}

TEST(Ch2PubSubEnvelopes, OnlyKeyBReachesTheSubscriberInTwoFrames) {
    const FinishedRun run = run_scenario(load_builtin("ch2-pubsub-envelopes"));
    expect_all_pass(run);
    const Trace& trace = run.trace();
    auto delivered = events(trace, TraceKind::deliver, "subscriber");
    ASSERT_EQ(delivered.size(), 5u);
    for (const auto* e : delivered) EXPECT_EQ(e->detail, "B|We would like to see this");
    // Every "A" was dropped at the publisher, before the network.
    size_t a_sent = 0;
    std::map<uint64_t, std::string> fate;
    for (const auto* e : events(trace, TraceKind::drop, "publisher")) fate[e->message] = e->detail;
    for (const auto* e : events(trace, TraceKind::send, "publisher")) {
        if (e->detail.rfind("A|", 0) != 0) continue;
        ++a_sent;
        ASSERT_TRUE(fate.count(e->message)) << "message " << e->message;
        EXPECT_TRUE(fate[e->message] == "filtered" || fate[e->message] == "no_peer")
            << fate[e->message];
    }
    EXPECT_EQ(a_sent, 6u);
}

}  // namespace
}  // namespace sculpin::sim
