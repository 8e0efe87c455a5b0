// Export of a trace to the Chrome trace-event JSON format ({"traceEvents":[...]}) that
// ui.perfetto.dev and chrome://tracing open. Layout:
//   - one process per node, pid 1, 2, ... in order of first appearance; events without a
//     node go to a process named "network";
//   - one thread per socket (tid = socket id, named "socket N (TYPE)" from socket_open),
//     plus a thread named "node" (tid kPerfettoNodeTid) for events of no socket;
//   - send, deliver, drop and fork events are short complete slices ("X"); every message
//     gets a flow arrow from its send slice to each of its deliver and drop slices ("s"
//     at the send, "f" with "bp":"e" at each end, "id" = the message id, "cat":"msg");
//   - lifecycle, connection, drop, log, mark and fault events are instant events ("i");
//     a fault_begin and the fault_end that closes it are also an async span ("b"/"e") on
//     the target node. "wire" events are left out (one per byte segment: too many).
// Timestamps are microseconds (virtual ns / 1000). The output is a pure function of the
// events, so the same trace always exports to the same bytes.
#pragma once

#include <string>
#include <vector>

#include "sim/trace.hpp"

namespace sculpin::sim {

// The tid of a node's "node" thread; far above any socket id a program opens.
constexpr int kPerfettoNodeTid = 1'000'000;

std::string perfetto_trace_json(const std::vector<TraceEvent>& events);

// Writes perfetto_trace_json(events) to `path`. On failure returns false and, if `error`
// is given, says which file could not be written.
bool write_perfetto_trace(const std::vector<TraceEvent>& events, const std::string& path,
                          std::string* error = nullptr);

}  // namespace sculpin::sim
