// `sculpin list` and `sculpin run`: the book's scenarios on the simulator (or, with
// --real, the same programs on real sockets and threads).
#include "cli/run_command.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/scenario_catalog.hpp"
#include "patterns/checkers.hpp"
#include "patterns/registry.hpp"
#include "patterns/scenario_context.hpp"
#include "runtime/real_node.hpp"
#include "sim/perfetto_export.hpp"
#include "sim/scenario_runner.hpp"
#include "sim/trace_writer.hpp"

namespace sculpin::cli {

namespace {

constexpr int kExitPassed = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;

std::string format_time(int64_t time_ns) {
    char text[32];
    std::snprintf(text, sizeof(text), "t=%8.3fs", static_cast<double>(time_ns) / 1e9);
    return text;
}

// "1500", "1500ms", "2.5s" -> milliseconds; nullopt if malformed.
std::optional<int64_t> parse_duration_ms(const std::string& text) {
    try {
        size_t used = 0;
        const double value = std::stod(text, &used);
        const std::string unit = text.substr(used);
        if (value < 0) return std::nullopt;
        if (unit.empty() || unit == "ms") return static_cast<int64_t>(value);
        if (unit == "s") return static_cast<int64_t>(value * 1000);
    } catch (...) {
    }
    return std::nullopt;
}

int run_real(const sim::Scenario& scenario, int64_t duration_ms, bool quiet) {
    // The same programs on real threads and sockets: node host names become 127.0.0.1.
    std::cout << "Running " << scenario.name << " on the real runtime for " << duration_ms
              << " ms (faults and expectations apply to the simulator only)\n";
    Context context;
    std::mutex print_mutex;
    const auto started = std::chrono::steady_clock::now();
    auto log = [&](const std::string& node, int64_t, std::string_view line) {
        if (quiet) return;
        const auto elapsed = std::chrono::steady_clock::now() - started;
        const int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
        std::lock_guard lock(print_mutex);
        std::cout << format_time(ns) << "  " << node << ": " << line << "\n" << std::flush;
    };
    std::vector<std::thread> threads;
    for (const auto& spec : scenario.nodes) {
        std::map<std::string, std::string> params = spec.params;
        for (auto& [key, value] : params) {
            for (const auto& other : scenario.nodes) {
                const std::string from = "tcp://" + other.name + ":";
                for (size_t at = value.find(from); at != std::string::npos; at = value.find(from))
                    value.replace(at, from.size(), "tcp://127.0.0.1:");
            }
            const std::string any = "tcp://*:";
            for (size_t at = value.find(any); at != std::string::npos; at = value.find(any))
                value.replace(at, any.size(), "tcp://127.0.0.1:");
        }
        const auto* program = patterns::find_program(spec.program);
        threads.emplace_back([&, spec, params, program] {
            std::this_thread::sleep_for(std::chrono::milliseconds(spec.start_ms));
            if (context.terminated()) return;
            RealNode node(context, spec.name, scenario.seed, log);
            Node handle(node, Params(params));
            RealNode::run(program->run(handle));
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(duration_ms));
    context.shutdown();
    for (auto& thread : threads) thread.join();
    return kExitPassed;
}

}  // namespace

void add_run_commands(CLI::App& app, RunArgs& run, ListArgs& list) {
    list.command =
        app.add_subcommand("list", "List the built-in scenarios, by chapter of the book.");

    run.command = app.add_subcommand(
        "run", "Run a scenario on the simulator: narration, expectations, trace hash.");
    run.command->add_option("SCENARIO", run.scenario, "a built-in scenario name or a file path")
        ->required();
    run.command->add_option("--seed", run.seed, "random seed (default: the scenario's)");
    run.command->add_option("--until", run.until,
                            "stop at this virtual time, e.g. 1500ms or 2.5s (default: the "
                            "scenario's duration)");
    run.command->add_option("--trace", run.trace_path, "write the trace as JSON Lines to FILE")
        ->type_name("FILE");
    run.command
        ->add_option("--perfetto", run.perfetto_path,
                     "write a Chrome/Perfetto trace (open it at ui.perfetto.dev)")
        ->type_name("FILE");
    run.command->add_flag("--quiet", run.quiet, "print only the expectations and the hash");
    run.command->add_flag("--real", run.real,
                          "run the programs on real sockets and threads instead, in real time");
    run.command->footer(
        "Exit codes: 0 every expectation holds, 1 one failed, 2 bad input.\n"
        "The last line is always `trace-hash: <16 hex digits>` (simulator runs).");
}

sim::LoadContext load_context() {
    return patterns::load_context();
}

int run_list(const ListArgs&) {
    std::string error;
    const auto catalog = load_catalog(load_context(), &error);
    if (!error.empty()) {
        std::cerr << "sculpin list: " << error << "\n";
        return kExitBadInput;
    }
    int chapter = 0;
    for (const auto& scenario : catalog) {
        if (scenario.chapter != chapter) {
            chapter = scenario.chapter;
            std::cout << "\nChapter " << chapter << " — " << chapter_title(chapter) << "\n";
        }
        std::printf("  %-34s %s\n", scenario.name.c_str(), scenario.title.c_str());
    }
    std::cout << "\nRun one with: sculpin run NAME   (or scripts/run to open the GUI)\n";
    return kExitPassed;
}

int run_scenario(const RunArgs& args) {
    std::string error;
    auto scenario = find_scenario(args.scenario, load_context(), &error);
    if (!scenario) {
        std::cerr << "sculpin run: " << error << "\n";
        return kExitBadInput;
    }
    int64_t until_ms = scenario->duration_ms;
    if (!args.until.empty()) {
        auto parsed = parse_duration_ms(args.until);
        if (!parsed) {
            std::cerr << "sculpin run: --until: expected a time like 1500ms or 2.5s, got '"
                      << args.until << "'\n";
            return kExitBadInput;
        }
        until_ms = std::min(*parsed, scenario->duration_ms);
    }
    if (args.real) return run_real(*scenario, until_ms, args.quiet);

    sim::ScenarioRun run(*scenario, patterns::program_lookup(),
                         args.seed ? std::optional<uint64_t>(*args.seed) : std::nullopt);
    std::unique_ptr<sim::JsonlTraceWriter> writer;
    if (!args.trace_path.empty()) {
        writer = std::make_unique<sim::JsonlTraceWriter>(args.trace_path);
        if (!writer->ok()) {
            std::cerr << "sculpin run: cannot write " << args.trace_path << "\n";
            return kExitBadInput;
        }
        run.simulation().trace().set_listener(
            [w = writer.get()](const sim::TraceEvent& event) { w->write(event); });
    }
    // Tearing the simulation down closes connections, which records a few more events
    // (messages still on the wire); they are not part of the run, and by then the writer,
    // declared after the run, is gone. So the listener is detached first.
    struct DetachListener {
        sim::Trace& trace;
        ~DetachListener() { trace.set_listener({}); }
    } detach_listener{run.simulation().trace()};
    if (!args.quiet) std::cout << sim::narration_header(run.scenario()) << "\n";
    const auto wall_start = std::chrono::steady_clock::now();
    run.run_until(until_ms * sim::kNsPerMs);
    const double wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    const auto& events = run.simulation().trace().events();
    if (!args.quiet) {
        for (const auto& [time_ns, text] : sim::narrate(run.scenario(), events))
            std::cout << format_time(time_ns) << "  " << text << "\n";
        std::cout << "\n";
    }
    if (!args.perfetto_path.empty()) {
        std::string write_error;
        if (!sim::write_perfetto_trace(events, args.perfetto_path, &write_error)) {
            std::cerr << "sculpin run: " << write_error << "\n";
            return kExitBadInput;
        }
    }
    const auto results =
        sim::evaluate_expectations(run.scenario(), events, run.final_state(), patterns::checkers());
    bool all_passed = true;
    std::cout << "Expectations:\n";
    for (const auto& result : results) {
        all_passed = all_passed && result.passed;
        std::cout << (result.passed ? "  PASS  " : "  FAIL  ") << result.description;
        if (!result.detail.empty()) std::cout << " — " << result.detail;
        std::cout << "\n";
    }
    if (results.empty()) std::cout << "  (none)\n";
    if (!args.quiet) {
        std::printf("%zu events, %.3f s simulated in %.3f s of wall time\n", events.size(),
                    static_cast<double>(run.simulation().scheduler().now()) / 1e9, wall_s);
    }
    std::cout << "trace-hash: " << run.simulation().trace().hash().hex() << "\n";
    return all_passed ? kExitPassed : kExitFailed;
}

}  // namespace sculpin::cli
