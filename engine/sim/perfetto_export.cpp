#include "sim/perfetto_export.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

namespace sculpin::sim {

namespace {

using Json = nlohmann::ordered_json;

// The slice every message event sits on lasts this long, unless the next slice on the
// same thread starts sooner (see slice_duration_ns).
constexpr int64_t kSliceNs = 1000;

double to_us(int64_t time_ns) {
    return static_cast<double>(time_ns) / 1000.0;
}

bool is_message_event(const TraceEvent& event) {
    switch (event.kind) {
        case TraceKind::send:
        case TraceKind::deliver:
        case TraceKind::drop:
        case TraceKind::fork:
            return event.message != 0;
        default:
            return false;
    }
}

bool is_instant_event(TraceKind kind) {
    switch (kind) {
        case TraceKind::send:
        case TraceKind::deliver:
        case TraceKind::fork:
        case TraceKind::wire:
            return false;
        default:
            return true;
    }
}

std::string message_label(const TraceEvent& event) {
    const std::string id = "#" + std::to_string(event.message);
    switch (event.kind) {
        case TraceKind::send:
            return "send " + id;
        case TraceKind::deliver:
            return "deliver " + id;
        case TraceKind::drop:
            return "drop " + id + " (" + event.detail + ")";
        case TraceKind::fork:
            return "fork " + id + " +" + std::to_string(event.value);
        default:
            return std::string(to_string(event.kind)) + " " + id;
    }
}

std::string with_text(std::string_view what, const std::string& text) {
    return text.empty() ? std::string(what) : std::string(what) + " " + text;
}

std::string instant_label(const TraceEvent& event) {
    switch (event.kind) {
        case TraceKind::node_start:
            return with_text("start", event.detail);
        case TraceKind::node_exit:
            return event.detail.empty() ? "exit" : "exit: " + event.detail;
        case TraceKind::node_crash:
            return "crash";
        case TraceKind::node_pause:
            return "pause";
        case TraceKind::node_resume:
            return "resume";
        case TraceKind::socket_open:
            return with_text("open", event.detail);
        case TraceKind::socket_close:
            return "close";
        case TraceKind::bind:
            return with_text("bind", event.peer);
        case TraceKind::connect:
            return with_text("connect", event.peer);
        case TraceKind::connected:
            return with_text("connected", event.peer);
        case TraceKind::handshake:
            return with_text("handshake", event.peer);
        case TraceKind::disconnected:
            return with_text("disconnected", event.peer);
        case TraceKind::subscribed:
            return with_text("subscribed", event.peer);
        case TraceKind::drop:
            return message_label(event);
        case TraceKind::fault_begin:
            return with_text("fault:", event.detail);
        case TraceKind::fault_end:
            return with_text("fault end:", event.detail);
        case TraceKind::log:
        case TraceKind::mark:
            return event.detail;
        default:
            return std::string(to_string(event.kind));
    }
}

// The fields of a trace event worth showing in the UI's details panel.
Json event_args(const TraceEvent& event) {
    Json args = Json::object();
    args["kind"] = std::string(to_string(event.kind));
    if (event.message != 0) args["msg"] = event.message;
    if (!event.peer.empty()) args["peer"] = event.peer;
    if (!event.detail.empty()) args["detail"] = event.detail;
    if (event.value != 0) args["value"] = event.value;
    return args;
}

struct Track {
    int pid = 0;
    int tid = 0;
    auto operator<=>(const Track&) const = default;
};

// All message events of one thread at one instant share one slice, so that slices on a
// thread never overlap (overlapping complete slices are malformed in this format).
struct SliceGroup {
    Track track;
    int64_t time_ns = 0;
    int64_t duration_ns = kSliceNs;
    std::vector<size_t> events;  // indices into the trace
};

class Exporter {
public:
    explicit Exporter(const std::vector<TraceEvent>& events) : events_(events) {}

    std::string run() {
        assign_tracks();
        build_slice_groups();
        std::vector<Json> out;
        emit_metadata(out);
        // Slices and flows first, instants after: at equal timestamps the importer keeps
        // file order for non-slice events, and a flow must bind to the message slice, not
        // to a zero-length instant that happens to share its timestamp.
        emit_slices_and_flows(out);
        emit_instants_and_faults(out);

        std::string text = "{\"traceEvents\":[\n";
        for (size_t i = 0; i < out.size(); ++i) {
            // replace: a frame preview with invalid UTF-8 must not abort the export.
            text += out[i].dump(-1, ' ', false, Json::error_handler_t::replace);
            text += i + 1 < out.size() ? ",\n" : "\n";
        }
        text += "],\"displayTimeUnit\":\"ns\"}\n";
        return text;
    }

private:
    struct Process {
        int pid = 0;
        std::string name;
    };

