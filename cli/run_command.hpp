#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "sim/scenario.hpp"

namespace sculpin::cli {

struct RunArgs {
    std::string scenario;
    std::optional<uint64_t> seed;
    std::string until;
    std::string trace_path;
    std::string perfetto_path;
    bool quiet = false;
    bool real = false;
    CLI::App* command = nullptr;
};

struct ListArgs {
    CLI::App* command = nullptr;
};

void add_run_commands(CLI::App& app, RunArgs& run, ListArgs& list);
int run_scenario(const RunArgs& args);
int run_list(const ListArgs& args);
// What scenario files may name: the registered programs and checkers.
sim::LoadContext load_context();

}  // namespace sculpin::cli
