#include "gui/view_model/flights.hpp"

#include <algorithm>
#include <iterator>
#include <map>

#include "sim/scheduler.hpp"

namespace sculpin::gui {

using sim::TraceKind;

FlightSet build_flights(const sim::Scenario& scenario, const std::vector<sim::TraceEvent>& events) {
    FlightSet set;
    struct Sent {
        size_t event;
        int64_t copies_open;  // 1 + forks - finished
    };
    // One copy's way over one connection: keyed by (message, receiving node).
    struct Hop {
        int64_t encoded_ns = -1, arrived_ns = -1;
    };
    std::map<uint64_t, Sent> sent;
    std::map<std::pair<uint64_t, std::string>, Hop> hops;
    std::map<std::pair<std::string, int>, std::string> socket_type;
    auto latency_ns = [&](const std::string& from, const std::string& to) {
        return scenario.network.link_between(from, to).latency_ms * sim::kNsPerMs;
    };
    auto make = [&](const sim::TraceEvent& send) {
        Flight f;
        f.message = send.message;
        f.from = send.node;
        f.from_socket = send.socket;
        auto it = socket_type.find({send.node, send.socket});
        if (it != socket_type.end()) f.socket_type = it->second;
        f.send_ns = send.time_ns;
        f.depart_ns = send.time_ns;
        f.preview = send.detail;
        f.bytes = send.value;
        return f;
    };
    // Fills depart/arrive from the hop, if the trace had one; erases it.
    auto take_hop = [&](Flight& f, std::map<std::pair<uint64_t, std::string>, Hop>::iterator hop) {
        if (hop->second.encoded_ns >= 0) f.depart_ns = std::max(f.send_ns, hop->second.encoded_ns);
        if (hop->second.arrived_ns >= 0)
            f.arrive_ns = std::max(f.depart_ns, hop->second.arrived_ns);
        hops.erase(hop);
    };
    for (size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        switch (e.kind) {
            case TraceKind::socket_open:
                socket_type[{e.node, e.socket}] = e.detail;
                break;
            case TraceKind::send:
                if (e.message) sent[e.message] = {i, 1};
                break;
            case TraceKind::fork: {
                auto it = sent.find(e.message);
                if (it != sent.end()) it->second.copies_open += e.value;
                break;
            }
            case TraceKind::encoded:
                if (sent.count(e.message)) hops[{e.message, e.peer}].encoded_ns = e.time_ns;
                break;
            case TraceKind::arrived:
                if (sent.count(e.message)) hops[{e.message, e.node}].arrived_ns = e.time_ns;
                break;
            case TraceKind::deliver:
            case TraceKind::drop: {
                auto it = sent.find(e.message);
                if (it == sent.end()) break;
                const auto& send = events[it->second.event];
                Flight f = make(send);
                f.to = e.node;
                f.end_ns = e.time_ns;
                // A copy lost with its connection names no node: it was on its way to the
                // peer of its first open hop.
                auto hop = hops.end();
                if (f.to.empty()) {
                    hop = hops.lower_bound({e.message, ""});
                    if (hop != hops.end() && hop->first.first == e.message) {
                        f.to = hop->first.second;
                    } else {
                        hop = hops.end();
                        f.to = f.from;  // never left the sender
                    }
                } else {
                    hop = hops.find({e.message, f.to});
                }
                if (e.kind == TraceKind::drop) {
                    f.dropped = true;
                    f.reason = e.detail;
                    set.drops.push_back({e.time_ns, f.to, e.detail, e.message});
                }
                if (f.to == f.from) {
                    f.depart_ns = f.end_ns;  // never left the sender
                } else if (hop != hops.end()) {
                    take_hop(f, hop);
                    if (f.depart_ns > f.end_ns) f.depart_ns = f.end_ns;
                    if (f.arrive_ns > f.end_ns) f.arrive_ns = f.end_ns;
                } else {
                    f.depart_ns =
                        std::clamp(f.end_ns - latency_ns(f.from, f.to), f.send_ns, f.end_ns);
                    f.arrive_ns = f.end_ns;
                }
                set.flights.push_back(std::move(f));
                if (--it->second.copies_open <= 0) sent.erase(it);
                break;
            }
            default:
                break;
        }
    }
    // Copies still held when the trace ends: on their way (if they left) or queued at the
    // sender for good.
    for (const auto& [id, s] : sent) {
        int64_t copies = s.copies_open;
        for (auto hop = hops.lower_bound({id, ""});
             copies > 0 && hop != hops.end() && hop->first.first == id;) {
            Flight f = make(events[s.event]);
            f.to = hop->first.second;
            auto next = std::next(hop);
            take_hop(f, hop);
            hop = next;
            set.flights.push_back(std::move(f));
            --copies;
        }
        for (; copies > 0; --copies) set.flights.push_back(make(events[s.event]));
    }
    std::stable_sort(set.flights.begin(), set.flights.end(),
                     [](const Flight& a, const Flight& b) { return a.send_ns < b.send_ns; });
    return set;
}

FlightPosition flight_position(const Flight& flight, int64_t time_ns) {
    if (time_ns < flight.send_ns) return {FlightPhase::before, 0};
    if (time_ns >= flight.end_ns) return {FlightPhase::done, 1};
    if (flight.to.empty() || flight.to == flight.from || time_ns < flight.depart_ns)
        return {FlightPhase::queued, 0};
    if (time_ns >= flight.arrive_ns) return {FlightPhase::arrived, 1};
    // Arrival unknown (the run ended first): assume the move takes one latency's worth of
    // the remaining span; in practice this is the last instants of the run.
    const int64_t until = flight.arrive_ns == kNever ? flight.end_ns : flight.arrive_ns;
    if (until == kNever) return {FlightPhase::moving, 0.5};
    const double span = static_cast<double>(until - flight.depart_ns);
    const double f = span <= 0 ? 1.0 : static_cast<double>(time_ns - flight.depart_ns) / span;
    return {FlightPhase::moving, std::clamp(f, 0.0, 1.0)};
}

std::array<double, 2> lerp(std::array<double, 2> a, std::array<double, 2> b, double f) {
    return {a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f};
}

std::vector<size_t> visible_flights(const FlightSet& set, int64_t time_ns) {
    std::vector<size_t> out;
    for (size_t i = 0; i < set.flights.size(); ++i) {
        const auto& f = set.flights[i];
        if (f.send_ns > time_ns) break;  // sorted by send time
        const auto p = flight_position(f, time_ns);
        if (p.phase != FlightPhase::before && p.phase != FlightPhase::done) out.push_back(i);
    }
    return out;
}

}  // namespace sculpin::gui
