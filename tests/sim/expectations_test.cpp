#include "sim/expectations.hpp"

#include <gtest/gtest.h>

// Designated initializers leave the other fields at their defaults on purpose; GCC 12
// warns about that under -Wextra.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace sculpin::sim {
namespace {

constexpr int64_t kMs = 1'000'000;

TraceEvent event(int64_t time_ms, TraceKind kind, std::string node, uint64_t message = 0,
                 std::string detail = "", int64_t value = 0, std::string peer = "") {
    TraceEvent ev;
    ev.time_ns = time_ms * kMs;
    ev.kind = kind;
    ev.node = std::move(node);
    ev.message = message;
    ev.detail = std::move(detail);
    ev.value = value;
    ev.peer = std::move(peer);
    return ev;
}

Scenario scenario_with(std::vector<ExpectationSpec> expectations) {
    Scenario s;
    s.name = "t";
    s.title = "Test";
    s.chapter = 1;
    s.section = "Ask and Ye Shall Receive";
    s.duration_ms = 10000;
    s.nodes = {NodeSpec{.name = "client", .program = "hwclient"},
               NodeSpec{.name = "server", .program = "hwserver"}};
    s.expectations = std::move(expectations);
    return s;
}

ExpectationResult check(const ExpectationSpec& e, const std::vector<TraceEvent>& events,
                        const FinalState& state = {}, const CheckerRegistry& checkers = {}) {
    auto results = evaluate_expectations(scenario_with({e}), events, state, checkers);
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? ExpectationResult{} : results[0];
}

// client sends 3 requests (1, 2, 3); server gets 1 and 2; 3 is dropped at the server's HWM.
// server replies to 1 and 2 (messages 11, 12); the client receives both.
std::vector<TraceEvent> request_reply_trace() {
    return {
        event(0, TraceKind::node_start, "server", 0, "hwserver"),
        event(0, TraceKind::node_start, "client", 0, "hwclient"),
        event(1, TraceKind::send, "client", 1),
        event(1, TraceKind::send, "client", 2),
        event(1, TraceKind::send, "client", 3),
        event(2, TraceKind::deliver, "server", 1),
        event(2, TraceKind::drop, "server", 3, "hwm"),
        event(3, TraceKind::deliver, "server", 2),
        event(4, TraceKind::send, "server", 11),
        event(4, TraceKind::send, "server", 12),
        event(5, TraceKind::deliver, "client", 11),
        event(5, TraceKind::log, "client", 0, "Received World 1"),
        event(6, TraceKind::deliver, "client", 12),
        event(6, TraceKind::log, "client", 0, "Received World 2"),
        event(7, TraceKind::mark, "client", 0, "timeout: no reply"),
        event(8, TraceKind::node_exit, "client"),
    };
}

ExpectationSpec bounded(ExpectationSpec e, std::optional<int64_t> min, std::optional<int64_t> max) {
    e.min = min;
    e.max = max;
    return e;
}

TEST(Expectations, LedgerBalances) {
    auto r = check({.kind = ExpectationKind::ledger_balanced}, request_reply_trace());
    EXPECT_TRUE(r.passed) << r.detail;
    EXPECT_EQ(r.description, "the ledger balances: sent = delivered + dropped + in flight");
    EXPECT_EQ(r.detail, "sent 5 = delivered 4 + dropped 1 (hwm 1) + in flight 0");
}

TEST(Expectations, LedgerCountsForksAndInFlight) {
    std::vector<TraceEvent> events = {
        event(1, TraceKind::send, "pub", 1),
        event(1, TraceKind::fork, "pub", 1, "", 2),  // three subscribers: two extra copies
        event(2, TraceKind::deliver, "a", 1),
        event(2, TraceKind::drop, "b", 1, "hwm"),
    };
    FinalState state;
    state.observed_in_flight = 1;
    auto r = check({.kind = ExpectationKind::ledger_balanced}, events, state);
    EXPECT_TRUE(r.passed) << r.detail;
    EXPECT_EQ(r.detail, "sent 1 + forked 2 = delivered 1 + dropped 1 (hwm 1) + in flight 1");
}

TEST(Expectations, LedgerFailsWhenInFlightDisagrees) {
    FinalState state;
    state.observed_in_flight = 2;
    auto r = check({.kind = ExpectationKind::ledger_balanced}, request_reply_trace(), state);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.detail,
              "sent 5 = delivered 4 + dropped 1 (hwm 1) + in flight 0, but the simulator holds "
              "2 in flight");
}

