#include "gui/view_model/fault_recording.hpp"

#include <algorithm>

namespace sculpin::gui {

using sim::FaultKind;
using sim::FaultSpec;

std::string_view to_string(FaultAction action) {
    switch (action) {
        case FaultAction::crash:
            return "crash";
        case FaultAction::restart:
            return "restart";
        case FaultAction::pause:
            return "pause";
        case FaultAction::resume:
            return "resume";
        case FaultAction::slow:
            return "slow";
        case FaultAction::unslow:
            return "unslow";
        case FaultAction::partition:
            return "partition";
        case FaultAction::heal:
            return "heal";
        case FaultAction::clog:
            return "clog";
        case FaultAction::unclog:
            return "unclog";
        case FaultAction::reset:
            return "reset";
    }
    return "?";
}

namespace {

bool same_pair(const std::array<std::string, 2>& between, const std::string& a,
               const std::string& b) {
    return (between[0] == a && between[1] == b) || (between[0] == b && between[1] == a);
}

bool targets(const FaultSpec& f, FaultKind kind, const std::string& node, const std::string& a,
             const std::string& b) {
    if (f.kind != kind) return false;
    if (kind == FaultKind::partition || kind == FaultKind::clog || kind == FaultKind::reset)
        return same_pair(f.between, a, b);
    return f.node == node;
}

bool open_at(const FaultSpec& f, int64_t at_ms) {
    return f.at_ms <= at_ms && (!f.duration_ms || at_ms < f.at_ms + *f.duration_ms);
}

FaultSpec* find_open(sim::Scenario& s, FaultKind kind, const std::string& node,
                     const std::string& a, const std::string& b, int64_t at_ms) {
    for (auto it = s.faults.rbegin(); it != s.faults.rend(); ++it)
        if (targets(*it, kind, node, a, b) && open_at(*it, at_ms)) return &*it;
    return nullptr;
}

std::string close_open(sim::Scenario& s, FaultKind kind, const FaultCommand& c) {
    FaultSpec* open = find_open(s, kind, c.node, c.a, c.b, c.at_ms);
    if (!open) return std::string("no ") + std::string(sim::to_string(kind)) + " is in effect now";
    open->duration_ms = std::max<int64_t>(1, c.at_ms - open->at_ms);
    return "";
}

}  // namespace

bool fault_open(const sim::Scenario& scenario, FaultKind kind, const std::string& node,
                const std::string& a, const std::string& b, int64_t at_ms) {
    for (const auto& f : scenario.faults)
        if (targets(f, kind, node, a, b) && open_at(f, at_ms)) return true;
    return false;
}

std::string record_fault(sim::Scenario& s, const FaultCommand& c) {
    if (c.at_ms < 0 || c.at_ms > s.duration_ms) return "the time is outside the run";
    const bool link_action = c.action == FaultAction::partition || c.action == FaultAction::heal ||
                             c.action == FaultAction::clog || c.action == FaultAction::unclog ||
                             c.action == FaultAction::reset;
    if (link_action) {
        if (!s.find_node(c.a) || !s.find_node(c.b) || c.a == c.b) return "unknown link";
    } else if (!s.find_node(c.node)) {
        return "unknown node " + c.node;
    }
    FaultSpec f;
    f.at_ms = c.at_ms;
    f.node = link_action ? "" : c.node;
    if (link_action) f.between = {c.a, c.b};
    switch (c.action) {
        case FaultAction::crash:
            f.kind = FaultKind::crash;
            break;
        case FaultAction::restart:
            f.kind = FaultKind::restart;
            break;
        case FaultAction::pause:
            if (fault_open(s, FaultKind::pause, c.node, "", "", c.at_ms))
                return c.node + " is paused already";
            f.kind = FaultKind::pause;
            break;
        case FaultAction::resume:
            return close_open(s, FaultKind::pause, c);
        case FaultAction::slow:
            if (c.slow_delay_ms <= 0) return "slow needs a positive delay";
            if (fault_open(s, FaultKind::slow, c.node, "", "", c.at_ms))
                return c.node + " is slow already";
            f.kind = FaultKind::slow;
            f.delay_ms = c.slow_delay_ms;
            break;
        case FaultAction::unslow:
            return close_open(s, FaultKind::slow, c);
        case FaultAction::partition:
            if (fault_open(s, FaultKind::partition, "", c.a, c.b, c.at_ms))
                return "the link is cut already";
            f.kind = FaultKind::partition;
            break;
        case FaultAction::heal:
            return close_open(s, FaultKind::partition, c);
        case FaultAction::clog:
            if (fault_open(s, FaultKind::clog, "", c.a, c.b, c.at_ms))
                return "the link is clogged already";
            f.kind = FaultKind::clog;
            break;
        case FaultAction::unclog:
            return close_open(s, FaultKind::clog, c);
        case FaultAction::reset:
            f.kind = FaultKind::reset;
            break;
    }
    // Keep the plan in time order (stable: equal times keep the order they were made in).
    auto pos = std::upper_bound(s.faults.begin(), s.faults.end(), f.at_ms,
                                [](int64_t at, const FaultSpec& g) { return at < g.at_ms; });
    s.faults.insert(pos, f);
    return "";
}

std::vector<FaultInterval> fault_intervals(const sim::Scenario& scenario) {
    std::vector<FaultInterval> out;
    for (const auto& f : scenario.faults) {
        FaultInterval iv;
        iv.begin_ms = f.at_ms;
        const bool instant = f.kind == FaultKind::crash || f.kind == FaultKind::restart ||
                             f.kind == FaultKind::reset;
        iv.end_ms =
            instant ? f.at_ms : (f.duration_ms ? f.at_ms + *f.duration_ms : scenario.duration_ms);
        iv.kind = f.kind;
        iv.label = std::string(sim::to_string(f.kind)) + " " +
                   (f.node.empty() ? f.between[0] + "-" + f.between[1] : f.node);
        out.push_back(iv);
    }
    return out;
}

}  // namespace sculpin::gui
