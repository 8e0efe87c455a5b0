// The `sculpin` command.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/node_command.hpp"
#include "cli/run_command.hpp"
#include "cli/sock_command.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Sculpin: ZeroMQ sockets, and the zguide's patterns on a deterministic simulator"};
    app.set_version_flag("--version", "sculpin 0.1.0");
    app.require_subcommand(1);
    sculpin::cli::SockArgs sock;
    sculpin::cli::add_sock_command(app, sock);
    sculpin::cli::RunArgs run;
    sculpin::cli::ListArgs list;
    sculpin::cli::add_run_commands(app, run, list);
    sculpin::cli::NodeArgs node;
    sculpin::cli::add_node_command(app, node);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // Bad arguments: the reason and the usage on stderr, exit code 2.
        std::cerr << "sculpin: " << e.what() << "\n";
        CLI::App* failing = &app;
        for (CLI::App* sub : {sock.command, run.command, list.command, node.command})
            if (sub->parsed()) failing = sub;
        std::cerr << failing->help();
        return 2;
    }
    if (sock.command->parsed()) return sculpin::cli::run_sock(sock);
    if (run.command->parsed()) return sculpin::cli::run_scenario(run);
    if (list.command->parsed()) return sculpin::cli::run_list(list);
    if (node.command->parsed()) return sculpin::cli::run_node(node);
    return 2;
}
