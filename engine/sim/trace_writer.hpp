// The trace as JSON Lines: one canonical line per event (to_json_line). Two runs with the
// same trace hash write the same file, byte for byte.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "sim/trace.hpp"

namespace sculpin::sim {

// All of `events` as JSON Lines (each line ends in '\n').
std::string trace_to_jsonl(const std::vector<TraceEvent>& events);

// Writes `events` to `path` as JSON Lines. On failure returns false and, if `error` is
// given, says which file could not be written.
bool write_trace_jsonl(const std::vector<TraceEvent>& events, const std::string& path,
                       std::string* error = nullptr);

// Streams events to a file as they are recorded, so a long run (or one with
// set_keep_events(false)) can still be written out. Attach it with
//   trace.set_listener(compose_listeners(writer.listener(), other_listener));
// The writer must outlive the trace's use of its listener.
class JsonlTraceWriter {
public:
    explicit JsonlTraceWriter(const std::string& path);

    // False if the file could not be opened or a write failed.
    bool ok() const { return out_.good(); }
    void write(const TraceEvent& event);
    void flush() { out_.flush(); }
    Trace::Listener listener() {
        return [this](const TraceEvent& event) { write(event); };
    }

private:
    std::ofstream out_;
    std::string line_;  // reused so a long run does not allocate per event
};

// A listener that calls `first` then `second` (either may be empty).
Trace::Listener compose_listeners(Trace::Listener first, Trace::Listener second);

}  // namespace sculpin::sim
