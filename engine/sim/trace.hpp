// The trace: every observable thing that happens in a simulated run, in order, with its
// virtual time. It is the simulator's only output: the CLI prints from it, the GUI draws
// it, expectations check it, and its hash proves that a run replayed exactly.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sculpin::sim {

// The trace hash covers a kind by its number: add new kinds at the end.
enum class TraceKind {
    node_start,    // node: a program (re)started; detail: program name
    node_exit,     // node: the program returned; detail: error text if it threw
    node_crash,    // node: the process died (fault)
    node_pause,    // node: frozen (fault)
    node_resume,   // node: thawed
    socket_open,   // node, socket; detail: socket type
    socket_close,  // node, socket
    bind,          // node, socket; peer: endpoint
    connect,       // node, socket; peer: endpoint (the request, not the connection)
    connected,     // node, socket; peer: other node; detail: endpoint  (stream up)
    handshake,     // node, socket; peer: other node; detail: peer socket type
    disconnected,  // node, socket; peer: other node; detail: reason
    send,          // node, socket, message; detail: frames preview; value: size in bytes
    wire,          // node (sender), peer (receiver); value: bytes; message: 0; detail: link
    deliver,       // node, socket, message (a program received it); detail: frames preview
    drop,          // node, socket, message; detail: reason (hwm, filtered, crash, ...)
    fork,          // node, socket, message; value: extra copies made (PUB fan-out)
    subscribed,    // node (publisher side), socket; peer: subscriber node; detail: topic
    fault_begin,   // detail: fault description; node/peer: target
    fault_end,
    log,   // node; detail: the line the program logged
    mark,  // node; detail: "what: detail" as the program marked it (narration hooks)
    // Append new kinds here, never in between: the trace hash mixes each kind's number, so
    // renumbering the kinds above would change every recorded trace hash.
    encoded,  // node (sender), peer (receiver), message: it left the sender's queue
    arrived,  // node (receiver), peer (sender), message: its last byte arrived
};

std::string_view to_string(TraceKind kind);

struct TraceEvent {
    int64_t time_ns = 0;
    TraceKind kind = TraceKind::log;
    std::string node;      // the node it happened at ("" for network-wide events)
    int socket = 0;        // socket id within the node, 0 if none
    uint64_t message = 0;  // ledger id of the message, 0 if none
    std::string peer;      // other node or endpoint, if any
    std::string detail;
    int64_t value = 0;
};

// One JSON object per line, keys in a fixed order, no whitespace: the canonical text form
// (trace files, the GUI).
// {"t":..,"k":"..","node":"..","sock":..,"msg":..,"peer":"..","detail":"..","v":..}
std::string to_json_line(const TraceEvent& event);

// A 64-bit hash of a sequence of events, over each event's fields in a fixed order and a
// fixed binary form (integers as 64-bit words, strings as their length then their bytes
// in little-endian 8-byte words), not over its JSON line: every event of every run is
// hashed, and formatting text for each one cost a third of the simulator's time. The
// value depends on the fields and their order only, so it is the same on every machine
// and build type. Not cryptographic: it tells replays apart, it does not resist forgery.
class TraceHash {
public:
    static constexpr uint64_t kInitial = 0xcbf29ce484222325ULL;

    void add(const TraceEvent& event);
    // The same as add() of an event with these fields, without building one.
    void add(int64_t time_ns, TraceKind kind, std::string_view node, int socket, uint64_t message,
             std::string_view peer, std::string_view detail, int64_t value);
    uint64_t value() const noexcept { return hash_; }
    std::string hex() const;  // 16 lower-case hex digits

private:
    uint64_t hash_ = kInitial;
};

// A set of kinds, one bit per kind (there are fewer than 64).
using TraceKindSet = uint64_t;
constexpr TraceKindSet kEveryTraceKind = ~TraceKindSet{0};
constexpr TraceKindSet trace_kind_bit(TraceKind kind) {
    return TraceKindSet{1} << static_cast<unsigned>(kind);
}
static_assert(static_cast<unsigned>(TraceKind::arrived) < 64, "a TraceKindSet holds 64 kinds");

class Trace {
public:
    using Listener = std::function<void(const TraceEvent&)>;

    void record(TraceEvent event);
    // The same as record() of an event with these fields. Every event is hashed, but a
    // TraceEvent (three strings) is only built when it is kept or listened to: a long run
    // that keeps only the hash builds none.
    void record(int64_t time_ns, TraceKind kind, std::string_view node, int socket,
                uint64_t message, std::string_view peer, std::string_view detail, int64_t value) {
        hash_.add(time_ns, kind, node, socket, message, peer, detail, value);
        if (keep_events_ || (listener_kinds_ & trace_kind_bit(kind)) != 0)
            keep_or_tell({time_ns, kind, std::string(node), socket, message, std::string(peer),
                          std::string(detail), value});
    }
    const std::vector<TraceEvent>& events() const noexcept { return events_; }
    const TraceHash& hash() const noexcept { return hash_; }
    // Called for every event as it is recorded (CLI narration, live GUI), or only for
    // those of the given kinds.
    void set_listener(Listener listener, TraceKindSet kinds = kEveryTraceKind) {
        listener_ = std::move(listener);
        listener_kinds_ = listener_ ? kinds : 0;
    }
    // Keeps only the hash and the listener; for long benchmark runs.
    void set_keep_events(bool keep) { keep_events_ = keep; }

private:
    void keep_or_tell(TraceEvent event);

    std::vector<TraceEvent> events_;
    TraceHash hash_;
    Listener listener_;
    TraceKindSet listener_kinds_ = 0;
    bool keep_events_ = true;
};

}  // namespace sculpin::sim
