#include "gui/view_model/topology.hpp"

#include <algorithm>
#include <map>

#include "sim/scheduler.hpp"

namespace sculpin::gui {

using sim::TraceEvent;
using sim::TraceKind;

int Topology::node_index(const std::string& name) const {
    if (!node_lookup.empty() && node_lookup.size() == nodes.size()) {
        auto it = node_lookup.find(name);
        return it == node_lookup.end() ? -1 : it->second;
    }
    for (size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].name == name) return static_cast<int>(i);
    return -1;
}

int Topology::link_index(const std::string& a, const std::string& b) const {
    if (!link_lookup.empty() && link_lookup.size() == links.size()) {
        auto it = link_lookup.find(a < b ? std::make_pair(a, b) : std::make_pair(b, a));
        return it == link_lookup.end() ? -1 : it->second;
    }
    for (size_t i = 0; i < links.size(); ++i) {
        const auto& l = links[i];
        if ((l.a == a && l.b == b) || (l.a == b && l.b == a)) return static_cast<int>(i);
    }
    return -1;
}

void Topology::reindex() {
    node_lookup.clear();
    link_lookup.clear();
    for (size_t i = 0; i < nodes.size(); ++i) node_lookup[nodes[i].name] = static_cast<int>(i);
    for (size_t i = 0; i < links.size(); ++i)
        link_lookup[{links[i].a, links[i].b}] = static_cast<int>(i);
}

namespace {

void add_link(Topology& topo, std::string a, std::string b, const std::string& endpoint) {
    if (a == b || topo.node_index(a) < 0 || topo.node_index(b) < 0) return;
    if (topo.link_index(a, b) >= 0) return;
    if (b < a) std::swap(a, b);
    topo.links.push_back({a, b, endpoint});
}

// "tcp://server:5555,tcp://other:1" -> every host that names a node.
void endpoints_in(const std::string& value, std::vector<std::pair<std::string, std::string>>& out) {
    size_t pos = 0;
    while ((pos = value.find("tcp://", pos)) != std::string::npos) {
        const size_t host = pos + 6;
        size_t end = value.find_first_of(":,; /", host);
        if (end == std::string::npos) end = value.size();
        size_t ep_end = value.find_first_of(",; ", host);
        if (ep_end == std::string::npos) ep_end = value.size();
        out.emplace_back(value.substr(host, end - host), value.substr(pos, ep_end - pos));
        pos = end;
    }
}

}  // namespace

Topology build_topology(const sim::Scenario& scenario, const std::vector<TraceEvent>& events) {
    Topology topo;
    for (const auto& spec : scenario.nodes) {
        TopoNode node;
        node.name = spec.name;
        node.program = spec.program;
        if (spec.position) {
            node.pos = *spec.position;
            node.placed = true;
        }
        topo.nodes.push_back(node);
    }
    for (const auto& spec : scenario.nodes) {
        std::vector<std::pair<std::string, std::string>> hosts;
        for (const auto& [key, value] : spec.params) endpoints_in(value, hosts);
        for (const auto& [host, endpoint] : hosts) add_link(topo, spec.name, host, endpoint);
    }
    for (const auto& e : events) {
        if (e.kind == TraceKind::connected || e.kind == TraceKind::handshake)
            add_link(topo, e.node, e.peer, e.kind == TraceKind::connected ? e.detail : "");
    }
    topo.reindex();
    return topo;
}

namespace {
bool same_pair(const std::array<std::string, 2>& between, const TopoLink& link) {
    return (between[0] == link.a && between[1] == link.b) ||
           (between[0] == link.b && between[1] == link.a);
}
}  // namespace

LinkState link_state(const sim::Scenario& scenario, const std::vector<TraceEvent>& events,
                     const TopoLink& link, int64_t time_ns) {
    LinkState state;
    // Per direction: is a stream up? (a->b as seen from a, b->a as seen from b)
    int up = 0, greeted = 0;
    std::string reason;
    for (const auto& e : events) {
        if (e.time_ns > time_ns) break;
        if (e.kind == TraceKind::node_crash && (e.node == link.a || e.node == link.b)) {
            up = greeted = 0;
            continue;
        }
        const bool ours =
            (e.node == link.a && e.peer == link.b) || (e.node == link.b && e.peer == link.a);
        if (!ours) continue;
        if (e.kind == TraceKind::connected) ++up;
        if (e.kind == TraceKind::handshake) ++greeted;
        if (e.kind == TraceKind::disconnected) {
            up = std::max(0, up - 1);
            greeted = std::max(0, greeted - 1);
            reason = e.detail;
        }
    }
    if (up == 0) state.down_reason = reason;
    // A crash tears down without a disconnected event on the dead side: the survivor's
    // event counts once, so "up" means at least one side still sees the stream.
    state.connected = up > 0;
    state.handshaken = greeted > 0;
    for (const auto& f : scenario.faults) {
        if (f.kind != sim::FaultKind::partition && f.kind != sim::FaultKind::clog) continue;
        if (!same_pair(f.between, link)) continue;
        const int64_t begin = f.at_ms * sim::kNsPerMs;
        const int64_t end = f.duration_ms ? begin + *f.duration_ms * sim::kNsPerMs : INT64_MAX;
        if (time_ns < begin || time_ns >= end) continue;
        if (f.kind == sim::FaultKind::partition) state.partitioned = true;
        if (f.kind == sim::FaultKind::clog) state.clogged = true;
    }
    return state;
}

