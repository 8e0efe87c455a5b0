#include "sim/trace_writer.hpp"

#include <utility>

namespace sculpin::sim {

std::string trace_to_jsonl(const std::vector<TraceEvent>& events) {
    std::string out;
    for (const TraceEvent& event : events) {
        out += to_json_line(event);
        out += '\n';
    }
    return out;
}

bool write_trace_jsonl(const std::vector<TraceEvent>& events, const std::string& path,
                       std::string* error) {
    JsonlTraceWriter writer(path);
    for (const TraceEvent& event : events) {
        if (!writer.ok()) break;
        writer.write(event);
    }
    writer.flush();
    if (!writer.ok()) {
        if (error != nullptr) *error = path + ": cannot write the trace";
        return false;
    }
    return true;
}

// Binary mode: the lines are written byte for byte, with '\n' endings on every platform.
JsonlTraceWriter::JsonlTraceWriter(const std::string& path)
    : out_(path, std::ios::binary | std::ios::trunc) {}

void JsonlTraceWriter::write(const TraceEvent& event) {
    line_ = to_json_line(event);
    line_ += '\n';
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
}

Trace::Listener compose_listeners(Trace::Listener first, Trace::Listener second) {
    if (!first) return second;
    if (!second) return first;
    return [first = std::move(first), second = std::move(second)](const TraceEvent& event) {
        first(event);
        second(event);
    };
}

}  // namespace sculpin::sim