TEST(Expectations, LedgerFailsOnDoubleDeliveryAndNegativePrefix) {
    // Delivered twice, sent once: the totals would still balance against a later send,
    // but the per-message and prefix checks catch it.
    std::vector<TraceEvent> twice = {
        event(1, TraceKind::send, "a", 1),
        event(2, TraceKind::deliver, "b", 1),
        event(3, TraceKind::deliver, "b", 1),
        event(4, TraceKind::send, "a", 2),
    };
    auto r = check({.kind = ExpectationKind::ledger_balanced}, twice);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.detail,
              "sent 2 = delivered 2 + dropped 0 + in flight 0; but message 1 was delivered at "
              "t=0.003 s (event #2) but only 1 copy had been sent");

    std::vector<TraceEvent> early = {
        event(1, TraceKind::deliver, "b", 0),
        event(2, TraceKind::send, "a", 0),
    };
    r = check({.kind = ExpectationKind::ledger_balanced}, early);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.detail,
              "sent 1 = delivered 1 + dropped 0 + in flight 0; but more messages delivered and "
              "dropped than sent at t=0.001 s (event #0)");
}

TEST(Expectations, LogContains) {
    ExpectationSpec e{.kind = ExpectationKind::log_contains, .node = "client", .text = "World 2"};
    auto r = check(e, request_reply_trace());
    EXPECT_TRUE(r.passed);
    EXPECT_EQ(r.description, "client logs \"World 2\"");
    EXPECT_EQ(r.detail, "logged at t=0.006 s: \"Received World 2\"");

    e.text = "World 3";
    r = check(e, request_reply_trace());
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.detail, "not among client's 2 log lines");
    e.node = "server";  // the right text at the wrong node does not count
    e.text = "World";
    EXPECT_FALSE(check(e, request_reply_trace()).passed);
}

TEST(Expectations, LogCount) {
    ExpectationSpec e{.kind = ExpectationKind::log_count, .node = "client", .text = "World"};
    auto r = check(bounded(e, 2, 2), request_reply_trace());
    EXPECT_TRUE(r.passed);
    EXPECT_EQ(r.description, "client logs \"World\" 2 times");
    EXPECT_EQ(r.detail, "logged 2 times");
    r = check(bounded(e, 10, 10), request_reply_trace());
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.description, "client logs \"World\" 10 times");
    r = check(bounded(e, std::nullopt, 1), request_reply_trace());
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.description, "client logs \"World\" no more than 1 time");
}

TEST(Expectations, Delivered) {
    ExpectationSpec e{.kind = ExpectationKind::delivered, .from = "server", .to = "client"};
    auto r = check(bounded(e, 2, 2), request_reply_trace());
    EXPECT_TRUE(r.passed) << r.detail;
    EXPECT_EQ(r.description, "client receives 2 messages from server");
    EXPECT_EQ(r.detail, "received 2; server sent 2 messages in all");

    ExpectationSpec requests{.kind = ExpectationKind::delivered, .from = "client", .to = "server"};
    r = check(bounded(requests, 3, std::nullopt), request_reply_trace());
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.description, "server receives at least 3 messages from client");
    EXPECT_EQ(r.detail, "received 2; client sent 3 messages in all, 1 of them dropped (hwm 1)");

    // A message that reaches `to` but was sent by someone else does not count.
    ExpectationSpec wrong{.kind = ExpectationKind::delivered, .from = "client", .to = "client"};
    r = check(bounded(wrong, 1, std::nullopt), request_reply_trace());
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.description, "client receives at least 1 message from client");
}

TEST(Expectations, Drops) {
    ExpectationSpec e{.kind = ExpectationKind::drops, .reason = "hwm"};
    auto r = check(bounded(e, std::nullopt, 0), request_reply_trace());
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.description, "no more than 0 drops for reason hwm");
    EXPECT_EQ(r.detail, "counted 1");
    r = check(bounded(e, 1, std::nullopt), request_reply_trace());
    EXPECT_TRUE(r.passed);
    EXPECT_EQ(r.description, "at least 1 drop for reason hwm");

    e.node = "client";  // the drop happened at the server
    r = check(bounded(e, 1, 5), request_reply_trace());
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.description, "between 1 and 5 drops for reason hwm at client");
    EXPECT_EQ(r.detail, "counted 0");

    ExpectationSpec other{.kind = ExpectationKind::drops, .reason = "no_peer"};
    r = check(bounded(other, 1, std::nullopt), request_reply_trace());
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.detail, "counted 0 (other reasons: hwm 1)");
}

TEST(Expectations, AliveAndExited) {
    FinalState state;
    state.nodes["server"] = {.alive = true, .exited = false};
    state.nodes["client"] = {.alive = false, .exited = true};
    auto events = request_reply_trace();

    auto r = check({.kind = ExpectationKind::alive, .node = "server"}, events, state);
    EXPECT_TRUE(r.passed);
    EXPECT_EQ(r.description, "server is alive at the end");
    r = check({.kind = ExpectationKind::alive, .node = "client"}, events, state);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.detail, "exited at t=0.008 s");

    r = check({.kind = ExpectationKind::exited, .node = "client"}, events, state);
    EXPECT_TRUE(r.passed);
    EXPECT_EQ(r.description, "client exits by itself");
    r = check({.kind = ExpectationKind::exited, .node = "server"}, events, state);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.detail, "running at the end (started at t=0.000 s)");

    // A crashed node is neither alive nor exited.
    events.push_back(event(9, TraceKind::node_crash, "server"));
    state.nodes["server"] = {.alive = false, .exited = false};
    r = check({.kind = ExpectationKind::alive, .node = "server"}, events, state);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.detail, "not running at the end: crashed at t=0.009 s");
    EXPECT_FALSE(check({.kind = ExpectationKind::exited, .node = "server"}, events, state).passed);

    // No final state at all is a failure, not a crash of the checker.
    r = check({.kind = ExpectationKind::alive, .node = "server"}, events, FinalState{});
    EXPECT_FALSE(r.passed);
}

