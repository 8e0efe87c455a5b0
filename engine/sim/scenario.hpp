// A scenario is data: the nodes and their programs, the network, a fault plan, the
// expectations that must hold, and the narration the GUI shows. One JSON file drives the
// GUI, `sculpin run` and CI. The loader either returns a fully valid Scenario or an error
// naming the file, the JSON path and what was expected: nothing half-loaded ever runs.
// docs/scenario-format.md documents every field.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/trace.hpp"

namespace sculpin::sim {

// Network-wide link parameters (the defaults every pair of nodes gets).
struct LinkParams {
    int64_t latency_ms = 1;
    int64_t jitter_ms = 0;
    // 0 means unlimited. The default is 1 Gbit/s.
    int64_t bandwidth_bytes_per_s = 125'000'000;

    bool operator==(const LinkParams&) const = default;
};

// Overrides for the link between two nodes; an absent field inherits the network default
// (kept absent so that a saved scenario says only what its author said).
struct LinkSpec {
    std::array<std::string, 2> between;
    std::optional<int64_t> latency_ms;
    std::optional<int64_t> jitter_ms;
    std::optional<int64_t> bandwidth_bytes_per_s;

    bool operator==(const LinkSpec&) const = default;
};

struct NetworkSpec {
    LinkParams defaults;
    std::vector<LinkSpec> links;

    // The effective parameters between two nodes (in either order).
    LinkParams link_between(const std::string& a, const std::string& b) const;

    bool operator==(const NetworkSpec&) const = default;
};

struct NodeSpec {
    std::string name;     // [a-z0-9-]+, unique; also the host name in tcp:// endpoints
    std::string program;  // a registered node program
    // Every value is kept as text: JSON strings as they are, integers in decimal, booleans
    // as "true"/"false". Programs parse what they need.
    std::map<std::string, std::string> params;
    int64_t start_ms = 0;                           // > 0: the node joins late
    std::optional<std::array<double, 2>> position;  // GUI layout; absent: automatic layout

    bool operator==(const NodeSpec&) const = default;
};

enum class FaultKind { crash, restart, pause, slow, partition, clog, reset };
std::string_view to_string(FaultKind kind);

struct FaultSpec {
    int64_t at_ms = 0;
    FaultKind kind = FaultKind::crash;
    std::string node;                    // crash, restart, pause, slow
    std::array<std::string, 2> between;  // partition, clog, reset
    bool one_way = false;                // partition: cut only between[0] -> between[1]
    std::optional<int64_t> duration_ms;  // pause, slow, partition, clog; absent: to the end
    int64_t delay_ms = 0;                // slow: extra processing delay per message

    bool operator==(const FaultSpec&) const = default;
};

enum class ExpectationKind {
    ledger_balanced,
    log_contains,
    log_count,
    delivered,
    drops,
    alive,
    exited,
    checker,
};
std::string_view to_string(ExpectationKind kind);

struct ExpectationSpec {
    ExpectationKind kind = ExpectationKind::ledger_balanced;
    std::string node;    // log_contains, log_count, alive, exited; drops (optional: "" = all)
    std::string text;    // log_contains, log_count
    std::string from;    // delivered
    std::string to;      // delivered
    std::string reason;  // drops
    std::string name;    // checker
    // log_count, delivered, drops: inclusive bounds; at least one is present.
    std::optional<int64_t> min;
    std::optional<int64_t> max;

    bool operator==(const ExpectationSpec&) const = default;
};

// What a narration line waits for: the first (or every) trace event that matches all the
// fields given.
struct NarrationTrigger {
    TraceKind kind = TraceKind::mark;
    std::string node;             // "" = any node
    std::string peer;             // "" = any peer
    std::string detail_contains;  // "" = any detail

    bool operator==(const NarrationTrigger&) const = default;
};

struct NarrationLine {
    std::optional<int64_t> at_ms;        // a timed line...
    std::optional<NarrationTrigger> on;  // ...or a triggered one (exactly one of the two)
    std::string text;                    // may hold {placeholders}, see docs/scenario-format.md
    bool once = true;                    // triggered lines: fire on the first match only

    bool operator==(const NarrationLine&) const = default;
};

struct Scenario {
    std::string name;     // [a-z0-9-]+, by convention the file's name without .json
    std::string title;    // "Hello world"
    int chapter = 1;      // the book's chapter, 1-8
    std::string section;  // the book's section title
    std::string summary;  // one paragraph for the picker
    uint64_t seed = 1;
    int64_t duration_ms = 0;
    NetworkSpec network;
    std::vector<NodeSpec> nodes;
    std::vector<FaultSpec> faults;
    std::vector<ExpectationSpec> expectations;
    std::vector<NarrationLine> narration;

    const NodeSpec* find_node(const std::string& node_name) const;

    bool operator==(const Scenario&) const = default;
};

struct LoadContext {
    std::set<std::string> programs;  // known node program names
    std::set<std::string> checkers;  // known invariant checker names
    // Optional: the parameter names each program accepts. When a program is listed here,
    // any other parameter given to it is an error (catches typos); unlisted programs
    // accept any parameter.
    std::map<std::string, std::set<std::string>> program_params;
};

// On failure: std::nullopt, and *error (if given) holds one line:
//   "<source>: $.nodes[2].program: unknown program "hwservr" (known: hwclient, hwserver)"
//   "<source>:3:17: invalid JSON: ..." for syntax errors.
std::optional<Scenario> load_scenario_text(const std::string& text, const std::string& source_name,
                                           const LoadContext& ctx, std::string* error);
std::optional<Scenario> load_scenario_file(const std::string& path, const LoadContext& ctx,
                                           std::string* error);

// Pretty JSON in a stable key order that loads back to an equal Scenario (the GUI saves an
// interactive session, with its injected faults, this way).
std::string scenario_to_json(const Scenario& scenario);

// The trace kind named `name` ("drop", "mark", ...), for narration triggers.
std::optional<TraceKind> trace_kind_from_string(std::string_view name);

// Narration text placeholders: {t} {n} {node} {peer} {detail} {value} {sent} {delivered}
// {dropped} {dropped:REASON}; "{{" and "}}" are literal braces. Returns "" when `text` is
// well formed, else what is wrong. Event placeholders ({node} {peer} {detail} {value})
// need a triggered line.
std::string narration_text_error(const std::string& text, bool triggered);

}  // namespace sculpin::sim
