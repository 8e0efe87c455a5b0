#include "sim/perfetto_export.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sculpin::sim {
namespace {

using nlohmann::json;

TraceEvent event_at(int64_t time_ns, TraceKind kind, std::string node, int socket = 0,
                    uint64_t message = 0, std::string detail = "", std::string peer = "",
                    int64_t value = 0) {
    TraceEvent event;
    event.time_ns = time_ns;
    event.kind = kind;
    event.node = std::move(node);
    event.socket = socket;
    event.message = message;
    event.detail = std::move(detail);
    event.peer = std::move(peer);
    event.value = value;
    return event;
}

// A publisher fanning one update out to two subscribers (one copy dropped at the HWM), a
// request/reply pair, a fault span and a drop with no node (lost on the network).
std::vector<TraceEvent> sample_trace() {
    return {
        event_at(0, TraceKind::node_start, "pub", 0, 0, "wuserver"),
        event_at(0, TraceKind::socket_open, "pub", 1, 0, "PUB"),
        event_at(0, TraceKind::socket_open, "sub-a", 1, 0, "SUB"),
        event_at(0, TraceKind::socket_open, "sub-b", 2, 0, "SUB"),
        event_at(1'000, TraceKind::send, "pub", 1, 1, "10001 20 30", "", 11),
        event_at(1'000, TraceKind::fork, "pub", 1, 1, "", "", 2),
        event_at(1'000, TraceKind::drop, "pub", 1, 1, "hwm"),  // same instant, same socket
        event_at(1'500, TraceKind::send, "pub", 1, 2, "10002 21 31", "", 11),
        event_at(2'000, TraceKind::deliver, "sub-a", 1, 1, "10001 20 30"),
        event_at(2'000, TraceKind::deliver, "sub-b", 2, 1, "10001 20 30"),
        event_at(2'200, TraceKind::drop, "", 0, 2, "loss"),
        event_at(3'000, TraceKind::log, "sub-a", 0, 0, "got \"10001\" \xff"),
        event_at(4'000, TraceKind::fault_begin, "sub-b", 0, 0, "pause", ""),
        event_at(9'000, TraceKind::fault_end, "sub-b", 0, 0, "resume", ""),
        event_at(9'000, TraceKind::wire, "pub", 0, 0, "pub->sub-a", "sub-a", 64),
    };
}

json export_json(const std::vector<TraceEvent>& events) {
    return json::parse(perfetto_trace_json(events));
}

std::vector<json> with_phase(const json& trace, const std::string& phase) {
    std::vector<json> out;
    for (const json& event : trace.at("traceEvents")) {
        if (event.at("ph") == phase) out.push_back(event);
    }
    return out;
}

TEST(PerfettoExport, ParsesAsATraceEventArray) {
    const json trace = export_json(sample_trace());
    ASSERT_TRUE(trace.at("traceEvents").is_array());
    EXPECT_FALSE(trace.at("traceEvents").empty());
    for (const json& event : trace.at("traceEvents")) {
        EXPECT_TRUE(event.contains("ph"));
        EXPECT_TRUE(event.contains("pid"));
        EXPECT_TRUE(event.contains("tid"));
    }
}

TEST(PerfettoExport, NamesOneProcessPerNodeInFirstAppearanceOrderPlusTheNetwork) {
    const json trace = export_json(sample_trace());
    std::map<int, std::string> names;
    for (const json& event : with_phase(trace, "M")) {
        if (event.at("name") == "process_name") {
            names[event.at("pid").get<int>()] = event.at("args").at("name").get<std::string>();
        }
    }
    const std::map<int, std::string> expected{
        {1, "pub"}, {2, "sub-a"}, {3, "sub-b"}, {4, "network"}};
    EXPECT_EQ(names, expected);
}

TEST(PerfettoExport, NamesSocketThreadsWithTheirType) {
    const json trace = export_json(sample_trace());
    std::map<std::pair<int, int>, std::string> names;
    for (const json& event : with_phase(trace, "M")) {
        if (event.at("name") == "thread_name") {
            names[{event.at("pid").get<int>(), event.at("tid").get<int>()}] =
                event.at("args").at("name").get<std::string>();
        }
    }
    EXPECT_EQ(names.at({1, 1}), "socket 1 (PUB)");
    EXPECT_EQ(names.at({3, 2}), "socket 2 (SUB)");
    EXPECT_EQ(names.at({1, kPerfettoNodeTid}), "node");
    EXPECT_EQ(names.at({4, kPerfettoNodeTid}), "network");
}

TEST(PerfettoExport, DrawsOneFlowStartPerMessageAndOneFlowEndPerDeliveryOrDrop) {
    const json trace = export_json(sample_trace());
    std::map<uint64_t, int> starts;
    std::map<uint64_t, int> ends;
    for (const json& event : with_phase(trace, "s")) {
        EXPECT_EQ(event.at("cat"), "msg");
        ++starts[event.at("id").get<uint64_t>()];
    }
    for (const json& event : with_phase(trace, "f")) {
        EXPECT_EQ(event.at("cat"), "msg");
        EXPECT_EQ(event.at("bp"), "e");
        ++ends[event.at("id").get<uint64_t>()];
    }
    EXPECT_EQ(starts, (std::map<uint64_t, int>{{1, 1}, {2, 1}}));
    // Message 1: two deliveries and one hwm drop; message 2: lost on the network.
    EXPECT_EQ(ends, (std::map<uint64_t, int>{{1, 3}, {2, 1}}));
}

TEST(PerfettoExport, FlowStartAndEndsOfAMessageShareNameAndCategory) {
    // The importer pairs flow events by (id, cat, name).
    const json trace = export_json(sample_trace());
    std::map<uint64_t, std::string> start_names;
    for (const json& event : with_phase(trace, "s")) {
        start_names[event.at("id").get<uint64_t>()] = event.at("name").get<std::string>();
    }
    for (const json& event : with_phase(trace, "f")) {
        EXPECT_EQ(event.at("name"), start_names.at(event.at("id").get<uint64_t>()));
    }
}

TEST(PerfettoExport, EveryFlowPointLiesInASliceOnItsThread) {
    const json trace = export_json(sample_trace());
    const auto slices = with_phase(trace, "X");
    for (const std::string phase : {"s", "f"}) {
        for (const json& flow : with_phase(trace, phase)) {
            bool enclosed = false;
            for (const json& slice : slices) {
                const double start = slice.at("ts").get<double>();
                const double end = start + slice.at("dur").get<double>();
                const double ts = flow.at("ts").get<double>();
                if (slice.at("pid") == flow.at("pid") && slice.at("tid") == flow.at("tid") &&
                    ts >= start && ts <= end) {
                    enclosed = true;
                }
            }
            EXPECT_TRUE(enclosed) << flow.dump();
        }
    }
}

TEST(PerfettoExport, SlicesOnOneThreadNeverOverlap) {
    const json trace = export_json(sample_trace());
    std::map<std::pair<int, int>, std::vector<std::pair<double, double>>> by_thread;
    for (const json& slice : with_phase(trace, "X")) {
        const double start = slice.at("ts").get<double>();
        by_thread[{slice.at("pid").get<int>(), slice.at("tid").get<int>()}].push_back(
            {start, start + slice.at("dur").get<double>()});
    }
    // pub socket 1: the send, fork and drop at 1 µs share one slice; the send at 1.5 µs
    // gets its own, so the first is cut short to end before it.
    ASSERT_EQ(by_thread.at({1, 1}).size(), 2u);
    for (auto& [thread, spans] : by_thread) {
        std::sort(spans.begin(), spans.end());
        for (size_t i = 0; i + 1 < spans.size(); ++i) {
            EXPECT_LT(spans[i].second, spans[i + 1].first)
                << "pid " << thread.first << " tid " << thread.second;
        }
    }
}

TEST(PerfettoExport, UsesMicrosecondTimestamps) {
    const json trace = export_json(sample_trace());
    bool found = false;
    for (const json& slice : with_phase(trace, "X")) {
        if (slice.at("name") == "send #2") {
            EXPECT_DOUBLE_EQ(slice.at("ts").get<double>(), 1.5);
            found = true;
        }
    }
    EXPECT_TRUE(found);
}

TEST(PerfettoExport, MarksLogsDropsAndFaultsAsInstantsAndFaultsAsASpan) {
    const json trace = export_json(sample_trace());
    std::multiset<std::string> instant_kinds;
    for (const json& event : with_phase(trace, "i")) {
        instant_kinds.insert(event.at("cat").get<std::string>());
    }
    EXPECT_EQ(instant_kinds.count("log"), 1u);
    EXPECT_EQ(instant_kinds.count("drop"), 2u);
    EXPECT_EQ(instant_kinds.count("fault_begin"), 1u);
    EXPECT_EQ(instant_kinds.count("fault_end"), 1u);
    EXPECT_EQ(instant_kinds.count("wire"), 0u);

    const auto begins = with_phase(trace, "b");
    const auto ends = with_phase(trace, "e");
    ASSERT_EQ(begins.size(), 1u);
    ASSERT_EQ(ends.size(), 1u);
    EXPECT_EQ(begins[0].at("id"), ends[0].at("id"));
    EXPECT_EQ(begins[0].at("name"), ends[0].at("name"));
    EXPECT_EQ(begins[0].at("pid"), 3);  // sub-b, the paused node
    EXPECT_DOUBLE_EQ(ends[0].at("ts").get<double>(), 9.0);
}

TEST(PerfettoExport, IsTheSameBytesForTheSameTrace) {
    EXPECT_EQ(perfetto_trace_json(sample_trace()), perfetto_trace_json(sample_trace()));
}

TEST(PerfettoExport, HandlesAnEmptyTrace) {
    const json trace = export_json({});
    EXPECT_TRUE(trace.at("traceEvents").empty());
}

TEST(PerfettoExport, WritesTheFile) {
    const std::string path = ::testing::TempDir() + "sculpin_perfetto_test.json";
    std::string error;
    ASSERT_TRUE(write_perfetto_trace(sample_trace(), path, &error)) << error;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), perfetto_trace_json(sample_trace()));
    EXPECT_FALSE(write_perfetto_trace(sample_trace(), "/nonexistent-dir/x.json", &error));
}

}  // namespace
}  // namespace sculpin::sim