TEST(Expectations, Checkers) {
    CheckerRegistry checkers;
    checkers["replies-match"] = [](const Scenario&, const std::vector<TraceEvent>& events) {
        int64_t timeouts = 0;
        for (const auto& ev : events) timeouts += ev.kind == TraceKind::mark;
        return ExpectationResult{"", timeouts == 0, std::to_string(timeouts) + " timeouts"};
    };
    checkers["named"] = [](const Scenario&, const std::vector<TraceEvent>&) {
        return ExpectationResult{"every reply matches its request", true, ""};
    };
    auto r = check({.kind = ExpectationKind::checker, .name = "replies-match"},
                   request_reply_trace(), {}, checkers);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.description, "checker replies-match holds");
    EXPECT_EQ(r.detail, "1 timeouts");
    r = check({.kind = ExpectationKind::checker, .name = "named"}, {}, {}, checkers);
    EXPECT_TRUE(r.passed);
    EXPECT_EQ(r.description, "every reply matches its request");
    r = check({.kind = ExpectationKind::checker, .name = "missing"}, {}, {}, checkers);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.detail, "no checker named \"missing\" is registered");
}

TEST(Expectations, ResultsKeepTheFileOrder) {
    auto s = scenario_with({{.kind = ExpectationKind::alive, .node = "server"},
                            {.kind = ExpectationKind::ledger_balanced}});
    auto results = evaluate_expectations(s, request_reply_trace(), {}, {});
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].description, "server is alive at the end");
    EXPECT_EQ(results[1].description.rfind("the ledger", 0), 0u);
}

TEST(Narration, HeaderNamesChapterAndSection) {
    EXPECT_EQ(narration_header(scenario_with({})),
              "Chapter 1 \u00b7 Ask and Ye Shall Receive \u00b7 Test");
}

TEST(Narration, TimedAndTriggeredLinesInTimeOrder) {
    Scenario s = scenario_with({});
    s.narration = {
        NarrationLine{.at_ms = 5, .text = "timed at 5 ms: {delivered} delivered so far"},
        NarrationLine{.on = NarrationTrigger{.kind = TraceKind::deliver, .node = "client"},
                      .text = "client got reply {n} at {t}",
                      .once = false},
        NarrationLine{.on = NarrationTrigger{.kind = TraceKind::drop},
                      .text = "{node} dropped a message ({detail}); dropped so far: "
                              "{dropped:hwm} hwm, {dropped:no_peer} no_peer"},
        NarrationLine{.at_ms = 0, .text = "start {{braces}}"},
        NarrationLine{.on = NarrationTrigger{.kind = TraceKind::deliver, .node = "client"},
                      .text = "first reply only"},
        NarrationLine{.on = NarrationTrigger{.kind = TraceKind::mark, .detail_contains = "timeout"},
                      .text = "{detail}"},
        NarrationLine{.on = NarrationTrigger{.kind = TraceKind::mark, .node = "server"},
                      .text = "never fires"},
        NarrationLine{.at_ms = 2, .text = "at 2 ms, same time as the drop"},
    };
    auto lines = narrate(s, request_reply_trace());
    std::vector<std::pair<int64_t, std::string>> expected = {
        {0, "start {braces}"},
        {2 * kMs, "server dropped a message (hwm); dropped so far: 1 hwm, 0 no_peer"},
        {2 * kMs, "at 2 ms, same time as the drop"},
        {5 * kMs, "timed at 5 ms: 3 delivered so far"},
        {5 * kMs, "client got reply 1 at 0.005 s"},
        {5 * kMs, "first reply only"},
        {6 * kMs, "client got reply 2 at 0.006 s"},
        {7 * kMs, "timeout: no reply"},
    };
    EXPECT_EQ(lines, expected);
}

TEST(Narration, TimedLinesFireWithoutEvents) {
    Scenario s = scenario_with({});
    s.narration = {NarrationLine{.at_ms = 3, .text = "b"}, NarrationLine{.at_ms = 1, .text = "a"},
                   NarrationLine{.at_ms = 3, .text = "c"}};
    std::vector<std::pair<int64_t, std::string>> expected = {
        {1 * kMs, "a"}, {3 * kMs, "b"}, {3 * kMs, "c"}};
    EXPECT_EQ(narrate(s, {}), expected);
}

}  // namespace
}  // namespace sculpin::sim
