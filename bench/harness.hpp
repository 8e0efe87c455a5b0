// The harness of sculpin-bench: runs every case for Sculpin and for its reference in
// alternating rounds, takes the median of each side, and prints one table (and, on
// request, the same table as JSON). The ratio is always oriented so that > 1 means
// Sculpin is better, whether the unit is a rate or a latency.
#pragma once

#include <string>
#include <vector>

#include "bench/bench_case.hpp"

namespace sculpin::bench {

struct SideResult {
    std::vector<double> samples;  // one per round, in the case's unit
    double median = 0;
    double spread = 0;  // (max - min) / 2 / median: the "±" shown in the table
    std::string error;  // non-empty when a round failed
    bool ran() const noexcept { return error.empty() && !samples.empty(); }
};

struct CaseResult {
    const CaseSpec* spec = nullptr;
    SideResult sculpin;
    SideResult reference;  // empty when the case has no reference
    // > 1: Sculpin better. 0 when either side has no figure.
    double ratio() const noexcept;
};

// Rounds per case for the options given (smoke: 1).
int rounds_for(const RunOptions& options);

// Runs one case; prints a progress line to stderr.
CaseResult run_case(const CaseSpec& spec, int rounds);

void print_header(const RunOptions& options, int rounds);
void print_row(const CaseResult& result);
bool write_json(const std::string& path, const RunOptions& options, int rounds,
                const std::vector<CaseResult>& results);

}  // namespace sculpin::bench