namespace {

void apply_badge_event(std::map<int, SocketBadge>& badges, const TraceEvent& e) {
    switch (e.kind) {
        case TraceKind::node_start:
        case TraceKind::node_crash:
            badges.clear();
            break;
        case TraceKind::socket_open:
            badges[e.socket] = {e.socket, e.detail, "", false, ""};
            break;
        case TraceKind::socket_close:
            if (badges.count(e.socket)) badges[e.socket].closed = true;
            break;
        case TraceKind::send:
            if (badges.count(e.socket)) {
                auto& b = badges[e.socket];
                if (b.type == "REQ") b.state = "awaiting reply";
                if (b.type == "REP") b.state = "";
            }
            break;
        case TraceKind::deliver:
            if (badges.count(e.socket)) {
                auto& b = badges[e.socket];
                if (b.type == "REQ") b.state = "";
                if (b.type == "REP") b.state = "must reply";
            }
            break;
        case TraceKind::bind:
            if (badges.count(e.socket)) badges[e.socket].role = "bind";
            break;
        case TraceKind::connect:
            if (badges.count(e.socket) && badges[e.socket].role.empty())
                badges[e.socket].role = "connect";
            break;
        default:
            break;
    }
}

std::vector<SocketBadge> to_vector(const std::map<int, SocketBadge>& badges) {
    std::vector<SocketBadge> out;
    for (const auto& [id, badge] : badges) out.push_back(badge);
    return out;
}

bool badge_kind(TraceKind k) {
    return k == TraceKind::node_start || k == TraceKind::node_crash ||
           k == TraceKind::socket_open || k == TraceKind::socket_close || k == TraceKind::send ||
           k == TraceKind::deliver || k == TraceKind::bind || k == TraceKind::connect;
}

}  // namespace

std::vector<SocketBadge> socket_badges(const std::vector<TraceEvent>& events,
                                       const std::string& node, int64_t time_ns) {
    std::map<int, SocketBadge> badges;
    for (const auto& e : events) {
        if (e.time_ns > time_ns) break;
        if (e.node == node) apply_badge_event(badges, e);
    }
    return to_vector(badges);
}

std::vector<std::vector<SocketBadge>> all_socket_badges(const Topology& topo,
                                                        const std::vector<TraceEvent>& events,
                                                        int64_t time_ns) {
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < topo.nodes.size(); ++i) index[topo.nodes[i].name] = i;
    std::vector<std::map<int, SocketBadge>> badges(topo.nodes.size());
    for (const auto& e : events) {
        if (e.time_ns > time_ns) break;
        if (!badge_kind(e.kind)) continue;
        auto it = index.find(e.node);
        if (it != index.end()) apply_badge_event(badges[it->second], e);
    }
    std::vector<std::vector<SocketBadge>> out;
    for (const auto& b : badges) out.push_back(to_vector(b));
    return out;
}

