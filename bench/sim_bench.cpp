// sculpin-sim-bench: runs the simulator group of sculpin-bench (bench/simulator_cases.cpp)
// on its own. Each case runs a few rounds, alternating Sculpin and the reference, and
// prints the median, the spread (min-max) and the ratio. A benchmark, not a test.
//
//   sculpin-sim-bench [--quick] [--smoke] [--rounds N] [--only TEXT]
//
// --only runs the cases whose name contains TEXT (for profiling one of them).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "bench/bench_case.hpp"

using namespace sculpin::bench;

namespace {

struct Summary {
    double median = 0;
    double low = 0;
    double high = 0;
};

Summary summarize(std::vector<double> figures) {
    std::sort(figures.begin(), figures.end());
    Summary summary;
    if (figures.empty()) return summary;
    const size_t n = figures.size();
    summary.median = n % 2 == 1 ? figures[n / 2] : (figures[n / 2 - 1] + figures[n / 2]) / 2;
    summary.low = figures.front();
    summary.high = figures.back();
    return summary;
}

std::string shown(const Summary& s) {
    char text[128];
    const auto scaled = [](double v, char* out, size_t size) {
        if (v >= 1e6) {
            std::snprintf(out, size, "%.2f M", v / 1e6);
        } else if (v >= 1e3) {
            std::snprintf(out, size, "%.1f k", v / 1e3);
        } else {
            std::snprintf(out, size, "%.3g", v);
        }
    };
    char median[32], low[32], high[32];
    scaled(s.median, median, sizeof(median));
    scaled(s.low, low, sizeof(low));
    scaled(s.high, high, sizeof(high));
    std::snprintf(text, sizeof(text), "%s [%s..%s]", median, low, high);
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    RunOptions options;
    int rounds = 0;
    std::string only;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) {
            options.quick = true;
        } else if (std::strcmp(argv[i], "--smoke") == 0) {
            options.smoke = true;
        } else if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            rounds = std::atoi(argv[++i]);
        } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else {
            std::fprintf(stderr, "usage: %s [--quick] [--smoke] [--rounds N] [--only TEXT]\n",
                         argv[0]);
            return 2;
        }
    }
    if (rounds <= 0) rounds = options.smoke ? 1 : options.quick ? 3 : 5;
    try {
        const std::vector<CaseSpec> cases = simulator_cases(options);
        std::printf("%-46s %-14s %-26s %-26s %s\n", "case", "unit", "sculpin", "reference",
                    "ratio");
        for (const CaseSpec& c : cases) {
            if (c.name.find(only) == std::string::npos) continue;
            std::vector<double> ours;
            std::vector<double> theirs;
            for (int round = 0; round < rounds; ++round) {
                ours.push_back(c.run_sculpin());
                if (c.run_reference) theirs.push_back(c.run_reference());
            }
            const Summary a = summarize(ours);
            std::string reference = "-";
            std::string ratio = "-";
            if (!theirs.empty()) {
                const Summary b = summarize(theirs);
                reference = shown(b) + " " + c.reference_name;
                char text[32];
                const double r = c.higher_is_better ? a.median / b.median : b.median / a.median;
                std::snprintf(text, sizeof(text), "%.2fx", r);
                ratio = text;
            }
            std::printf("%-46s %-14s %-26s %-26s %s\n", c.name.c_str(), c.unit.c_str(),
                        shown(a).c_str(), reference.c_str(), ratio.c_str());
            std::fflush(stdout);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sculpin-sim-bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
