#include "patterns/pubsub_checkers.hpp"

#include <cstdio>
#include <map>
#include <optional>
#include <string>

namespace sculpin::patterns {

namespace {

using sim::ExpectationResult;
using sim::NodeSpec;
using sim::Scenario;
using sim::TraceEvent;
using sim::TraceKind;

constexpr int64_t kNsPerMs = 1'000'000;

std::vector<const NodeSpec*> nodes_running(const Scenario& scenario, const std::string& program) {
    std::vector<const NodeSpec*> out;
    for (const auto& node : scenario.nodes)
        if (node.program == program) out.push_back(&node);
    return out;
}

// The host of "tcp://host:port" in a node's parameter, or "" if there is none.
std::string param_host(const NodeSpec& node, const std::string& key, const std::string& fallback) {
    auto it = node.params.find(key);
    const std::string endpoint = it == node.params.end() ? fallback : it->second;
    const std::string scheme = "tcp://";
    if (endpoint.rfind(scheme, 0) != 0) return "";
    const size_t colon = endpoint.find(':', scheme.size());
    return endpoint.substr(scheme.size(),
                           colon == std::string::npos ? std::string::npos : colon - scheme.size());
}

std::string at_ms(int64_t time_ns) {
    char text[32];
    std::snprintf(text, sizeof text, "t=%lld ms", static_cast<long long>(time_ns / kNsPerMs));
    return text;
}

ExpectationResult fail(std::string detail) {
    return {"", false, std::move(detail)};
}

// A mark's text after "what: ", or nullopt if the event is not that mark.
std::optional<std::string> mark_detail(const TraceEvent& e, const std::string& node,
                                       const std::string& what) {
    if (e.kind != TraceKind::mark || e.node != node) return std::nullopt;
    const std::string prefix = what + ": ";
    if (e.detail.rfind(prefix, 0) != 0) return std::nullopt;
    return e.detail.substr(prefix.size());
}

}  // namespace

ExpectationResult check_espresso_capture(const Scenario& scenario,
                                         const std::vector<TraceEvent>& events) {
    const auto proxies = nodes_running(scenario, "espresso-proxy");
    const auto listeners = nodes_running(scenario, "espresso-listener");
    if (proxies.empty()) return fail("no espresso-proxy in the scenario");
    std::string summary;
    for (const NodeSpec* proxy : proxies) {
        const NodeSpec* listener = nullptr;
        for (const NodeSpec* candidate : listeners)
            if (param_host(*candidate, "connect", "tcp://proxy:6002") == proxy->name)
                listener = candidate;
        if (listener == nullptr)
            return fail("no espresso-listener on " + proxy->name + "'s capture");

        // What the proxy forwarded, either way, as it marks each message; subscriptions
        // going up start with 0x00 or 0x01.
        std::vector<const TraceEvent*> forwarded;
        std::vector<std::string> forwarded_text;
        std::vector<const TraceEvent*> captured;
        size_t upstream = 0;
        for (const auto& e : events) {
            if (auto text = mark_detail(e, proxy->name, "forward")) {
                forwarded.push_back(&e);
                forwarded_text.push_back(*text);
                if (text->rfind("0x00", 0) == 0 || text->rfind("0x01", 0) == 0) ++upstream;
            }
            if (e.node == listener->name && e.kind == TraceKind::deliver) captured.push_back(&e);
        }
        if (forwarded.empty()) return fail(proxy->name + " forwarded nothing");
        size_t matching = 0;
        while (matching < forwarded.size() && matching < captured.size() &&
               forwarded_text[matching] == captured[matching]->detail) {
            ++matching;
        }
        if (matching != forwarded.size() || captured.size() != forwarded.size()) {
            std::string detail = listener->name + " saw " + std::to_string(captured.size()) +
                                 " of the " + std::to_string(forwarded.size()) + " messages " +
                                 proxy->name + " forwarded";
            if (matching < forwarded.size()) {
                detail += "; first missing: \"" + forwarded_text[matching] + "\" forwarded at " +
                          at_ms(forwarded[matching]->time_ns);
            }
            return fail(detail);
        }
        if (!summary.empty()) summary += "; ";
        summary += listener->name + " saw all " + std::to_string(forwarded.size()) + " messages " +
                   proxy->name + " forwarded (" + std::to_string(upstream) + " subscriptions up, " +
                   std::to_string(forwarded.size() - upstream) + " updates down)";
    }
    return {"", true, summary};
}

ExpectationResult check_last_value_cache(const Scenario& scenario,
                                         const std::vector<TraceEvent>& events) {
    std::map<std::string, bool> is_cache;
    for (const NodeSpec* cache : nodes_running(scenario, "lvcache")) is_cache[cache->name] = true;
    std::map<std::string, bool> is_publisher;
    for (const NodeSpec* pub : nodes_running(scenario, "pathopub")) is_publisher[pub->name] = true;

    size_t checked = 0;
    std::string summary;
    for (const NodeSpec* sub : nodes_running(scenario, "pathosub")) {
        if (!is_cache[param_host(*sub, "connect", "tcp://lvc:5558")]) continue;
        // The topic and when it subscribed; then what the publisher had last sent on that
        // topic by then, and the subscriber's first update.
        std::string topic;
        int64_t subscribed_ns = -1;
        std::string last_value;  // "topic|value" as the trace shows it
        int64_t last_value_ns = -1;
        const TraceEvent* first = nullptr;
        for (const auto& e : events) {
            if (auto mark = mark_detail(e, sub->name, "subscribed")) {
                topic = *mark;
                subscribed_ns = e.time_ns;
                break;
            }
        }
        for (const auto& e : events) {
            if (subscribed_ns < 0) break;
            if (e.kind == TraceKind::send && is_publisher[e.node] && e.time_ns <= subscribed_ns &&
                e.detail.rfind(topic + "|", 0) == 0) {
                last_value = e.detail;
                last_value_ns = e.time_ns;
            }
            if (e.kind == TraceKind::deliver && e.node == sub->name && e.time_ns >= subscribed_ns) {
                first = &e;
                break;
            }
        }
        if (subscribed_ns < 0) return fail(sub->name + " never subscribed");
        if (last_value_ns < 0) {
            // Nothing to cache yet when it subscribed: "at once" does not apply.
            continue;
        }
        ++checked;
        if (first == nullptr) {
            return fail(sub->name + " subscribed to " + topic + " at " + at_ms(subscribed_ns) +
                        " and got nothing; its last value \"" + last_value + "\" was sent at " +
                        at_ms(last_value_ns));
        }
        const int64_t waited_ms = (first->time_ns - subscribed_ns) / kNsPerMs;
        if (waited_ms > kLastValueAtOnceMs) {
            return fail(sub->name + " subscribed to " + topic + " at " + at_ms(subscribed_ns) +
                        " and waited " + std::to_string(waited_ms) +
                        " ms for its first value (the cache should answer at once)");
        }
        if (first->detail != last_value) {
            return fail(sub->name + "'s first value \"" + first->detail +
                        "\" is not the last one sent before it subscribed, \"" + last_value + "\"");
        }
        if (!summary.empty()) summary += "; ";
        summary += sub->name + " got \"" + last_value + "\" " + std::to_string(waited_ms) +
                   " ms after subscribing";
    }
    if (checked == 0) return fail("no subscriber of a cache joined after its topic had a value");
    return {"", true, summary};
}

ExpectationResult check_black_box_scales(const Scenario& scenario,
                                         const std::vector<TraceEvent>& events) {
    std::map<std::string, bool> is_publisher;
    for (const NodeSpec* pub : nodes_running(scenario, "bb-publisher"))
        is_publisher[pub->name] = true;
    // Which box each worker belongs to: the host its PULL connects to.
    std::map<std::string, std::string> box_of_worker;
    std::map<std::string, size_t> workers_of_box;
    for (const NodeSpec* box : nodes_running(scenario, "bb-subscriber"))
        workers_of_box[box->name] = 0;
    for (const NodeSpec* worker : nodes_running(scenario, "bb-worker")) {
        const std::string box = param_host(*worker, "connect", "tcp://box:5557");
        if (workers_of_box.count(box) == 0) continue;
        box_of_worker[worker->name] = box;
        ++workers_of_box[box];
    }
    if (workers_of_box.size() < 2) return fail("fewer than two black boxes to compare");

    // The feed: from the publisher's first send to its last.
    int64_t feed_start_ns = -1;
    int64_t feed_end_ns = -1;
    size_t feed = 0;
    for (const auto& e : events) {
        if (e.kind != TraceKind::send || !is_publisher[e.node]) continue;
        if (feed_start_ns < 0) feed_start_ns = e.time_ns;
        feed_end_ns = e.time_ns;
        ++feed;
    }
    if (feed == 0) return fail("the publisher sent nothing");
    std::map<std::string, size_t> processed;
    for (const auto& e : events) {
        if (e.kind != TraceKind::deliver || e.time_ns > feed_end_ns) continue;
        auto box = box_of_worker.find(e.node);
        if (box != box_of_worker.end()) ++processed[box->second];
    }
    std::string fewest = workers_of_box.begin()->first;
    std::string most = fewest;
    for (const auto& [box, workers] : workers_of_box) {
        if (workers < workers_of_box[fewest]) fewest = box;
        if (workers > workers_of_box[most]) most = box;
    }
    if (workers_of_box[fewest] == 0 || workers_of_box[fewest] == workers_of_box[most])
        return fail("the boxes need different numbers of workers, at least one each");

    const double seconds = static_cast<double>(feed_end_ns - feed_start_ns) / 1e9;
    auto describe_box = [&](const std::string& box) {
        char text[160];
        std::snprintf(text, sizeof text, "%s (%zu worker%s) processed %zu, %.0f/s", box.c_str(),
                      workers_of_box[box], workers_of_box[box] == 1 ? "" : "s", processed[box],
                      seconds > 0 ? static_cast<double>(processed[box]) / seconds : 0.0);
        return std::string(text);
    };
    const double worker_ratio =
        static_cast<double>(workers_of_box[most]) / static_cast<double>(workers_of_box[fewest]);
    const double wanted = kScalingShare * worker_ratio * static_cast<double>(processed[fewest]);
    const bool scaled = processed[fewest] > 0 && static_cast<double>(processed[most]) >= wanted;
    char ratio[96];
    std::snprintf(
        ratio, sizeof ratio, ": %.1fx the throughput with %.1fx the workers (%.1fx wanted)",
        processed[fewest] > 0
            ? static_cast<double>(processed[most]) / static_cast<double>(processed[fewest])
            : 0.0,
        worker_ratio, kScalingShare * worker_ratio);
    const std::string detail = "of the " + std::to_string(feed) + " messages in the feed, " +
                               describe_box(fewest) + "; " + describe_box(most) + ratio;
    return {"", scaled, detail};
}

}  // namespace sculpin::patterns
