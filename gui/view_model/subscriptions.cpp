#include "gui/view_model/subscriptions.hpp"

#include <iterator>

namespace sculpin::gui {

std::string host_of(const std::string& peer) {
    std::string host = peer;
    if (const size_t scheme = host.find("://"); scheme != std::string::npos)
        host = host.substr(scheme + 3);
    if (const size_t colon = host.rfind(':'); colon != std::string::npos) host.resize(colon);
    return host;
}

namespace {

void apply(SubscriptionMap& map, const sim::TraceEvent& e) {
    auto forget_node = [&map](const std::string& node) {
        for (auto it = map.begin(); it != map.end();)
            it =
                it->first.first == node || it->first.second == node ? map.erase(it) : std::next(it);
    };
    switch (e.kind) {
        case sim::TraceKind::subscribed: {
            const std::string subscriber = host_of(e.peer);
            const bool subscribe = e.detail.rfind("subscribe ", 0) == 0;
            const std::string topic = e.detail.substr(e.detail.find(' ') + 1);
            auto& topics = map[{e.node, subscriber}];
            if (subscribe) {
                topics.insert(topic);
            } else {
                topics.erase(topic);
                if (topics.empty()) map.erase({e.node, subscriber});
            }
            break;
        }
        case sim::TraceKind::disconnected: {
            const std::string peer = host_of(e.peer);
            map.erase({e.node, peer});
            map.erase({peer, e.node});
            break;
        }
        case sim::TraceKind::node_crash:
        case sim::TraceKind::node_start:
            forget_node(e.node);
            break;
        default:
            break;
    }
}

}  // namespace

SubscriptionMap subscriptions_at(const std::vector<sim::TraceEvent>& events, int64_t time_ns) {
    SubscriptionTracker tracker;
    return tracker.at(events, time_ns);
}

void SubscriptionTracker::reset() {
    map_.clear();
    next_ = 0;
    time_ns_ = -1;
}

const SubscriptionMap& SubscriptionTracker::at(const std::vector<sim::TraceEvent>& events,
                                               int64_t time_ns) {
    if (time_ns < time_ns_ || next_ > events.size()) reset();
    time_ns_ = time_ns;
    while (next_ < events.size() && events[next_].time_ns <= time_ns) apply(map_, events[next_++]);
    return map_;
}

std::string topics_label(const std::set<std::string>& topics, size_t max_chars) {
    std::string out;
    size_t shown = 0;
    for (const auto& t : topics) {
        const std::string name = t == "\"\"" ? "all" : t;
        const std::string part = (shown ? ", " : "") + name;
        if (shown > 0 && out.size() + part.size() > max_chars) break;
        out += part;
        ++shown;
    }
    if (shown < topics.size()) out += " +" + std::to_string(topics.size() - shown) + " more";
    return out;
}

}  // namespace sculpin::gui
