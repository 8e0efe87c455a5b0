// The book's chapter 3 programs on the simulator: each test checks the outcome the book
// describes (SCENARIOS.md, chapter 3), from the trace alone.
#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "patterns/async_server.hpp"
#include "patterns/identity.hpp"
#include "patterns/load_balancing_broker.hpp"
#include "patterns/router_workers.hpp"
#include "sim/simulation.hpp"
#include "sim/trace_queries.hpp"

namespace sculpin::sim {
namespace {

using namespace sculpin::sim::testing;

std::string name(const char* prefix, size_t i) {
    return prefix + std::to_string(i + 1);
}

// --- The identity of a socket ----------------------------------------------------------------

TEST(Ch3Identity, RouterSeesAGeneratedIdThenTheChosenOne) {
    Simulation sim(1);
    Params sink;
    sink.set("bind", "tcp://*:5555");
    sim.add_node("sink", "identity-sink", patterns::identity_sink, sink, 0);
    Params anonymous;
    anonymous.set("connect", "tcp://sink:5555");
    sim.add_node("anonymous", "identity-client", patterns::identity_client, anonymous, 0);
    Params named = anonymous;
    named.set("identity", "PEER2");
    sim.add_node("peer2", "identity-client", patterns::identity_client, named, 200);
    sim.run_until(2 * kNsPerSecond);
    const Trace& trace = sim.trace();

    // Two messages, each dumped as [routing id][empty delimiter][body].
    auto ids = logs(trace, "sink", "[005] ");
    ASSERT_EQ(ids.size(), 2u);
    // The generated id: 5 bytes, a zero byte then a 32-bit number (shown in hex).
    EXPECT_TRUE(std::regex_match(ids[0], std::regex(R"(\[005\] 0x00[0-9a-f]{8})"))) << ids[0];
    EXPECT_EQ(ids[1], "[005] PEER2");
    EXPECT_EQ(logs(trace, "sink", "[000] ").size(), 2u);
    EXPECT_EQ(logs(trace, "sink", "[039] ROUTER uses a generated 5 byte identity").size(), 1u);
    EXPECT_EQ(logs(trace, "sink", "[040] ROUTER socket uses REQ's socket identity").size(), 1u);
    EXPECT_EQ(count(trace, TraceKind::mark, "sink"), 2u);
    EXPECT_EQ(count(trace, TraceKind::drop), 0u);
}

// --- ROUTER broker and REQ or DEALER workers -------------------------------------------------

// Runs the broker with ten workers; returns each worker's "Completed: N tasks".
std::vector<int64_t> run_rt(uint64_t seed, Program worker, const char* program) {
    Simulation sim(seed);
    Params broker;
    broker.set("bind", "tcp://*:5671");
    broker.set("workers", "10");
    sim.add_node("broker", "rtreq-broker", patterns::rt_broker, broker, 0);
    for (size_t i = 0; i < 10; ++i) {
        Params params;
        params.set("connect", "tcp://broker:5671");
        sim.add_node(name("worker", i), program, worker, params, 0);
    }
    sim.run_until(8 * kNsPerSecond);
    const Trace& trace = sim.trace();
    EXPECT_TRUE(sim.node("broker")->exited());
    EXPECT_EQ(count(trace, TraceKind::drop), 0u);
    EXPECT_EQ(sim.observed_in_flight(), 0);
    std::vector<int64_t> completed;
    for (size_t i = 0; i < 10; ++i) {
        auto lines = logs(trace, name("worker", i), "Completed: ");
        EXPECT_EQ(lines.size(), 1u) << name("worker", i);
        EXPECT_TRUE(sim.node(name("worker", i))->exited());
        if (lines.size() != 1) return {};
        const int64_t tasks = std::atoll(lines[0].c_str() + 11);
        // Each "Work harder" it got is one task.
        EXPECT_EQ(static_cast<int64_t>(logs(trace, name("worker", i), "Task ").size()), tasks);
        completed.push_back(tasks);
    }
    return completed;
}

// The book: the load spreads roughly evenly. A task takes 1-500 ms (mean 250.5) plus a
// round trip, so in five seconds a worker completes about 20; every worker must land
// within 50%-150% of the mean, on several seeds.
void check_even_spread(Program worker, const char* program) {
    for (uint64_t seed : {1, 2, 3, 4}) {
        auto completed = run_rt(seed, worker, program);
        ASSERT_EQ(completed.size(), 10u) << "seed " << seed;
        int64_t total = 0;
        for (int64_t tasks : completed) total += tasks;
        EXPECT_GE(total, 170) << "seed " << seed;
        EXPECT_LE(total, 230) << "seed " << seed;
        for (size_t i = 0; i < completed.size(); ++i) {
            EXPECT_GE(completed[i] * 10 * 2, total) << "seed " << seed << " worker " << i + 1;
            EXPECT_LE(completed[i] * 10 * 2, total * 3) << "seed " << seed << " worker " << i + 1;
        }
    }
}

TEST(Ch3RouterWorkers, ReqWorkersShareTheLoadRoughlyEvenly) {
    check_even_spread(patterns::rtreq_worker, "rtreq-worker");
}

TEST(Ch3RouterWorkers, DealerWorkersShareTheLoadTheSameWay) {
    check_even_spread(patterns::rtdealer_worker, "rtdealer-worker");
}

// --- A load-balancing message broker ---------------------------------------------------------

TEST(Ch3LoadBalancingBroker, LeastRecentlyReadyWorkerGetsEachRequest) {
    Simulation sim(1);
    Params broker;
    broker.set("frontend", "tcp://*:5672");
    broker.set("backend", "tcp://*:5673");
    broker.set("clients", "10");
    sim.add_node("broker", "lbbroker", patterns::lbbroker, broker, 0);
    for (size_t i = 0; i < 10; ++i) {
        Params client;
        client.set("connect", "tcp://broker:5672");
        sim.add_node(name("client", i), "lbclient", patterns::lbclient, client, 0);
    }
    for (size_t i = 0; i < 3; ++i) {
        Params worker;
        worker.set("connect", "tcp://broker:5673");
        // Different speeds, so that "least recently ready" is not plain round-robin.
        worker.set("work_ms", std::to_string(10 * (i + 1)));
        sim.add_node(name("worker", i), "lbworker", patterns::lbworker, worker, 500);
    }
    sim.run_until(5 * kNsPerSecond);
    const Trace& trace = sim.trace();

    // Every client gets exactly one "OK" and exits; the broker exits after ten replies.
    for (size_t i = 0; i < 10; ++i) {
        EXPECT_EQ(logs(trace, name("client", i), "Client: OK").size(), 1u) << name("client", i);
        EXPECT_TRUE(sim.node(name("client", i))->exited());
    }
    EXPECT_TRUE(sim.node("broker")->exited());

    // Replay the broker's queue from its marks: each dispatch goes to the worker at the
    // front (the least recently ready), and no request is read while the queue is empty.
    std::deque<std::string> queue;
    std::map<std::string, int> handled;
    size_t dispatches = 0;
    for (const auto* e : events(trace, TraceKind::mark, "broker")) {
        if (e->detail.rfind("ready: ", 0) == 0) {
            queue.push_back(e->detail.substr(7));
        } else if (e->detail.rfind("dispatch: ", 0) == 0) {
            ASSERT_FALSE(queue.empty()) << "request read with no worker free";
            const std::string worker = e->detail.substr(e->detail.find(" -> ") + 4);
            EXPECT_EQ(worker, queue.front()) << e->detail;
            queue.pop_front();
            ++handled[worker];
            ++dispatches;
        }
    }
    EXPECT_EQ(dispatches, 10u);
    // The fastest worker is ready most often and so takes the most; all take some.
    ASSERT_EQ(handled.size(), 3u);
    EXPECT_GE(handled["worker1"], handled["worker3"]);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(static_cast<int>(logs(trace, name("worker", i), "Worker: HELLO").size()),
                  handled[name("worker", i)]);
    }
    // Before the workers start, nothing is read from the frontend: the first dispatch
    // comes after the first READY, which is after the workers start.
    const auto marks = events(trace, TraceKind::mark, "broker");
    ASSERT_FALSE(marks.empty());
    EXPECT_GE(marks.front()->time_ns, 500 * kNsPerMs);
    EXPECT_EQ(count(trace, TraceKind::drop), 0u);
}

// --- Asynchronous client/server --------------------------------------------------------------

TEST(Ch3AsyncServer, RepliesAreRoutedBackByIdentity) {
    Simulation sim(1);
    Params server;
    server.set("frontend", "tcp://*:5570");
    server.set("backend", "tcp://*:5571");
    sim.add_node("server", "asyncsrv-server", patterns::asyncsrv_server, server, 0);
    for (size_t i = 0; i < 5; ++i) {
        Params worker;
        worker.set("connect", "tcp://server:5571");
        sim.add_node(name("worker", i), "asyncsrv-worker", patterns::asyncsrv_worker, worker, 0);
    }
    for (size_t i = 0; i < 3; ++i) {
        Params client;
        client.set("connect", "tcp://server:5570");
        sim.add_node(name("client", i), "asyncsrv-client", patterns::asyncsrv_client, client, 0);
    }
    sim.run_until(20 * kNsPerSecond);
    const Trace& trace = sim.trace();

    // What the workers sent, by the id frame in front: [client id, "request #n"].
    std::map<std::string, size_t> sent_to;
    size_t worker_sends = 0;
    for (size_t i = 0; i < 5; ++i) {
        for (const auto* e : events(trace, TraceKind::send, name("worker", i))) {
            const auto bar = e->detail.find('|');
            ASSERT_NE(bar, std::string::npos) << e->detail;
            ++sent_to[e->detail.substr(0, bar)];
            ++worker_sends;
        }
    }
    // Workers answer 0-4 times (mean 2): there are replies, and not one per request.
    EXPECT_GT(worker_sends, 0u);
    size_t received_total = 0;
    for (size_t i = 0; i < 3; ++i) {
        const std::string client = name("client", i);
        auto received = logs(trace, client, client + " received: request #");
        // Each client got exactly the replies sent under its own id, id stripped.
        EXPECT_GT(received.size(), 0u) << client;
        EXPECT_LE(received.size(), sent_to[client]) << client;
        EXPECT_GE(received.size() + 4, sent_to[client]) << client;  // some still in flight
        received_total += received.size();
    }
    EXPECT_EQ(sent_to.size(), 3u);
    EXPECT_EQ(count(trace, TraceKind::drop), 0u);
    EXPECT_GT(received_total, 0u);
}

}  // namespace
}  // namespace sculpin::sim