    int pid_of(const std::string& node) {
        const auto [it, inserted] = pids_.try_emplace(node, 0);
        if (inserted) {
            it->second = static_cast<int>(processes_.size()) + 1;  // pid 0 is the idle process
            processes_.push_back({it->second, node.empty() ? "network" : node});
        }
        return it->second;
    }

    Track track_of(const TraceEvent& event) {
        const Track track{pid_of(event.node), event.socket != 0 ? event.socket : kPerfettoNodeTid};
        if (thread_names_.find(track) == thread_names_.end()) {
            std::string name = track.tid == kPerfettoNodeTid
                                   ? (event.node.empty() ? "network" : "node")
                                   : "socket " + std::to_string(track.tid);
            threads_.push_back(track);
            thread_names_.emplace(track, std::move(name));
        }
        // The first socket_open names the thread; a socket id reused after a restart keeps
        // the name it got first.
        if (event.kind == TraceKind::socket_open && track.tid != kPerfettoNodeTid &&
            named_sockets_.insert(track).second && !event.detail.empty()) {
            thread_names_[track] =
                "socket " + std::to_string(track.tid) + " (" + event.detail + ")";
        }
        return track;
    }

    void assign_tracks() {
        tracks_.reserve(events_.size());
        for (const TraceEvent& event : events_) {
            if (event.kind == TraceKind::wire) {
                tracks_.push_back({});
                continue;
            }
            tracks_.push_back(track_of(event));
        }
    }

    void build_slice_groups() {
        std::map<std::tuple<int, int, int64_t>, size_t> group_at;
        std::map<Track, std::vector<size_t>> groups_by_track;
        for (size_t i = 0; i < events_.size(); ++i) {
            const TraceEvent& event = events_[i];
            if (!is_message_event(event)) continue;
            const Track track = tracks_[i];
            const auto key = std::make_tuple(track.pid, track.tid, event.time_ns);
            auto [it, inserted] = group_at.try_emplace(key, groups_.size());
            if (inserted) {
                groups_.push_back({track, event.time_ns, kSliceNs, {}});
                groups_by_track[track].push_back(it->second);
            }
            groups_[it->second].events.push_back(i);
        }
        for (auto& [track, indices] : groups_by_track) {
            std::stable_sort(indices.begin(), indices.end(), [&](size_t a, size_t b) {
                return groups_[a].time_ns < groups_[b].time_ns;
            });
            for (size_t k = 0; k + 1 < indices.size(); ++k) {
                const int64_t gap_ns =
                    groups_[indices[k + 1]].time_ns - groups_[indices[k]].time_ns;
                // One ns short of the next slice: the importer truncates µs * 1000 to whole
                // ns, which can move a start 1 ns early, and touching slices would then
                // overlap.
                groups_[indices[k]].duration_ns = std::clamp<int64_t>(gap_ns - 1, 0, kSliceNs);
            }
        }
    }

    void emit_metadata(std::vector<Json>& out) const {
        for (const Process& process : processes_) {
            out.push_back(Json{{"name", "process_name"},
                               {"ph", "M"},
                               {"pid", process.pid},
                               {"tid", kPerfettoNodeTid},
                               {"args", {{"name", process.name}}}});
            out.push_back(Json{{"name", "process_sort_index"},
                               {"ph", "M"},
                               {"pid", process.pid},
                               {"tid", kPerfettoNodeTid},
                               {"args", {{"sort_index", process.pid}}}});
        }
        for (const Track& track : threads_) {
            out.push_back(Json{{"name", "thread_name"},
                               {"ph", "M"},
                               {"pid", track.pid},
                               {"tid", track.tid},
                               {"args", {{"name", thread_names_.at(track)}}}});
            // The node thread first, then sockets in id order.
            out.push_back(
                Json{{"name", "thread_sort_index"},
                     {"ph", "M"},
                     {"pid", track.pid},
                     {"tid", track.tid},
                     {"args", {{"sort_index", track.tid == kPerfettoNodeTid ? -1 : track.tid}}}});
        }
    }

    static Json flow_event(char phase, uint64_t message, double ts_us, const Track& track) {
        Json flow{{"name", "msg #" + std::to_string(message)},
                  {"cat", "msg"},
                  {"ph", std::string(1, phase)},
                  {"id", message},
                  {"ts", ts_us},
                  {"pid", track.pid},
                  {"tid", track.tid}};
        // "e": bind to the enclosing slice (the deliver/drop slice) rather than the next one.
        if (phase == 'f') flow["bp"] = "e";
        return flow;
    }

