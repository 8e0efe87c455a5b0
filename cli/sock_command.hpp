#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace sculpin::cli {

struct SockArgs {
    std::string type;
    std::vector<std::string> binds;
    std::vector<std::string> connects;
    std::vector<std::string> sends;
    int recv_count = 0;
    bool echo = false;
    int echo_count = 0;
    std::vector<std::string> subscriptions;
    std::string identity;
    int timeout_ms = -1;
    int delay_ms = 0;
    int linger_ms = 2000;
    CLI::App* command = nullptr;
};

void add_sock_command(CLI::App& app, SockArgs& args);
int run_sock(const SockArgs& args);

}  // namespace sculpin::cli
