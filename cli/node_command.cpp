// `sculpin node PROGRAM`: one of the book's programs alone, on the real runtime, in real
// time, against any peer (a libzmq program, the book's own C or Python examples).
#include "cli/node_command.hpp"

#include <cstdio>
#include <iostream>
#include <mutex>

#include "patterns/registry.hpp"
#include "runtime/real_node.hpp"

namespace sculpin::cli {

void add_node_command(CLI::App& app, NodeArgs& args) {
    args.command = app.add_subcommand(
        "node",
        "Run one of the book's programs on real sockets (e.g. hwserver --bind tcp://*:5555).");
    args.command->add_option("PROGRAM", args.program, "program name (see --list)");
    args.command->add_flag("--list", args.list, "list the programs and their parameters");
    args.command->add_option("--bind", args.binds, "sets the program's 'bind' parameter")
        ->type_name("EP");
    args.command->add_option("--connect", args.connects, "sets the program's 'connect' parameter")
        ->type_name("EP");
    args.command->add_option("--param", args.params, "a program parameter, k=v (repeatable)")
        ->type_name("K=V");
    args.command->add_option("--seed", args.seed, "seed of the program's random numbers");
}

int run_node(const NodeArgs& args) {
    if (args.list || args.program.empty()) {
        for (const auto& [name, info] : patterns::programs()) {
            std::printf("%-26s %s (%s)\n", name.c_str(), info.summary.c_str(),
                        info.book_example.c_str());
            for (const auto& [param, doc] : info.params)
                std::printf("    %-22s %s\n", param.c_str(), doc.c_str());
        }
        return args.program.empty() && !args.list ? 2 : 0;
    }
    const patterns::ProgramInfo* program = patterns::find_program(args.program);
    if (program == nullptr) {
        std::cerr << "sculpin node: unknown program '" << args.program
                  << "' (sculpin node --list shows them)\n";
        return 2;
    }
    Params params;
    auto set = [&](const std::string& key, const std::string& value) -> bool {
        if (program->params.count(key) == 0) {
            std::cerr << "sculpin node: " << args.program << " has no parameter '" << key
                      << "' (sculpin node --list shows them)\n";
            return false;
        }
        params.set(key, value);
        return true;
    };
    for (const auto& ep : args.binds)
        if (!set("bind", ep)) return 2;
    for (const auto& ep : args.connects)
        if (!set("connect", ep)) return 2;
    for (const auto& kv : args.params) {
        const size_t eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) {
            std::cerr << "sculpin node: --param expects k=v, got '" << kv << "'\n";
            return 2;
        }
        if (!set(kv.substr(0, eq), kv.substr(eq + 1))) return 2;
    }
    Context context;
    std::mutex mutex;
    RealNode node(context, args.program, args.seed,
                  [&](const std::string&, int64_t time_ms, std::string_view line) {
                      std::lock_guard lock(mutex);
                      std::printf("%8.3f  %.*s\n", static_cast<double>(time_ms) / 1000.0,
                                  static_cast<int>(line.size()), line.data());
                      std::fflush(stdout);
                  });
    Node handle(node, params);
    std::exception_ptr error = RealNode::run(program->run(handle));
    if (error) {
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            std::cerr << "sculpin node: " << args.program << " failed: " << e.what() << "\n";
        }
        return 1;
    }
    return 0;
}

}  // namespace sculpin::cli
