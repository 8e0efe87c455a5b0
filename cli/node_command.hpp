#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace sculpin::cli {

struct NodeArgs {
    std::string program;
    std::vector<std::string> binds;
    std::vector<std::string> connects;
    std::vector<std::string> params;  // k=v
    uint64_t seed = 1;
    bool list = false;
    CLI::App* command = nullptr;
};

void add_node_command(CLI::App& app, NodeArgs& args);
int run_node(const NodeArgs& args);

}  // namespace sculpin::cli
