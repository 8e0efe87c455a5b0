// Every built-in scenario's Perfetto export is valid JSON in the trace-event format, with
// a flow start for every message sent: what ui.perfetto.dev needs to open it.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/perfetto_export.hpp"
#include "sim/scenario_files.hpp"

namespace sculpin::sim {
namespace {

using namespace sculpin::sim::testing;
using nlohmann::json;

class ScenarioPerfetto : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioPerfetto, ExportsValidTraceEventJson) {
    const std::string name = std::filesystem::path(GetParam()).stem().string();
    const FinishedRun run = run_scenario(load_builtin(name));
    const std::string text = perfetto_trace_json(run.events());
    json trace;
    ASSERT_NO_THROW(trace = json::parse(text)) << name;
    ASSERT_TRUE(trace.is_object());
    ASSERT_TRUE(trace.contains("traceEvents"));
    const json& events = trace.at("traceEvents");
    ASSERT_TRUE(events.is_array());
    EXPECT_FALSE(events.empty());
    size_t sends = 0;
    for (const auto& e : run.events())
        if (e.kind == TraceKind::send) ++sends;
    size_t flow_starts = 0;
    for (const json& event : events) {
        ASSERT_TRUE(event.contains("ph")) << event.dump();
        ASSERT_TRUE(event.contains("pid")) << event.dump();
        if (event.at("ph") == "s") ++flow_starts;
    }
    EXPECT_EQ(flow_starts, sends) << name;
}

std::string file_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string name = std::filesystem::path(info.param).stem().string();
    for (char& c : name)
        if (c == '-') c = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioPerfetto, ::testing::ValuesIn(scenario_files()),
                         file_name);

}  // namespace
}  // namespace sculpin::sim
