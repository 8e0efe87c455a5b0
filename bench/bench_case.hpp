// One benchmark case of sculpin-bench: the same workload run for Sculpin and for a
// reference implementation (libzmq for sockets, SimGrid for the simulator), in turn, in
// the same process, so that the ratio holds on a noisy machine.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace sculpin::bench {

struct RunOptions {
    bool quick = false;  // the whole run finishes in under a minute
    bool smoke = false;  // CI: every case runs once, tiny sizes; only "it runs" is checked
};

struct CaseSpec {
    std::string group;           // "sockets", "simulator"
    std::string name;            // "push-pull tcp 64 B"
    std::string unit;            // "msg/s", "us one-way", "deliveries/s"
    bool higher_is_better = true;
    std::string reference_name;  // "libzmq 4.3.4", "SimGrid 3.32"
    // One round each; returns the figure in `unit`. The harness runs several rounds
    // alternating the two sides and reports the median and the spread.
    std::function<double()> run_sculpin;
    std::function<double()> run_reference;  // empty: no reference (Sculpin-only figure)
};

// Each group lives in its own file and returns its cases for the options given.
std::vector<CaseSpec> socket_cases(const RunOptions& options);
std::vector<CaseSpec> simulator_cases(const RunOptions& options);
// The socket workloads through the C API, one binary on Debian's libzmq and on Sculpin's
// compat libzmq.so.5 in turn (sculpin-bench --abi; bench/abi_cases.cpp).
std::vector<CaseSpec> abi_cases(const RunOptions& options);

}  // namespace sculpin::bench