std::vector<LinkState> all_link_states(const sim::Scenario& scenario, const Topology& topo,
                                       const std::vector<TraceEvent>& events, int64_t time_ns) {
    std::map<std::pair<std::string, std::string>, size_t> index;
    for (size_t i = 0; i < topo.links.size(); ++i) index[{topo.links[i].a, topo.links[i].b}] = i;
    std::multimap<std::string, size_t> by_node;
    for (size_t i = 0; i < topo.links.size(); ++i) {
        by_node.emplace(topo.links[i].a, i);
        by_node.emplace(topo.links[i].b, i);
    }
    std::vector<int> up(topo.links.size(), 0), greeted(topo.links.size(), 0);
    std::vector<std::string> reason(topo.links.size());
    for (const auto& e : events) {
        if (e.time_ns > time_ns) break;
        if (e.kind == TraceKind::node_crash) {
            auto [lo, hi] = by_node.equal_range(e.node);
            for (auto it = lo; it != hi; ++it) up[it->second] = greeted[it->second] = 0;
            continue;
        }
        if (e.kind != TraceKind::connected && e.kind != TraceKind::handshake &&
            e.kind != TraceKind::disconnected)
            continue;
        auto it = index.find(e.node < e.peer ? std::make_pair(e.node, e.peer)
                                             : std::make_pair(e.peer, e.node));
        if (it == index.end()) continue;
        const size_t i = it->second;
        if (e.kind == TraceKind::connected) ++up[i];
        if (e.kind == TraceKind::handshake) ++greeted[i];
        if (e.kind == TraceKind::disconnected) {
            up[i] = std::max(0, up[i] - 1);
            greeted[i] = std::max(0, greeted[i] - 1);
            reason[i] = e.detail;
        }
    }
    std::vector<LinkState> out(topo.links.size());
    for (size_t i = 0; i < topo.links.size(); ++i) {
        out[i] = link_state(scenario, {}, topo.links[i], time_ns);  // the fault plan part
        out[i].connected = up[i] > 0;
        out[i].handshaken = greeted[i] > 0;
        if (up[i] == 0) out[i].down_reason = reason[i];
    }
    return out;
}

void TraceFold::reset() {
    next_ = 0;
    sized_ = false;
}

void TraceFold::advance(const Topology& topo, const std::vector<TraceEvent>& events, size_t count) {
    count = std::min(count, events.size());
    if (count < next_) reset();
    if (!sized_) {
        const size_t nodes = topo.nodes.size(), links = topo.links.size();
        badges_.assign(nodes, {});
        links_of_node_.assign(nodes, {});
        for (size_t i = 0; i < links; ++i) {
            const int a = topo.node_index(topo.links[i].a), b = topo.node_index(topo.links[i].b);
            if (a >= 0) links_of_node_[static_cast<size_t>(a)].push_back(i);
            if (b >= 0) links_of_node_[static_cast<size_t>(b)].push_back(i);
        }
        up_.assign(links, 0);
        greeted_.assign(links, 0);
        reason_.assign(links, "");
        last_in_.assign(nodes, -1);
        dropped_.assign(nodes, 0);
        sized_ = true;
    }
    for (; next_ < count; ++next_) {
        const TraceEvent& e = events[next_];
        const bool badge = badge_kind(e.kind);
        const bool link = e.kind == TraceKind::node_crash || e.kind == TraceKind::connected ||
                          e.kind == TraceKind::handshake || e.kind == TraceKind::disconnected;
        const bool fate = e.kind == TraceKind::deliver || e.kind == TraceKind::drop;
        if (!badge && !link && !fate) continue;
        const int node = topo.node_index(e.node);
        if (node < 0) continue;
        const auto n = static_cast<size_t>(node);
        if (badge) apply_badge_event(badges_[n], e);
        if (e.kind == TraceKind::deliver) last_in_[n] = static_cast<int64_t>(next_);
        if (e.kind == TraceKind::drop) ++dropped_[n];
        if (e.kind == TraceKind::node_crash) {
            for (size_t i : links_of_node_[n]) up_[i] = greeted_[i] = 0;
        } else if (link) {
            const int li = topo.link_index(e.node, e.peer);
            if (li < 0) continue;
            const auto i = static_cast<size_t>(li);
            if (e.kind == TraceKind::connected) ++up_[i];
            if (e.kind == TraceKind::handshake) ++greeted_[i];
            if (e.kind == TraceKind::disconnected) {
                up_[i] = std::max(0, up_[i] - 1);
                greeted_[i] = std::max(0, greeted_[i] - 1);
                reason_[i] = e.detail;
            }
        }
    }
}

std::vector<std::vector<SocketBadge>> TraceFold::badges() const {
    std::vector<std::vector<SocketBadge>> out;
    out.reserve(badges_.size());
    for (const auto& b : badges_) out.push_back(to_vector(b));
    return out;
}

std::vector<LinkState> TraceFold::link_states(const sim::Scenario& scenario, const Topology& topo,
                                              int64_t time_ns) const {
    std::vector<LinkState> out(topo.links.size());
    for (size_t i = 0; i < topo.links.size() && i < up_.size(); ++i) {
        out[i] = link_state(scenario, {}, topo.links[i], time_ns);  // the fault plan part
        out[i].connected = up_[i] > 0;
        out[i].handshaken = greeted_[i] > 0;
        if (up_[i] == 0) out[i].down_reason = reason_[i];
    }
    return out;
}

}  // namespace sculpin::gui
