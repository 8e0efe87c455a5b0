// Running a built-in scenario file from a test: load it, optionally break one of its
// programs on purpose (a test-only "broken" parameter), run it, and judge it.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "patterns/checkers.hpp"
#include "patterns/scenario_context.hpp"
#include "sim/expectations.hpp"
#include "sim/scenario.hpp"
#include "sim/scenario_runner.hpp"

namespace sculpin::sim::testing {

inline std::string scenario_path(const std::string& name) {
    const char* source = std::getenv("SCULPIN_SOURCE_DIR");
    return std::string(source != nullptr ? source : SCULPIN_SOURCE_DIR_DEFAULT) + "/scenarios/" +
           name + ".json";
}

inline Scenario load_builtin(const std::string& name) {
    std::string error;
    auto scenario = load_scenario_file(scenario_path(name), patterns::load_context(), &error);
    EXPECT_TRUE(scenario.has_value()) << error;
    return scenario.value_or(Scenario{});
}

// The scenario with node `node` given the test-only parameter broken=`how`.
inline Scenario broken(Scenario scenario, const std::string& node, const std::string& how) {
    bool found = false;
    for (auto& spec : scenario.nodes) {
        if (spec.name != node) continue;
        spec.params["broken"] = how;
        found = true;
    }
    EXPECT_TRUE(found) << "no node " << node;
    return scenario;
}

struct Judged {
    std::vector<TraceEvent> events;
    std::vector<ExpectationResult> results;

    // The one result whose sentence contains `text`.
    const ExpectationResult& result(const std::string& text) const {
        const ExpectationResult* found = nullptr;
        for (const auto& r : results) {
            if (r.description.find(text) == std::string::npos) continue;
            EXPECT_EQ(found, nullptr) << "two expectations read \"" << text << "\"";
            found = &r;
        }
        if (found == nullptr) {
            ADD_FAILURE() << "no expectation reads \"" << text << "\"";
            static const ExpectationResult missing;
            return missing;
        }
        return *found;
    }
    size_t failed() const {
        size_t n = 0;
        for (const auto& r : results) n += r.passed ? 0 : 1;
        return n;
    }
};

inline Judged run_and_judge(const Scenario& scenario) {
    ScenarioRun run(scenario, patterns::program_lookup());
    run.run_to_end();
    Judged judged;
    judged.events = run.simulation().trace().events();
    judged.results = evaluate_expectations(run.scenario(), judged.events, run.final_state(),
                                           patterns::checkers());
    return judged;
}

inline void expect_all_pass(const Judged& judged) {
    for (const auto& r : judged.results)
        EXPECT_TRUE(r.passed) << r.description << " — " << r.detail;
}

}  // namespace sculpin::sim::testing
