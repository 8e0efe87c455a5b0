#include "gui/view_model/flights.hpp"

#include <algorithm>
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
    std::map<uint64_t, Sent> sent;
    std::map<std::pair<std::string, int>, std::string> socket_type;
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
            case TraceKind::deliver:
            case TraceKind::drop: {
                auto it = sent.find(e.message);
                if (it == sent.end()) break;
                const auto& send = events[it->second.event];
                Flight f = make(send);
                f.to = e.node;
                f.end_ns = e.time_ns;
                if (e.kind == TraceKind::drop) {
                    f.dropped = true;
                    f.reason = e.detail;
                    set.drops.push_back({e.time_ns, e.node, e.detail, e.message});
                }
                if (f.to == f.from) {
                    f.depart_ns = f.end_ns;  // never left the sender
                } else {
                    const int64_t latency =
                        scenario.network.link_between(f.from, f.to).latency_ms * sim::kNsPerMs;
                    f.depart_ns = std::clamp(f.end_ns - latency, f.send_ns, f.end_ns);
                }
                set.flights.push_back(std::move(f));
                if (--it->second.copies_open <= 0) sent.erase(it);
                break;
            }
            default:
                break;
        }
    }
    // Copies still held when the trace ends: queued at the sender for good.
    for (const auto& [id, s] : sent) {
        for (int64_t c = 0; c < s.copies_open; ++c) set.flights.push_back(make(events[s.event]));
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
    const double span = static_cast<double>(flight.end_ns - flight.depart_ns);
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
        if (p.phase == FlightPhase::queued || p.phase == FlightPhase::moving) out.push_back(i);
    }
    return out;
}

}  // namespace sculpin::gui
