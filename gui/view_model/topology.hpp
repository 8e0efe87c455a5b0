// The picture's skeleton: which nodes exist, where they are, and which links join them.
// Links come from the scenario's endpoints (a node naming tcp://other:port in a parameter
// will connect to `other`) and from the trace's connected/handshake events, so a link is
// drawn before it is up and every link that ever came up is drawn. Plain data, no GL.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/scenario.hpp"
#include "sim/trace.hpp"

namespace sculpin::gui {

struct TopoNode {
    std::string name;
    std::string program;
    std::array<double, 2> pos{0, 0};  // world coordinates
    bool placed = false;              // true when the scenario gave the position
};

struct TopoLink {
    std::string a, b;  // a < b
    std::string endpoint;
};

struct Topology {
    std::vector<TopoNode> nodes;
    std::vector<TopoLink> links;

    int node_index(const std::string& name) const;                     // -1 if absent
    int link_index(const std::string& a, const std::string& b) const;  // either order

    // Lookup tables (the canvas asks about thousands of messages per frame); build_topology
    // fills them; call reindex() after adding nodes or links by hand.
    void reindex();
    std::unordered_map<std::string, int> node_lookup;
    std::map<std::pair<std::string, std::string>, int> link_lookup;
};

Topology build_topology(const sim::Scenario& scenario, const std::vector<sim::TraceEvent>& events);

// The state of a link at a virtual time, from the trace (connection) and the scenario's
// fault plan (partition, clog).
struct LinkState {
    bool connected = false;   // a stream is up between the two nodes
    bool handshaken = false;  // and ZMTP greeted both ways
    bool partitioned = false;
    bool clogged = false;
    // Why the last stream between them went down ("heartbeat timeout: ..."), while none
    // is up; "" otherwise.
    std::string down_reason;
};
LinkState link_state(const sim::Scenario& scenario, const std::vector<sim::TraceEvent>& events,
                     const TopoLink& link, int64_t time_ns);

// Socket types each node opened by `time_ns`, in socket-id order ("REQ", "REP", ...).
struct SocketBadge {
    int socket = 0;
    std::string type;
    std::string role;  // "bind", "connect" or ""
    bool closed = false;
    // REQ/REP/DEALER... lockstep state from the trace: "awaiting reply" (REQ sent, no reply
    // yet), "must reply" (REP received, not answered yet), else "".
    std::string state;
};
std::vector<SocketBadge> socket_badges(const std::vector<sim::TraceEvent>& events,
                                       const std::string& node, int64_t time_ns);

// The same for every node and every link at once, in one pass over the trace (what the
// canvas uses each frame: per-item scans would cost nodes x events).
std::vector<std::vector<SocketBadge>> all_socket_badges(const Topology& topo,
                                                        const std::vector<sim::TraceEvent>& events,
                                                        int64_t time_ns);
std::vector<LinkState> all_link_states(const sim::Scenario& scenario, const Topology& topo,
                                       const std::vector<sim::TraceEvent>& events, int64_t time_ns);

// The same states, folded forward over the trace for the canvas: each frame applies only
// the events that are new since the last one (going back starts again), so a frame costs
// what happened since the previous frame, not the whole run so far.
class TraceFold {
public:
    // Brings the state to the first `count` events. `topo` must be the one of the previous
    // calls since reset().
    void advance(const Topology& topo, const std::vector<sim::TraceEvent>& events, size_t count);
    void reset();

    std::vector<std::vector<SocketBadge>> badges() const;  // as all_socket_badges
    // As all_link_states at time_ns (the fault plan part is read at that time).
    std::vector<LinkState> link_states(const sim::Scenario& scenario, const Topology& topo,
                                       int64_t time_ns) const;
    // The last deliver at each node (an index into the events; -1: none), drops there.
    int64_t last_delivered(size_t node) const { return last_in_[node]; }
    int drops_at(size_t node) const { return dropped_[node]; }

private:
    size_t next_ = 0;
    bool sized_ = false;
    std::vector<std::map<int, SocketBadge>> badges_;
    std::vector<std::vector<size_t>> links_of_node_;
    std::vector<int> up_, greeted_;
    std::vector<std::string> reason_;
    std::vector<int64_t> last_in_;
    std::vector<int> dropped_;
};

}  // namespace sculpin::gui
