#include "sim/scenario.hpp"

#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sculpin::sim {

namespace {

using nlohmann::json;

// Thrown inside the loader and caught at its top: the first problem ends the load, and
// no partly filled Scenario ever escapes.
struct LoadError {
    std::string path;
    std::string message;
};

[[noreturn]] void fail(const std::string& path, const std::string& message) {
    throw LoadError{path, message};
}

std::string in_quotes(const std::string& text) {
    return json(text).dump();
}

// How a JSON value reads in an error: strings quoted, numbers as written, containers by kind.
std::string describe(const json& value) {
    switch (value.type()) {
        case json::value_t::object:
            return "an object";
        case json::value_t::array:
            return "an array";
        case json::value_t::null:
            return "null";
        default:
            return value.dump();
    }
}

std::string join(const std::set<std::string>& names) {
    std::string out;
    for (const auto& name : names) {
        if (!out.empty()) out += ", ";
        out += name;
    }
    return out.empty() ? "(none)" : out;
}

std::string join(std::initializer_list<const char*> names) {
    std::string out;
    for (const char* name : names) {
        if (!out.empty()) out += ", ";
        out += name;
    }
    return out;
}

bool is_name(const std::string& text) {
    if (text.empty()) return false;
    for (char c : text) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

bool is_param_name(const std::string& text) {
    if (text.empty()) return false;
    for (char c : text) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

std::string at_key(const std::string& path, const std::string& key) {
    return path + "." + key;
}
std::string at_index(const std::string& path, size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

const json& require_object(const json& value, const std::string& path) {
    if (!value.is_object()) fail(path, "expected an object, got " + describe(value));
    return value;
}

const json& require_array(const json& value, const std::string& path) {
    if (!value.is_array()) fail(path, "expected an array, got " + describe(value));
    return value;
}

// Unknown keys are errors: a misspelt optional key would otherwise be silently ignored.
void check_keys(const json& object, const std::string& path,
                std::initializer_list<const char*> allowed) {
    for (const auto& item : object.items()) {
        bool known = false;
        for (const char* key : allowed) known = known || item.key() == key;
        if (!known) {
            fail(path,
                 "unknown key " + in_quotes(item.key()) + " (allowed: " + join(allowed) + ")");
        }
    }
}

void require_keys(const json& object, const std::string& path,
                  std::initializer_list<const char*> required) {
    for (const char* key : required) {
        if (!object.contains(key)) fail(path, "missing required key " + in_quotes(key));
    }
}

std::string read_string(const json& value, const std::string& path, bool allow_empty = false) {
    if (!value.is_string()) fail(path, "expected a string, got " + describe(value));
    auto text = value.get<std::string>();
    if (text.empty() && !allow_empty) fail(path, "expected a non-empty string");
    return text;
}

// `what` is the phrase after "expected": "a positive integer", "an integer >= 0".
int64_t read_integer(const json& value, const std::string& path, int64_t min_value,
                     const std::string& what) {
    bool ok = false;
    int64_t number = 0;
    if (value.is_number_unsigned()) {
        auto u = value.get<uint64_t>();
        ok = u <= static_cast<uint64_t>(INT64_MAX);
        number = static_cast<int64_t>(u);
    } else if (value.is_number_integer()) {
        number = value.get<int64_t>();
        ok = true;
    }
    if (!ok || number < min_value) fail(path, "expected " + what + ", got " + describe(value));
    return number;
}

int64_t read_non_negative(const json& value, const std::string& path) {
    return read_integer(value, path, 0, "an integer >= 0");
}

int64_t read_positive(const json& value, const std::string& path) {
    return read_integer(value, path, 1, "a positive integer");
}

bool read_bool(const json& value, const std::string& path) {
    if (!value.is_boolean()) fail(path, "expected true or false, got " + describe(value));
    return value.get<bool>();
}

std::string read_node_name(const json& value, const std::string& path) {
    auto name = read_string(value, path, true);
    if (!is_name(name)) fail(path, "expected a node name ([a-z0-9-]+), got " + in_quotes(name));
    return name;
}

constexpr TraceKind kAllTraceKinds[] = {
    TraceKind::node_start,   TraceKind::node_exit,   TraceKind::node_crash,
    TraceKind::node_pause,   TraceKind::node_resume, TraceKind::socket_open,
    TraceKind::socket_close, TraceKind::bind,        TraceKind::connect,
    TraceKind::connected,    TraceKind::handshake,   TraceKind::disconnected,
    TraceKind::send,         TraceKind::wire,        TraceKind::encoded,
    TraceKind::arrived,      TraceKind::deliver,     TraceKind::drop,
    TraceKind::fork,         TraceKind::subscribed,  TraceKind::fault_begin,
    TraceKind::fault_end,    TraceKind::log,         TraceKind::mark,
};

constexpr FaultKind kAllFaultKinds[] = {FaultKind::crash, FaultKind::restart,   FaultKind::pause,
                                        FaultKind::slow,  FaultKind::partition, FaultKind::clog,
                                        FaultKind::reset};

constexpr ExpectationKind kAllExpectationKinds[] = {
    ExpectationKind::ledger_balanced, ExpectationKind::log_contains, ExpectationKind::log_count,
    ExpectationKind::delivered,       ExpectationKind::drops,        ExpectationKind::alive,
    ExpectationKind::exited,          ExpectationKind::checker};

class Loader {
public:
    explicit Loader(const LoadContext& ctx) : ctx_(ctx) {}

    Scenario load(const json& root) {
        const std::string path = "$";
        require_object(root, path);
        check_keys(root, path,
                   {"name", "title", "chapter", "section", "summary", "seed", "duration_ms",
                    "network", "nodes", "faults", "expectations", "narration"});
        require_keys(root, path, {"name", "title", "chapter", "section", "duration_ms", "nodes"});
        Scenario s;
        s.name = read_string(root["name"], "$.name", true);
        if (!is_name(s.name)) {
            fail("$.name", "expected a scenario name ([a-z0-9-]+), got " + in_quotes(s.name));
        }
        s.title = read_string(root["title"], "$.title");
        s.chapter = static_cast<int>(
            read_integer(root["chapter"], "$.chapter", 1, "a chapter number from 1 to 8"));
        if (s.chapter > 8) {
            fail("$.chapter",
                 "expected a chapter number from 1 to 8, got " + std::to_string(s.chapter));
        }
        s.section = read_string(root["section"], "$.section");
        if (root.contains("summary")) s.summary = read_string(root["summary"], "$.summary", true);
        if (root.contains("seed")) {
            const json& seed = root["seed"];
            if (!seed.is_number_unsigned() &&
                !(seed.is_number_integer() && seed.get<int64_t>() >= 0)) {
                fail("$.seed", "expected an integer >= 0, got " + describe(seed));
            }
            s.seed = seed.get<uint64_t>();
        }
        s.duration_ms = read_positive(root["duration_ms"], "$.duration_ms");
        duration_ms_ = s.duration_ms;

        // Nodes first: everything else refers to them.
        const json& nodes = require_array(root["nodes"], "$.nodes");
        if (nodes.empty()) fail("$.nodes", "expected at least one node");
        for (size_t i = 0; i < nodes.size(); ++i) {
            s.nodes.push_back(load_node_head(nodes[i], at_index("$.nodes", i)));
        }
        for (size_t i = 0; i < nodes.size(); ++i) {
            load_node_params(nodes[i], at_index("$.nodes", i), s.nodes[i]);
        }
        if (root.contains("network")) s.network = load_network(root["network"], "$.network");
        if (root.contains("faults")) {
            const json& faults = require_array(root["faults"], "$.faults");
            for (size_t i = 0; i < faults.size(); ++i) {
                s.faults.push_back(load_fault(faults[i], at_index("$.faults", i)));
            }
        }
        if (root.contains("expectations")) {
            const json& list = require_array(root["expectations"], "$.expectations");
            for (size_t i = 0; i < list.size(); ++i) {
                s.expectations.push_back(load_expectation(list[i], at_index("$.expectations", i)));
            }
        }
        if (root.contains("narration")) {
            const json& list = require_array(root["narration"], "$.narration");
            for (size_t i = 0; i < list.size(); ++i) {
                s.narration.push_back(load_narration(list[i], at_index("$.narration", i)));
            }
        }
        return s;
    }

private:
    std::string node_ref(const json& value, const std::string& path) const {
        auto name = read_string(value, path, true);
        if (!node_paths_.count(name)) {
            fail(path, "no node named " + in_quotes(name) + " (nodes: " + join(node_names_) + ")");
        }
        return name;
    }

    std::array<std::string, 2> node_pair(const json& value, const std::string& path) const {
        if (!value.is_array() || value.size() != 2) {
            fail(path, "expected two node names, got " +
                           (value.is_array() ? value.dump() : describe(value)));
        }
        std::array<std::string, 2> pair{node_ref(value[0], at_index(path, 0)),
                                        node_ref(value[1], at_index(path, 1))};
        if (pair[0] == pair[1]) {
            fail(path, "expected two different nodes, got " + in_quotes(pair[0]) + " twice");
        }
        return pair;
    }

    int64_t time_within_run(const json& value, const std::string& path) const {
        int64_t at_ms = read_non_negative(value, path);
        if (at_ms > duration_ms_) {
            fail(path, std::to_string(at_ms) + " is after the end of the run (duration_ms " +
                           std::to_string(duration_ms_) + ")");
        }
        return at_ms;
    }

    NodeSpec load_node_head(const json& value, const std::string& path) {
        require_object(value, path);
        check_keys(value, path, {"name", "program", "params", "start_ms", "position"});
        require_keys(value, path, {"name", "program"});
        NodeSpec node;
        node.name = read_node_name(value["name"], at_key(path, "name"));
        auto [it, inserted] = node_paths_.emplace(node.name, at_key(path, "name"));
        if (!inserted) {
            fail(at_key(path, "name"),
                 "duplicate node name " + in_quotes(node.name) + " (also " + it->second + ")");
        }
        node_names_.insert(node.name);
        node.program = read_string(value["program"], at_key(path, "program"), true);
        if (!ctx_.programs.count(node.program)) {
            fail(at_key(path, "program"), "unknown program " + in_quotes(node.program) +
                                              " (known: " + join(ctx_.programs) + ")");
        }
        if (value.contains("start_ms")) {
            node.start_ms = time_within_run(value["start_ms"], at_key(path, "start_ms"));
        }
        if (value.contains("position")) {
            const json& pos = value["position"];
            const auto pos_path = at_key(path, "position");
            if (!pos.is_array() || pos.size() != 2 || !pos[0].is_number() || !pos[1].is_number()) {
                fail(pos_path, "expected [x, y] (two numbers), got " +
                                   (pos.is_array() ? pos.dump() : describe(pos)));
            }
            node.position = std::array<double, 2>{pos[0].get<double>(), pos[1].get<double>()};
        }
        return node;
    }

    // Params are read once every node is known, so that an endpoint may name a node that
    // appears later in the file.
    void load_node_params(const json& value, const std::string& path, NodeSpec& node) {
        if (!value.contains("params")) return;
        const auto params_path = at_key(path, "params");
        const json& params = require_object(value["params"], params_path);
        auto accepted = ctx_.program_params.find(node.program);
        for (const auto& item : params.items()) {
            const auto param_path = at_key(params_path, item.key());
            if (!is_param_name(item.key())) {
                fail(params_path,
                     "expected parameter names of [a-z0-9_]+, got " + in_quotes(item.key()));
            }
            if (accepted != ctx_.program_params.end() && !accepted->second.count(item.key())) {
                fail(params_path, "unknown parameter " + in_quotes(item.key()) + " for program " +
                                      in_quotes(node.program) +
                                      " (accepted: " + join(accepted->second) + ")");
            }
            const json& v = item.value();
            std::string text;
            if (v.is_string()) {
                text = v.get<std::string>();
            } else if (v.is_boolean()) {
                text = v.get<bool>() ? "true" : "false";
            } else if (v.is_number()) {
                text = v.dump();  // integers in decimal; decimals in shortest round-trip form
            } else {
                fail(param_path, "expected a string, number or boolean, got " + describe(v));
            }
            check_endpoints(text, param_path);
            node.params.emplace(item.key(), std::move(text));
        }
    }

    // In a scenario, the host of a tcp:// endpoint is a node name (or * to bind on all
    // interfaces). A value may hold several endpoints, separated by commas or spaces.
    void check_endpoints(const std::string& text, const std::string& path) const {
        const std::string scheme = "tcp://";
        for (size_t at = text.find(scheme); at != std::string::npos;
             at = text.find(scheme, at + scheme.size())) {
            size_t end = text.find_first_of(", ;", at);
            const std::string endpoint =
                text.substr(at, end == std::string::npos ? std::string::npos : end - at);
            const std::string rest = endpoint.substr(scheme.size());
            const size_t colon = rest.rfind(':');
            const std::string host = colon == std::string::npos ? rest : rest.substr(0, colon);
            const std::string port = colon == std::string::npos ? "" : rest.substr(colon + 1);
            bool port_ok = !port.empty() && port.size() <= 5 &&
                           port.find_first_not_of("0123456789") == std::string::npos &&
                           std::stoi(port) >= 1 && std::stoi(port) <= 65535;
            if (host.empty() || !port_ok) {
                fail(path, "endpoint " + in_quotes(endpoint) + ": expected tcp://NODE:PORT");
            }
            if (host != "*" && !node_paths_.count(host)) {
                fail(path, "endpoint " + in_quotes(endpoint) + " names no node " + in_quotes(host) +
                               " (nodes: " + join(node_names_) + ")");
            }
        }
    }

    void read_link_params(const json& value, const std::string& path, const char* key,
                          std::optional<int64_t>& out) const {
        if (!value.contains(key)) return;
        const std::string key_path = at_key(path, key);
        out = std::string(key) == "bandwidth_bytes_per_s"
                  ? read_integer(value[key], key_path, 0, "an integer >= 0 (0 = unlimited)")
                  : read_non_negative(value[key], key_path);
    }

    NetworkSpec load_network(const json& value, const std::string& path) const {
        require_object(value, path);
        check_keys(value, path, {"latency_ms", "jitter_ms", "bandwidth_bytes_per_s", "links"});
        NetworkSpec network;
        LinkSpec defaults;
        read_link_params(value, path, "latency_ms", defaults.latency_ms);
        read_link_params(value, path, "jitter_ms", defaults.jitter_ms);
        read_link_params(value, path, "bandwidth_bytes_per_s", defaults.bandwidth_bytes_per_s);
        network.defaults.latency_ms = defaults.latency_ms.value_or(network.defaults.latency_ms);
        network.defaults.jitter_ms = defaults.jitter_ms.value_or(network.defaults.jitter_ms);
        network.defaults.bandwidth_bytes_per_s =
            defaults.bandwidth_bytes_per_s.value_or(network.defaults.bandwidth_bytes_per_s);
        if (!value.contains("links")) return network;
        const auto links_path = at_key(path, "links");
        const json& links = require_array(value["links"], links_path);
        std::map<std::pair<std::string, std::string>, std::string> seen;
        for (size_t i = 0; i < links.size(); ++i) {
            const auto link_path = at_index(links_path, i);
            const json& item = require_object(links[i], link_path);
            check_keys(item, link_path,
                       {"between", "latency_ms", "jitter_ms", "bandwidth_bytes_per_s"});
            require_keys(item, link_path, {"between"});
            LinkSpec link;
            link.between = node_pair(item["between"], at_key(link_path, "between"));
            auto key = std::minmax(link.between[0], link.between[1]);
            auto [it, inserted] = seen.emplace(key, link_path);
            if (!inserted) {
                fail(at_key(link_path, "between"), "link between " + in_quotes(key.first) +
                                                       " and " + in_quotes(key.second) +
                                                       " is already given at " + it->second);
            }
            read_link_params(item, link_path, "latency_ms", link.latency_ms);
            read_link_params(item, link_path, "jitter_ms", link.jitter_ms);
            read_link_params(item, link_path, "bandwidth_bytes_per_s", link.bandwidth_bytes_per_s);
            network.links.push_back(std::move(link));
        }
        return network;
    }

    FaultSpec load_fault(const json& value, const std::string& path) const {
        require_object(value, path);
        require_keys(value, path, {"kind"});
        const auto kind_path = at_key(path, "kind");
        const auto kind_name = read_string(value["kind"], kind_path, true);
        std::optional<FaultKind> kind;
        for (FaultKind k : kAllFaultKinds) {
            if (to_string(k) == kind_name) kind = k;
        }
        if (!kind) {
            fail(kind_path, "unknown fault kind " + in_quotes(kind_name) +
                                " (known: crash, restart, pause, slow, partition, clog, reset)");
        }
        FaultSpec fault;
        fault.kind = *kind;
        switch (fault.kind) {
            case FaultKind::crash:
            case FaultKind::restart:
                check_keys(value, path, {"at_ms", "kind", "node"});
                require_keys(value, path, {"at_ms", "node"});
                break;
            case FaultKind::pause:
                check_keys(value, path, {"at_ms", "kind", "node", "duration_ms"});
                require_keys(value, path, {"at_ms", "node"});
                break;
            case FaultKind::slow:
                check_keys(value, path, {"at_ms", "kind", "node", "delay_ms", "duration_ms"});
                require_keys(value, path, {"at_ms", "node", "delay_ms"});
                break;
            case FaultKind::partition:
                check_keys(value, path, {"at_ms", "kind", "between", "one_way", "duration_ms"});
                require_keys(value, path, {"at_ms", "between"});
                break;
            case FaultKind::clog:
                check_keys(value, path, {"at_ms", "kind", "between", "duration_ms"});
                require_keys(value, path, {"at_ms", "between"});
                break;
            case FaultKind::reset:
                check_keys(value, path, {"at_ms", "kind", "between"});
                require_keys(value, path, {"at_ms", "between"});
                break;
        }
        fault.at_ms = time_within_run(value["at_ms"], at_key(path, "at_ms"));
        if (value.contains("node")) fault.node = node_ref(value["node"], at_key(path, "node"));
        if (value.contains("between")) {
            fault.between = node_pair(value["between"], at_key(path, "between"));
        }
        if (value.contains("one_way")) {
            fault.one_way = read_bool(value["one_way"], at_key(path, "one_way"));
        }
        if (value.contains("delay_ms")) {
            fault.delay_ms = read_positive(value["delay_ms"], at_key(path, "delay_ms"));
        }
        if (value.contains("duration_ms")) {
            fault.duration_ms = read_positive(value["duration_ms"], at_key(path, "duration_ms"));
        }
        return fault;
    }

    ExpectationSpec load_expectation(const json& value, const std::string& path) const {
        require_object(value, path);
        require_keys(value, path, {"kind"});
        const auto kind_path = at_key(path, "kind");
        const auto kind_name = read_string(value["kind"], kind_path, true);
        std::optional<ExpectationKind> kind;
        for (ExpectationKind k : kAllExpectationKinds) {
            if (to_string(k) == kind_name) kind = k;
        }
        if (!kind) {
            fail(kind_path, "unknown expectation kind " + in_quotes(kind_name) +
                                " (known: ledger_balanced, log_contains, log_count, delivered, "
                                "drops, alive, exited, checker)");
        }
        ExpectationSpec e;
        e.kind = *kind;
        bool bounded = false;
        switch (e.kind) {
            case ExpectationKind::ledger_balanced:
                check_keys(value, path, {"kind"});
                break;
            case ExpectationKind::log_contains:
                check_keys(value, path, {"kind", "node", "text"});
                require_keys(value, path, {"node", "text"});
                break;
            case ExpectationKind::log_count:
                check_keys(value, path, {"kind", "node", "text", "min", "max"});
                require_keys(value, path, {"node", "text"});
                bounded = true;
                break;
            case ExpectationKind::delivered:
                check_keys(value, path, {"kind", "from", "to", "min", "max"});
                require_keys(value, path, {"from", "to"});
                bounded = true;
                break;
            case ExpectationKind::drops:
                // Without "reason", every drop counts.
                check_keys(value, path, {"kind", "reason", "node", "min", "max"});
                bounded = true;
                break;
            case ExpectationKind::alive:
            case ExpectationKind::exited:
                check_keys(value, path, {"kind", "node"});
                require_keys(value, path, {"node"});
                break;
            case ExpectationKind::checker:
                check_keys(value, path, {"kind", "name"});
                require_keys(value, path, {"name"});
                break;
        }
        if (value.contains("node")) e.node = node_ref(value["node"], at_key(path, "node"));
        if (value.contains("text")) e.text = read_string(value["text"], at_key(path, "text"));
        if (value.contains("from")) e.from = node_ref(value["from"], at_key(path, "from"));
        if (value.contains("to")) e.to = node_ref(value["to"], at_key(path, "to"));
        if (value.contains("reason")) {
            e.reason = read_string(value["reason"], at_key(path, "reason"));
            if (!is_param_name(e.reason)) {
                fail(at_key(path, "reason"),
                     "expected a drop reason such as \"hwm\" or \"no_peer\", got " +
                         in_quotes(e.reason));
            }
        }
        if (value.contains("name")) {
            e.name = read_string(value["name"], at_key(path, "name"), true);
            if (!ctx_.checkers.count(e.name)) {
                fail(at_key(path, "name"), "unknown checker " + in_quotes(e.name) +
                                               " (known: " + join(ctx_.checkers) + ")");
            }
        }
        if (bounded) {
            // null is accepted as "no bound", so a writer may spell out an open bound.
            if (value.contains("min") && !value["min"].is_null()) {
                e.min = read_non_negative(value["min"], at_key(path, "min"));
            }
            if (value.contains("max") && !value["max"].is_null()) {
                e.max = read_non_negative(value["max"], at_key(path, "max"));
            }
            if (!e.min && !e.max) fail(path, "expected at least one of \"min\" and \"max\"");
            if (e.min && e.max && *e.min > *e.max) {
                fail(path, "min " + std::to_string(*e.min) + " is greater than max " +
                               std::to_string(*e.max));
            }
        }
        return e;
    }

    NarrationLine load_narration(const json& value, const std::string& path) const {
        require_object(value, path);
        check_keys(value, path, {"at_ms", "on", "text", "once"});
        require_keys(value, path, {"text"});
        NarrationLine line;
        if (value.contains("at_ms") == value.contains("on")) {
            fail(path,
                 "expected exactly one of \"at_ms\" (a timed line) and \"on\" (a "
                 "triggered line)");
        }
        if (value.contains("at_ms")) {
            line.at_ms = time_within_run(value["at_ms"], at_key(path, "at_ms"));
            if (value.contains("once")) {
                fail(at_key(path, "once"), "only a triggered line (\"on\") can set \"once\"");
            }
        } else {
            const auto on_path = at_key(path, "on");
            const json& on = require_object(value["on"], on_path);
            check_keys(on, on_path, {"kind", "node", "peer", "detail_contains"});
            require_keys(on, on_path, {"kind"});
            NarrationTrigger trigger;
            const auto kind_name = read_string(on["kind"], at_key(on_path, "kind"), true);
            auto kind = trace_kind_from_string(kind_name);
            if (!kind) {
                std::set<std::string> known;
                for (TraceKind k : kAllTraceKinds) known.emplace(to_string(k));
                fail(at_key(on_path, "kind"), "unknown trace event kind " + in_quotes(kind_name) +
                                                  " (known: " + join(known) + ")");
            }
            trigger.kind = *kind;
            if (on.contains("node")) trigger.node = node_ref(on["node"], at_key(on_path, "node"));
            if (on.contains("peer")) {
                trigger.peer = read_string(on["peer"], at_key(on_path, "peer"));
            }
            if (on.contains("detail_contains")) {
                trigger.detail_contains =
                    read_string(on["detail_contains"], at_key(on_path, "detail_contains"));
            }
            line.on = std::move(trigger);
            if (value.contains("once")) line.once = read_bool(value["once"], at_key(path, "once"));
        }
        line.text = read_string(value["text"], at_key(path, "text"));
        auto problem = narration_text_error(line.text, line.on.has_value());
        if (!problem.empty()) fail(at_key(path, "text"), problem);
        return line;
    }

    const LoadContext& ctx_;
    int64_t duration_ms_ = 0;
    std::map<std::string, std::string> node_paths_;  // node name -> where it is defined
    std::set<std::string> node_names_;
};

// nlohmann reports a byte offset (one past the offending character); editors want
// line:column, both from 1.
std::pair<size_t, size_t> line_and_column(const std::string& text, size_t byte_offset) {
    size_t line = 1;
    size_t column = 1;
    size_t end = std::min(byte_offset > 0 ? byte_offset - 1 : 0, text.size());
    for (size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

// "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error while
// parsing object - unexpected '}'; expected string literal" -> the part after the position.
std::string parse_error_reason(const std::string& what) {
    std::string reason = what;
    if (auto at = reason.find("parse error"); at != std::string::npos) {
        if (auto colon = reason.find(": ", at); colon != std::string::npos) {
            reason = reason.substr(colon + 2);
        }
    }
    if (reason.rfind("syntax error while parsing value - ", 0) == 0) {
        reason = reason.substr(std::string("syntax error while parsing value - ").size());
    }
    return reason;
}

// JSON allows an object to repeat a key and nlohmann keeps the last one; in a scenario a
// repeated key is a copy-paste slip that would silently lose a value, so it is an error.
class DuplicateKeyCheck {
public:
    void on(json::parse_event_t event, const json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                stack_.push_back(
                    Frame{event == json::parse_event_t::object_start, {}, "", 0, child_path()});
                break;
            case json::parse_event_t::key: {
                Frame& top = stack_.back();
                top.key = parsed.get<std::string>();
                if (!top.keys.insert(top.key).second) {
                    fail(top.path, "duplicate key " + in_quotes(top.key));
                }
                break;
            }
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                stack_.pop_back();
                next_element();
                break;
            case json::parse_event_t::value:
                next_element();
                break;
        }
    }

private:
    struct Frame {
        bool object;
        std::set<std::string> keys;
        std::string key;  // objects: the key whose value is being read
        size_t index;     // arrays: the index of the element being read
        std::string path;
    };

    std::string child_path() const {
        if (stack_.empty()) return "$";
        const Frame& top = stack_.back();
        return top.object ? at_key(top.path, top.key) : at_index(top.path, top.index);
    }

    void next_element() {
        if (!stack_.empty() && !stack_.back().object) ++stack_.back().index;
    }

    std::vector<Frame> stack_;
};

}  // namespace

std::string_view to_string(FaultKind kind) {
    switch (kind) {
        case FaultKind::crash:
            return "crash";
        case FaultKind::restart:
            return "restart";
        case FaultKind::pause:
            return "pause";
        case FaultKind::slow:
            return "slow";
        case FaultKind::partition:
            return "partition";
        case FaultKind::clog:
            return "clog";
        case FaultKind::reset:
            return "reset";
    }
    return "unknown";
}

std::string_view to_string(ExpectationKind kind) {
    switch (kind) {
        case ExpectationKind::ledger_balanced:
            return "ledger_balanced";
        case ExpectationKind::log_contains:
            return "log_contains";
        case ExpectationKind::log_count:
            return "log_count";
        case ExpectationKind::delivered:
            return "delivered";
        case ExpectationKind::drops:
            return "drops";
        case ExpectationKind::alive:
            return "alive";
        case ExpectationKind::exited:
            return "exited";
        case ExpectationKind::checker:
            return "checker";
    }
    return "unknown";
}

std::optional<TraceKind> trace_kind_from_string(std::string_view name) {
    for (TraceKind k : kAllTraceKinds) {
        if (to_string(k) == name) return k;
    }
    return std::nullopt;
}

std::string narration_text_error(const std::string& text, bool triggered) {
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '}') {
            if (i + 1 < text.size() && text[i + 1] == '}') {
                ++i;
                continue;
            }
            return "unmatched \"}\" at offset " + std::to_string(i) + " (write \"}}\")";
        }
        if (text[i] != '{') continue;
        if (i + 1 < text.size() && text[i + 1] == '{') {
            ++i;
            continue;
        }
        size_t close = text.find('}', i);
        if (close == std::string::npos) {
            return "unclosed \"{\" at offset " + std::to_string(i) + " (write \"{{\")";
        }
        const std::string name = text.substr(i + 1, close - i - 1);
        const bool counter = name == "t" || name == "n" || name == "sent" || name == "delivered" ||
                             name == "dropped" ||
                             (name.rfind("dropped:", 0) == 0 && name.size() > 8);
        const bool event_field =
            name == "node" || name == "peer" || name == "detail" || name == "value";
        if (!counter && !event_field) {
            return "unknown placeholder {" + name +
                   "} (known: {t} {n} {node} {peer} {detail} {value} {sent} {delivered} "
                   "{dropped} {dropped:REASON})";
        }
        if (event_field && !triggered) {
            return "placeholder {" + name + "} needs a triggered line (\"on\"), not \"at_ms\"";
        }
        i = close;
    }
    return "";
}

LinkParams NetworkSpec::link_between(const std::string& a, const std::string& b) const {
    LinkParams params = defaults;
    for (const auto& link : links) {
        if ((link.between[0] == a && link.between[1] == b) ||
            (link.between[0] == b && link.between[1] == a)) {
            params.latency_ms = link.latency_ms.value_or(params.latency_ms);
            params.jitter_ms = link.jitter_ms.value_or(params.jitter_ms);
            params.bandwidth_bytes_per_s =
                link.bandwidth_bytes_per_s.value_or(params.bandwidth_bytes_per_s);
        }
    }
    return params;
}

const NodeSpec* Scenario::find_node(const std::string& node_name) const {
    for (const auto& node : nodes) {
        if (node.name == node_name) return &node;
    }
    return nullptr;
}

std::optional<Scenario> load_scenario_text(const std::string& text, const std::string& source_name,
                                           const LoadContext& ctx, std::string* error) {
    json root;
    try {
        DuplicateKeyCheck check;
        root = json::parse(text, [&check](int, json::parse_event_t event, json& parsed) {
            check.on(event, parsed);
            return true;
        });
    } catch (const LoadError& e) {
        if (error) *error = source_name + ": " + e.path + ": " + e.message;
        return std::nullopt;
    } catch (const json::parse_error& e) {
        if (error) {
            auto [line, column] = line_and_column(text, e.byte);
            *error = source_name + ":" + std::to_string(line) + ":" + std::to_string(column) +
                     ": invalid JSON: " + parse_error_reason(e.what());
        }
        return std::nullopt;
    }
    try {
        return Loader(ctx).load(root);
    } catch (const LoadError& e) {
        if (error) *error = source_name + ": " + e.path + ": " + e.message;
        return std::nullopt;
    }
}

std::optional<Scenario> load_scenario_file(const std::string& path, const LoadContext& ctx,
                                           std::string* error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (error) *error = path + ": cannot open the file";
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return load_scenario_text(text.str(), path, ctx, error);
}

namespace {

// Params are text; a value that reads as a canonical integer or boolean is written as
// one, so a saved file looks hand-written. Loading turns it back into the same text.
json param_to_json(const std::string& text) {
    if (text == "true") return true;
    if (text == "false") return false;
    const bool negative = !text.empty() && text[0] == '-';
    const std::string digits = negative ? text.substr(1) : text;
    const bool canonical = !digits.empty() && digits.size() <= 18 &&
                           digits.find_first_not_of("0123456789") == std::string::npos &&
                           (digits == "0" || digits[0] != '0') && !(negative && digits == "0");
    if (canonical) return std::stoll(text);
    return text;
}

}  // namespace

std::string scenario_to_json(const Scenario& s) {
    using ojson = nlohmann::ordered_json;
    ojson root;
    root["name"] = s.name;
    root["title"] = s.title;
    root["chapter"] = s.chapter;
    root["section"] = s.section;
    root["summary"] = s.summary;
    root["seed"] = s.seed;
    root["duration_ms"] = s.duration_ms;

    ojson network;
    network["latency_ms"] = s.network.defaults.latency_ms;
    network["jitter_ms"] = s.network.defaults.jitter_ms;
    network["bandwidth_bytes_per_s"] = s.network.defaults.bandwidth_bytes_per_s;
    network["links"] = ojson::array();
    for (const auto& link : s.network.links) {
        ojson l;
        l["between"] = {link.between[0], link.between[1]};
        if (link.latency_ms) l["latency_ms"] = *link.latency_ms;
        if (link.jitter_ms) l["jitter_ms"] = *link.jitter_ms;
        if (link.bandwidth_bytes_per_s) l["bandwidth_bytes_per_s"] = *link.bandwidth_bytes_per_s;
        network["links"].push_back(std::move(l));
    }
    root["network"] = std::move(network);

    root["nodes"] = ojson::array();
    for (const auto& node : s.nodes) {
        ojson n;
        n["name"] = node.name;
        n["program"] = node.program;
        n["params"] = ojson::object();
        for (const auto& [key, value] : node.params) n["params"][key] = param_to_json(value);
        n["start_ms"] = node.start_ms;
        if (node.position) n["position"] = {(*node.position)[0], (*node.position)[1]};
        root["nodes"].push_back(std::move(n));
    }

    root["faults"] = ojson::array();
    for (const auto& fault : s.faults) {
        ojson f;
        f["at_ms"] = fault.at_ms;
        f["kind"] = std::string(to_string(fault.kind));
        switch (fault.kind) {
            case FaultKind::crash:
            case FaultKind::restart:
                f["node"] = fault.node;
                break;
            case FaultKind::pause:
                f["node"] = fault.node;
                break;
            case FaultKind::slow:
                f["node"] = fault.node;
                f["delay_ms"] = fault.delay_ms;
                break;
            case FaultKind::partition:
                f["between"] = {fault.between[0], fault.between[1]};
                f["one_way"] = fault.one_way;
                break;
            case FaultKind::clog:
            case FaultKind::reset:
                f["between"] = {fault.between[0], fault.between[1]};
                break;
        }
        if (fault.duration_ms) f["duration_ms"] = *fault.duration_ms;
        root["faults"].push_back(std::move(f));
    }

    root["expectations"] = ojson::array();
    for (const auto& e : s.expectations) {
        ojson x;
        x["kind"] = std::string(to_string(e.kind));
        if (!e.node.empty()) x["node"] = e.node;
        if (!e.from.empty()) x["from"] = e.from;
        if (!e.to.empty()) x["to"] = e.to;
        if (!e.reason.empty()) x["reason"] = e.reason;
        if (!e.text.empty()) x["text"] = e.text;
        if (!e.name.empty()) x["name"] = e.name;
        if (e.min) x["min"] = *e.min;
        if (e.max) x["max"] = *e.max;
        root["expectations"].push_back(std::move(x));
    }

    root["narration"] = ojson::array();
    for (const auto& line : s.narration) {
        ojson n;
        if (line.at_ms) n["at_ms"] = *line.at_ms;
        if (line.on) {
            ojson on;
            on["kind"] = std::string(to_string(line.on->kind));
            if (!line.on->node.empty()) on["node"] = line.on->node;
            if (!line.on->peer.empty()) on["peer"] = line.on->peer;
            if (!line.on->detail_contains.empty()) {
                on["detail_contains"] = line.on->detail_contains;
            }
            n["on"] = std::move(on);
            n["once"] = line.once;
        }
        n["text"] = line.text;
        root["narration"].push_back(std::move(n));
    }
    return root.dump(2) + "\n";
}

}  // namespace sculpin::sim