    void emit_slices_and_flows(std::vector<Json>& out) const {
        std::set<uint64_t> sent;  // messages whose "s" has been emitted
        for (size_t g = 0; g < groups_.size(); ++g) {
            const SliceGroup& group = groups_[g];
            std::string name;
            Json what = Json::array();
            constexpr size_t kNamedEvents = 3;
            for (size_t k = 0; k < group.events.size(); ++k) {
                const TraceEvent& event = events_[group.events[k]];
                if (k < kNamedEvents) name += (k == 0 ? "" : ", ") + message_label(event);
                what.push_back(event_args(event));
            }
            if (group.events.size() > kNamedEvents) {
                name += " +" + std::to_string(group.events.size() - kNamedEvents) + " more";
            }
            const double ts_us = to_us(group.time_ns);
            out.push_back(Json{{"name", name},
                               {"cat", "msg"},
                               {"ph", "X"},
                               {"ts", ts_us},
                               {"dur", to_us(group.duration_ns)},
                               {"pid", group.track.pid},
                               {"tid", group.track.tid},
                               {"args", {{"events", std::move(what)}}}});
            // Flow points sit at the slice's start, the one instant it surely encloses.
            for (const size_t index : group.events) {
                const TraceEvent& event = events_[index];
                if (event.kind == TraceKind::send && sent.insert(event.message).second) {
                    out.push_back(flow_event('s', event.message, ts_us, group.track));
                } else if ((event.kind == TraceKind::deliver || event.kind == TraceKind::drop) &&
                           sent.count(event.message) != 0) {
                    out.push_back(flow_event('f', event.message, ts_us, group.track));
                }
            }
        }
    }

    void emit_instants_and_faults(std::vector<Json>& out) const {
        struct OpenFault {
            std::string node;
            std::string peer;
            std::string name;
            int async_id = 0;
            Track track;
        };
        std::vector<OpenFault> open_faults;  // in begin order: an end closes the oldest match
        int next_fault_id = 1;
        for (size_t i = 0; i < events_.size(); ++i) {
            const TraceEvent& event = events_[i];
            if (!is_instant_event(event.kind)) continue;
            const Track track = tracks_[i];
            const double ts_us = to_us(event.time_ns);
            if (event.kind == TraceKind::fault_begin) {
                OpenFault fault{event.node, event.peer, instant_label(event), next_fault_id++,
                                track};
                out.push_back(Json{{"name", fault.name},
                                   {"cat", "fault"},
                                   {"ph", "b"},
                                   {"id", fault.async_id},
                                   {"ts", ts_us},
                                   {"pid", track.pid},
                                   {"tid", track.tid},
                                   {"args", event_args(event)}});
                open_faults.push_back(std::move(fault));
            } else if (event.kind == TraceKind::fault_end) {
                const auto match = std::find_if(
                    open_faults.begin(), open_faults.end(), [&](const OpenFault& fault) {
                        return fault.node == event.node && fault.peer == event.peer;
                    });
                if (match != open_faults.end()) {
                    // Same name, cat and id as the begin: that is what pairs them.
                    out.push_back(Json{{"name", match->name},
                                       {"cat", "fault"},
                                       {"ph", "e"},
                                       {"id", match->async_id},
                                       {"ts", ts_us},
                                       {"pid", match->track.pid},
                                       {"tid", match->track.tid},
                                       {"args", event_args(event)}});
                    open_faults.erase(match);
                }
            }
            out.push_back(Json{{"name", instant_label(event)},
                               {"cat", std::string(to_string(event.kind))},
                               {"ph", "i"},
                               {"s", "t"},
                               {"ts", ts_us},
                               {"pid", track.pid},
                               {"tid", track.tid},
                               {"args", event_args(event)}});
        }
    }

    const std::vector<TraceEvent>& events_;
    std::map<std::string, int> pids_;
    std::vector<Process> processes_;             // in pid order
    std::vector<Track> threads_;                 // in order of first appearance
    std::map<Track, std::string> thread_names_;  // ordered: nothing here reaches output order
    std::set<Track> named_sockets_;
    std::vector<Track> tracks_;  // per event
    std::vector<SliceGroup> groups_;
};

}  // namespace

std::string perfetto_trace_json(const std::vector<TraceEvent>& events) {
    return Exporter(events).run();
}

bool write_perfetto_trace(const std::vector<TraceEvent>& events, const std::string& path,
                          std::string* error) {
    const std::string text = perfetto_trace_json(events);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out.good()) {
        if (error != nullptr) *error = path + ": cannot write the Perfetto trace";
        return false;
    }
    return true;
}

}  // namespace sculpin::sim
