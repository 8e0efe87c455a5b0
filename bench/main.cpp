// sculpin-bench: Sculpin against reference implementations, side by side in one process.
// See bench/harness.hpp for how figures are taken and docs/performance.md for results.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include "bench/bench_case.hpp"
#include "bench/harness.hpp"
#include "bench/soak.hpp"

using namespace sculpin::bench;

namespace {

void usage(FILE* out) {
    std::fprintf(out,
                 "usage: sculpin-bench [--quick] [--smoke] [--abi] [--only REGEX] [--json FILE]\n"
                 "       sculpin-bench --soak MINUTES\n"
                 "\n"
                 "Runs each case for Sculpin and for its reference (libzmq%s) in alternating\n"
                 "rounds and prints median, spread and ratio (> 1: Sculpin better).\n"
                 "\n"
                 "  --quick          fewer rounds and smaller workloads (under a minute)\n"
                 "  --smoke          every case once with tiny workloads (CI: does it run?)\n"
                 "  --abi            instead of the usual groups: one benchmark binary linked\n"
                 "                   with -lzmq, run on Debian's libzmq and on Sculpin's\n"
                 "                   build/compat/libzmq.so.5 (LD_LIBRARY_PATH) in turn\n"
                 "  --only REGEX     only cases whose \"group/name\" matches REGEX\n"
                 "  --json FILE      also write the table as JSON\n"
                 "  --side SIDE      profiling: run only 'sculpin' or only 'reference' (its\n"
                 "                   figures then appear in the Sculpin column)\n"
                 "  --soak MINUTES   PUB->slow SUB and PUSH->slow PULL at full rate, RSS each\n"
                 "                   second, and whether it stayed within ±5%% after warm-up\n"
                 "  --help           this text\n",
                 ", SimGrid"
    );
}

}  // namespace

int main(int argc, char** argv) {
    RunOptions options;
    std::string only;
    std::string json_path;
    std::string side = "both";
    bool abi = false;
    double soak_minutes = -1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", arg.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--quick") {
            options.quick = true;
        } else if (arg == "--smoke") {
            options.smoke = true;
        } else if (arg == "--abi") {
            abi = true;
        } else if (arg == "--only") {
            only = value();
        } else if (arg == "--json") {
            json_path = value();
        } else if (arg == "--side") {
            side = value();
            if (side != "both" && side != "sculpin" && side != "reference") {
                std::fprintf(stderr, "--side: sculpin, reference or both\n");
                return 2;
            }
        } else if (arg == "--soak") {
            soak_minutes = std::atof(value().c_str());
            if (soak_minutes <= 0) {
                std::fprintf(stderr, "--soak needs a positive number of minutes\n");
                return 2;
            }
        } else if (arg == "--help" || arg == "-h") {
            usage(stdout);
            return 0;
        } else {
            std::fprintf(stderr, "unknown argument: %s\n", arg.c_str());
            usage(stderr);
            return 2;
        }
    }
    if (soak_minutes > 0) return run_soak(soak_minutes);

    std::vector<CaseSpec> cases;
    if (abi) {
        try {
            cases = abi_cases(options);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s\n", e.what());
            return 1;
        }
    } else {
        cases = socket_cases(options);
        for (CaseSpec& spec : simulator_cases(options)) cases.push_back(std::move(spec));
    }
    if (!only.empty()) {
        const std::regex pattern(only);
        std::erase_if(cases, [&](const CaseSpec& spec) {
            return !std::regex_search(spec.group + "/" + spec.name, pattern);
        });
    }
    if (cases.empty()) {
        std::fprintf(stderr, "no case matches --only %s\n", only.c_str());
        return 2;
    }

    // One side only, for perf/callgrind: the other side's work would blur the profile.
    for (CaseSpec& spec : cases) {
        if (side == "reference") spec.run_sculpin = spec.run_reference;
        if (side != "both") spec.run_reference = {};
    }

    const int rounds = rounds_for(options);
    std::vector<CaseResult> results;
    std::fprintf(stderr, "running %zu cases:\n", cases.size());
    for (const CaseSpec& spec : cases) results.push_back(run_case(spec, rounds));

    print_header(options, rounds);
    std::string group;
    bool all_ran = true;
    for (const CaseResult& result : results) {
        if (result.spec->group != group) {
            group = result.spec->group;
            std::printf("[%s]\n", group.c_str());
        }
        print_row(result);
        all_ran = all_ran && result.sculpin.ran() &&
                  (!result.spec->run_reference || result.reference.ran());
    }
    std::printf("\n%zu cases, %s\n", results.size(), all_ran ? "all ran" : "SOME FAILED");
    if (!json_path.empty() && !write_json(json_path, options, rounds, results)) {
        std::fprintf(stderr, "cannot write %s\n", json_path.c_str());
        return 1;
    }
    return all_ran ? 0 : 1;
}
