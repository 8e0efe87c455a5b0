// The built-in scenario files, loaded and run the way `sculpin run` runs them, for the
// simulator's tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "patterns/checkers.hpp"
#include "patterns/scenario_context.hpp"
#include "sim/expectations.hpp"
#include "sim/scenario_runner.hpp"

namespace sculpin::sim::testing {

inline std::string scenario_folder() {
    const char* source = std::getenv("SCULPIN_SOURCE_DIR");
    return std::string(source != nullptr ? source : SCULPIN_SOURCE_DIR_DEFAULT) + "/scenarios";
}

// Every scenarios/*.json, sorted.
inline std::vector<std::string> scenario_files() {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(scenario_folder(), ec))
        if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

inline std::string scenario_path(const std::string& name) {
    return scenario_folder() + "/" + name + ".json";
}

// Loads scenarios/<name>.json; fails the test (and returns an empty scenario) if it cannot.
inline Scenario load_builtin(const std::string& name) {
    std::string error;
    auto scenario = load_scenario_file(scenario_path(name), patterns::load_context(), &error);
    EXPECT_TRUE(scenario.has_value()) << error;
    return scenario.value_or(Scenario{});
}

// A scenario run to its end, with its expectations evaluated.
struct FinishedRun {
    std::unique_ptr<ScenarioRun> run;
    std::vector<ExpectationResult> results;

    const std::vector<TraceEvent>& events() const { return run->simulation().trace().events(); }
    const Trace& trace() const { return run->simulation().trace(); }
    std::vector<const ExpectationResult*> failures() const {
        std::vector<const ExpectationResult*> out;
        for (const auto& r : results)
            if (!r.passed) out.push_back(&r);
        return out;
    }
};

inline FinishedRun run_scenario(const Scenario& scenario) {
    FinishedRun finished;
    finished.run = std::make_unique<ScenarioRun>(scenario, patterns::program_lookup());
    finished.run->run_to_end();
    finished.results = evaluate_expectations(finished.run->scenario(), finished.events(),
                                             finished.run->final_state(), patterns::checkers());
    return finished;
}

}  // namespace sculpin::sim::testing
