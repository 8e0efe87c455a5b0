#include "patterns/peering_checker.hpp"

#include "patterns/peering.hpp"

#include <map>
#include <sstream>
#include <string>

namespace sculpin::patterns {

namespace {

using sim::ExpectationResult;
using sim::NodeSpec;
using sim::Scenario;
using sim::TraceEvent;
using sim::TraceKind;

constexpr int64_t kNsPerMs = 1'000'000;

std::string param(const NodeSpec& node, const std::string& key, const std::string& fallback) {
    auto it = node.params.find(key);
    return it == node.params.end() ? fallback : it->second;
}

// "what: rest" -> rest, for a mark; "" (and false) otherwise.
bool split_mark(const TraceEvent& e, const std::string& what, std::string* rest) {
    if (e.kind != TraceKind::mark) return false;
    const std::string prefix = what + ": ";
    if (e.detail.rfind(prefix, 0) != 0) return false;
    *rest = e.detail.substr(prefix.size());
    return true;
}

ExpectationResult fail(std::string detail) {
    return {"", false, std::move(detail)};
}

}  // namespace

ExpectationResult check_peering_state(const Scenario& scenario,
                                      const std::vector<TraceEvent>& events) {
    // broker name -> its self name, and (broker, peer) -> last heard capacity.
    std::map<std::string, std::string> self_of;
    std::map<std::string, std::string> node_of_self;
    for (const auto& node : scenario.nodes) {
        if (node.program != "peering-broker") continue;
        self_of[node.name] = param(node, "self", node.name);
        node_of_self[self_of[node.name]] = node.name;
    }
    if (self_of.size() < 2) return fail("fewer than two peering brokers");
    std::map<std::string, std::string> published;                      // node -> last capacity
    std::map<std::pair<std::string, std::string>, std::string> heard;  // (node, peer) -> capacity
    for (const auto& e : events) {
        if (self_of.count(e.node) == 0) continue;
        std::string rest;
        if (split_mark(e, "capacity", &rest)) published[e.node] = rest;
        if (split_mark(e, "state", &rest)) {
            const size_t eq = rest.find('=');
            if (eq != std::string::npos) heard[{e.node, rest.substr(0, eq)}] = rest.substr(eq + 1);
        }
    }
    std::string summary;
    for (const auto& node : scenario.nodes) {
        if (node.program != "peering-broker") continue;
        for (const std::string& peer : split_list(param(node, "peers", ""))) {
            auto peer_node = node_of_self.find(peer);
            if (peer_node == node_of_self.end())
                return fail(node.name + " names a peer \"" + peer + "\" that no broker is");
            auto said = published.find(peer_node->second);
            if (said == published.end()) return fail(peer + " never published its capacity");
            auto got = heard.find({node.name, peer});
            if (got == heard.end())
                return fail(node.name + " never heard " + peer + "'s state (it published " +
                            said->second + ")");
            if (got->second != said->second)
                return fail(node.name + " last heard " + peer + " has " + got->second +
                            " free, but " + peer + " last published " + said->second);
        }
        if (!summary.empty()) summary += ", ";
        summary += self_of[node.name] + " " + published[node.name];
    }
    return {"", true, "every broker agrees on every peer's free workers (" + summary + ")"};
}

ExpectationResult check_peering_answers(const Scenario& scenario,
                                        const std::vector<TraceEvent>& events) {
    std::map<std::string, std::string> waiting;  // client -> task id it waits for
    std::map<std::string, bool> is_client;
    std::map<std::string, bool> is_broker;
    for (const auto& node : scenario.nodes) {
        if (node.program == "peering-client") is_client[node.name] = true;
        if (node.program == "peering-broker") is_broker[node.name] = true;
    }
    if (is_client.empty()) return fail("no peering clients");
    size_t requests = 0;
    size_t answered = 0;
    size_t through_cloud = 0;
    for (const auto& e : events) {
        std::string task;
        if (is_broker.count(e.node) != 0 && split_mark(e, "cloud", &task)) ++through_cloud;
        if (is_client.count(e.node) == 0) continue;
        if (e.kind == TraceKind::node_crash || e.kind == TraceKind::node_start) {
            waiting.erase(e.node);
        } else if (split_mark(e, "request", &task)) {
            if (waiting.count(e.node) != 0)
                return fail(e.node + " sent task " + task + " while " + waiting[e.node] +
                            " still had no reply");
            waiting[e.node] = task;
            ++requests;
        } else if (split_mark(e, "reply", &task)) {
            if (waiting.count(e.node) == 0 || waiting[e.node] != task)
                return fail(e.node + " took a reply for task " + task + " it was not waiting for");
            waiting.erase(e.node);
            ++answered;
        } else if (split_mark(e, "lost", &task)) {
            return fail(e.node + " lost task " + task + ": no reply within its timeout (t=" +
                        std::to_string(e.time_ns / kNsPerMs) + " ms); " + std::to_string(answered) +
                        " of " + std::to_string(requests) + " requests answered");
        }
    }
    for (const auto& [client, task] : waiting)
        return fail(client + " is still waiting for task " + task + " at the end");
    if (requests == 0) return fail("the clients sent no requests");
    return {"", true,
            std::to_string(requests) + " requests from " + std::to_string(is_client.size()) +
                " clients, all answered; " + std::to_string(through_cloud) +
                " went through the cloud"};
}

}  // namespace sculpin::patterns
