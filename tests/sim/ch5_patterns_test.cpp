// Chapter 5's scenarios (and chapter 3's peering) as shipped: each holds the outcome the
// book describes, each breaks the way a learner's program would when one of its programs
// is broken on purpose (a test-only "broken" parameter no scenario file uses), and each
// exports a Perfetto trace that parses and pairs its flows.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "patterns/pubsub_checkers.hpp"
#include "sim/perfetto_export.hpp"
#include "sim/scenario_runs.hpp"
#include "sim/trace_queries.hpp"

namespace sculpin::sim {
namespace {

using namespace sculpin::sim::testing;

std::vector<const TraceEvent*> of(const Judged& run, TraceKind kind, const std::string& node) {
    std::vector<const TraceEvent*> out;
    for (const auto& e : run.events)
        if (e.kind == kind && e.node == node) out.push_back(&e);
    return out;
}

std::vector<std::string> marks(const Judged& run, const std::string& node,
                               const std::string& what) {
    std::vector<std::string> out;
    for (const auto* e : of(run, TraceKind::mark, node))
        if (e->detail.rfind(what + ": ", 0) == 0) out.push_back(e->detail.substr(what.size() + 2));
    return out;
}

size_t count_kind(const std::vector<TraceEvent>& events, TraceKind kind) {
    return static_cast<size_t>(std::count_if(events.begin(), events.end(),
                                             [&](const TraceEvent& e) { return e.kind == kind; }));
}

const TraceEvent* first_mark(const Judged& run, const std::string& node, const std::string& what) {
    for (const auto* e : of(run, TraceKind::mark, node))
        if (e->detail.rfind(what, 0) == 0) return e;
    return nullptr;
}

// --- Pub-sub tracing (Espresso) --------------------------------------------------------------

TEST(Ch5Espresso, ListenerSeesSubscriptionsUpThenOnlyTheWantedUpdatesDown) {
    const Judged run = run_and_judge(load_builtin("ch5-espresso"));
    expect_all_pass(run);
    const auto captured = marks(run, "listener", "captured");
    ASSERT_GE(captured.size(), 3u);
    // First the two subscriptions travelling up (0x01 then the topic), then data.
    EXPECT_EQ(captured[0], "0x0141");
    EXPECT_EQ(captured[1], "0x0142");
    for (size_t i = 2; i < captured.size(); ++i)
        EXPECT_TRUE(captured[i][0] == 'A' || captured[i][0] == 'B') << captured[i];
    // The subscriber got exactly the data the listener saw.
    const auto received = of(run, TraceKind::deliver, "subscriber");
    EXPECT_EQ(received.size(), captured.size() - 2);
    // The publisher sent 50; the rest were filtered at the publisher or lost before the
    // proxy connected (the slow joiner).
    EXPECT_EQ(of(run, TraceKind::send, "publisher").size(), 50u);
    size_t filtered = 0;
    for (const auto* e : of(run, TraceKind::drop, "publisher")) filtered += e->detail == "filtered";
    EXPECT_GT(filtered, 0u);
}

TEST(Ch5Espresso, ProxyWithoutItsCaptureSocketFailsTheCaptureCheck) {
    const Judged run = run_and_judge(broken(load_builtin("ch5-espresso"), "proxy", "no_capture"));
    const auto& capture = run.result("checker espresso-capture");
    EXPECT_FALSE(capture.passed);
    EXPECT_NE(capture.detail.find("listener saw 0 of the"), std::string::npos) << capture.detail;
    EXPECT_NE(capture.detail.find("first missing: \"0x0141\""), std::string::npos)
        << capture.detail;
    EXPECT_FALSE(run.result("captured 0x01").passed);
    // The traffic itself is unharmed: the subscriber still gets its A and B updates.
    EXPECT_TRUE(run.result("Received A-").passed);
    EXPECT_TRUE(run.result("ledger").passed);
}

// --- Last value caching ----------------------------------------------------------------------

TEST(Ch5LastValueCache, LateSubscriberGetsTheLastValueAtOnceAndTheDirectOneNothing) {
    const Judged run = run_and_judge(load_builtin("ch5-last-value-cache"));
    expect_all_pass(run);
    const auto* subscribed = first_mark(run, "sub-late", "subscribed");
    const auto* first = first_mark(run, "sub-late", "first value");
    ASSERT_NE(subscribed, nullptr);
    ASSERT_NE(first, nullptr);
    EXPECT_LE(first->time_ns - subscribed->time_ns, patterns::kLastValueAtOnceMs * kNsPerMs);
    EXPECT_TRUE(of(run, TraceKind::deliver, "sub-direct").empty());
    // The cache answered exactly one late subscription from its cache (sub-early came
    // before there was anything to cache).
    EXPECT_EQ(marks(run, "lvc", "cached").size(), 1u);
}

TEST(Ch5LastValueCache, CacheThatNeverAnswersSubscriptionsFailsTheCheck) {
    const Judged run =
        run_and_judge(broken(load_builtin("ch5-last-value-cache"), "lvc", "no_cache"));
    const auto& check = run.result("checker last-value-cache");
    EXPECT_FALSE(check.passed);
    EXPECT_NE(check.detail.find("sub-late subscribed to"), std::string::npos) << check.detail;
    EXPECT_NE(check.detail.find("got nothing"), std::string::npos) << check.detail;
    EXPECT_FALSE(run.result("Sending cached topic").passed);
    EXPECT_TRUE(run.result("ledger").passed);
}

TEST(Ch5LastValueCache, CacheWithoutXpubVerboseMissesTheTopicsSecondSubscriber) {
    // sub-early already holds the topic, so a plain XPUB does not pass sub-late's
    // subscription up, and the cache never hears of it.
    const Judged run =
        run_and_judge(broken(load_builtin("ch5-last-value-cache"), "lvc", "not_verbose"));
    const auto& check = run.result("checker last-value-cache");
    EXPECT_FALSE(check.passed);
    EXPECT_NE(check.detail.find("sub-late"), std::string::npos) << check.detail;
    EXPECT_TRUE(marks(run, "lvc", "cached").empty());
}

// --- Suicidal Snail --------------------------------------------------------------------------

TEST(Ch5SuicidalSnail, SnailKillsItselfOnceMoreThanASecondBehind) {
    const Judged run = run_and_judge(load_builtin("ch5-suicidal-snail"));
    expect_all_pass(run);
    const auto suicide = marks(run, "snail", "suicide");
    ASSERT_EQ(suicide.size(), 1u);
    const int64_t behind_ms = std::atoll(suicide[0].c_str());
    EXPECT_GT(behind_ms, 1000);
    EXPECT_LT(behind_ms, 1010);  // it noticed with the first message over the limit
    // It fell behind steadily before: each report further behind than the one before.
    const auto behind = marks(run, "snail", "behind");
    ASSERT_GE(behind.size(), 2u);
    for (size_t i = 1; i < behind.size(); ++i)
        EXPECT_GT(std::atoll(behind[i].c_str()), std::atoll(behind[i - 1].c_str()));
}

TEST(Ch5SuicidalSnail, SnailWithoutTheDelayCheckNeverNoticesHowFarBehindItIs) {
    const Judged run =
        run_and_judge(broken(load_builtin("ch5-suicidal-snail"), "snail", "no_delay_check"));
    EXPECT_FALSE(run.result("cannot keep up").passed);
    EXPECT_FALSE(run.result("snail exits").passed);
    EXPECT_TRUE(marks(run, "snail", "suicide").empty());
    // It works on ever staler data: by the end, more than three seconds behind, with
    // thousands of messages queued for it (in its pipe, the publisher's, and the TCP
    // buffers between them).
    const auto behind = marks(run, "snail", "behind");
    ASSERT_FALSE(behind.empty());
    EXPECT_GT(std::atoll(behind.back().c_str()), 3000);
    EXPECT_TRUE(run.result("ledger").passed);
}

// --- High-speed subscribers (Black Box) ------------------------------------------------------

TEST(Ch5BlackBox, ThroughputScalesWithTheWorkers) {
    const Judged run = run_and_judge(load_builtin("ch5-black-box"));
    expect_all_pass(run);
    size_t box1 = 0;
    size_t box4 = 0;
    for (const auto& e : run.events) {
        if (e.kind != TraceKind::deliver) continue;
        if (e.node == "box1-worker1") ++box1;
        if (e.node.rfind("box4-worker", 0) == 0) ++box4;
    }
    EXPECT_EQ(box4, 3000u);  // kept up with the whole feed
    EXPECT_GE(box4, 3 * box1);
    // Round-robin behind the PUSH: the four workers share the work evenly.
    for (int w = 1; w <= 4; ++w) {
        const size_t n = of(run, TraceKind::deliver, "box4-worker" + std::to_string(w)).size();
        EXPECT_GE(n, 700u) << w;
        EXPECT_LE(n, 800u) << w;
    }
}

TEST(Ch5BlackBox, SubscriberThatDoesTheWorkItselfDoesNotScale) {
    Scenario scenario = load_builtin("ch5-black-box");
    scenario = broken(scenario, "box1", "work_inline");
    scenario = broken(scenario, "box4", "work_inline");
    const Judged run = run_and_judge(scenario);
    const auto& scales = run.result("checker black-box-scales");
    EXPECT_FALSE(scales.passed);
    EXPECT_NE(scales.detail.find("box4 (4 workers)"), std::string::npos) << scales.detail;
    EXPECT_FALSE(run.result("box4 receives").passed);
}

// --- Inter-broker routing (chapter 3, peering) -----------------------------------------------

TEST(Ch3Peering, RequestsOverflowThroughTheCloudAndAllAreAnswered) {
    const Judged run = run_and_judge(load_builtin("ch3-peering"));
    expect_all_pass(run);
    const auto cloud = marks(run, "dc1", "cloud");
    ASSERT_FALSE(cloud.empty());
    // Tasks dc1 sent to the cloud were done by peers' workers: they arrive there under
    // dc1's name, [dc1, client id, "", task].
    size_t done_by_peers = 0;
    for (const auto& e : run.events) {
        if (e.kind != TraceKind::deliver) continue;
        if ((e.node.rfind("dc2-worker", 0) == 0 || e.node.rfind("dc3-worker", 0) == 0) &&
            e.detail.rfind("dc1|", 0) == 0) {
            ++done_by_peers;
        }
    }
    EXPECT_EQ(done_by_peers, cloud.size());
    // dc1 sent to the cloud only while it had no free worker of its own, and only to a
    // peer it had heard had one.
    EXPECT_NE(run.result("checker peering-state-converges").detail.find("every broker agrees"),
              std::string::npos);
}

TEST(Ch3Peering, BrokerThatForgetsThePeerAddressLosesCloudRequests) {
    const Judged run = run_and_judge(broken(load_builtin("ch3-peering"), "dc1", "no_peer_address"));
    const auto& answered = run.result("checker peering-every-request-answered");
    EXPECT_FALSE(answered.passed);
    EXPECT_NE(answered.detail.find("lost task"), std::string::npos) << answered.detail;
    // The ROUTER dropped them without a word: unroutable.
    EXPECT_FALSE(run.result("drops for reason unroutable").passed);
    EXPECT_TRUE(run.result("ledger").passed);
}

// --- Perfetto export and `sculpin run` of each new scenario
// ----------------------------------------------------

class NewScenarioOutputs : public ::testing::TestWithParam<std::string> {};

TEST_P(NewScenarioOutputs, ExportParsesAndEveryFlowEndHasItsStart) {
    const Judged run = run_and_judge(load_builtin(GetParam()));
    const auto trace = nlohmann::json::parse(perfetto_trace_json(run.events));
    ASSERT_TRUE(trace.at("traceEvents").is_array());
    ASSERT_FALSE(trace.at("traceEvents").empty());
    std::map<uint64_t, std::string> starts;
    size_t ends = 0;
    for (const auto& event : trace.at("traceEvents")) {
        ASSERT_TRUE(event.contains("ph") && event.contains("pid") && event.contains("tid"));
        if (event.at("ph") == "s")
            starts[event.at("id").get<uint64_t>()] = event.at("name").get<std::string>();
    }
    for (const auto& event : trace.at("traceEvents")) {
        if (event.at("ph") != "f") continue;
        ++ends;
        auto start = starts.find(event.at("id").get<uint64_t>());
        ASSERT_NE(start, starts.end()) << event.dump();
        EXPECT_EQ(event.at("name"), start->second);
    }
    EXPECT_GT(ends, 0u);
    // One flow start per message a program sent.
    EXPECT_EQ(starts.size(), count_kind(run.events, TraceKind::send));
}

// `sculpin run NAME --trace F --perfetto P`, as CI and a learner run it: every expectation
// holds (exit 0), the trace file is the run's trace (same events, same hash) and the
// Perfetto file parses.
TEST_P(NewScenarioOutputs, RunsThroughTheCliToTheSameTraceAndWritesBothFiles) {
    const char* binary = std::getenv("SCULPIN_BINARY");
    if (binary == nullptr) GTEST_SKIP() << "SCULPIN_BINARY is not set (ctest sets it)";
    const std::string trace_path = ::testing::TempDir() + GetParam() + ".jsonl";
    const std::string perfetto_path = ::testing::TempDir() + GetParam() + ".perfetto.json";
    const std::string command = std::string(binary) + " run " + GetParam() + " --quiet --trace " +
                                trace_path + " --perfetto " + perfetto_path + " 2>&1";
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char buffer[4096];
    size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    const int status = ::pclose(pipe);
    ASSERT_TRUE(WIFEXITED(status)) << out;
    EXPECT_EQ(WEXITSTATUS(status), 0) << out;
    EXPECT_EQ(out.find("FAIL"), std::string::npos) << out;

    ScenarioRun run(load_builtin(GetParam()), patterns::program_lookup());
    run.run_to_end();
    EXPECT_NE(out.find("trace-hash: " + run.simulation().trace().hash().hex()), std::string::npos)
        << out;
    std::ifstream trace_file(trace_path);
    size_t lines = 0;
    for (std::string line; std::getline(trace_file, line);) ++lines;
    EXPECT_EQ(lines, run.simulation().trace().events().size());
    std::ifstream perfetto_file(perfetto_path);
    std::stringstream perfetto;
    perfetto << perfetto_file.rdbuf();
    const auto parsed = nlohmann::json::parse(perfetto.str(), nullptr, false);
    ASSERT_FALSE(parsed.is_discarded());
    EXPECT_FALSE(parsed.at("traceEvents").empty());
}

INSTANTIATE_TEST_SUITE_P(Ch3AndCh5, NewScenarioOutputs,
                         ::testing::Values("ch3-peering", "ch5-espresso", "ch5-last-value-cache",
                                           "ch5-suicidal-snail", "ch5-black-box"),
                         [](const auto& info) {
                             std::string name = info.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

}  // namespace
}  // namespace sculpin::sim
