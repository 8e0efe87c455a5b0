// Small queries over a simulated run's trace, shared by the simulator's tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "sim/trace.hpp"

namespace sculpin::sim::testing {

inline std::vector<const TraceEvent*> events(const Trace& trace, TraceKind kind,
                                             const std::string& node = "") {
    std::vector<const TraceEvent*> out;
    for (const auto& e : trace.events())
        if (e.kind == kind && (node.empty() || e.node == node)) out.push_back(&e);
    return out;
}

inline size_t count(const Trace& trace, TraceKind kind, const std::string& node = "") {
    return events(trace, kind, node).size();
}

// Events of `kind` at `node` with from <= time < to.
inline size_t count_between(const Trace& trace, TraceKind kind, const std::string& node,
                            int64_t from_ns, int64_t to_ns) {
    size_t n = 0;
    for (const auto* e : events(trace, kind, node))
        if (e->time_ns >= from_ns && e->time_ns < to_ns) ++n;
    return n;
}

// The log lines of a node that start with `prefix`.
inline std::vector<std::string> logs(const Trace& trace, const std::string& node,
                                     const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto* e : events(trace, TraceKind::log, node))
        if (e->detail.rfind(prefix, 0) == 0) out.push_back(e->detail);
    return out;
}

// The number in the one log line "<prefix><number>...", or -1.
inline int64_t logged_number(const Trace& trace, const std::string& node,
                             const std::string& prefix) {
    auto lines = logs(trace, node, prefix);
    if (lines.size() != 1) return -1;
    return std::atoll(lines[0].c_str() + prefix.size());
}

// sent + forked - delivered - dropped, checked never to go negative on the way.
inline int64_t ledger_in_flight(const Trace& trace) {
    int64_t in_flight = 0;
    for (const auto& e : trace.events()) {
        if (e.kind == TraceKind::send) ++in_flight;
        if (e.kind == TraceKind::fork) in_flight += e.value;
        if (e.kind == TraceKind::deliver || e.kind == TraceKind::drop) --in_flight;
        EXPECT_GE(in_flight, 0) << "more outcomes than messages at t=" << e.time_ns;
    }
    return in_flight;
}

}  // namespace sculpin::sim::testing
