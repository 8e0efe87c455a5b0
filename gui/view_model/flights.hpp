// Messages in motion, from the trace alone: each copy a program sent becomes a flight from
// the sending node to the node where it was delivered (or dropped). A flight waits at the
// sender while it is queued, moves along the link from the moment its session encoded it
// (the trace's "encoded") until its last byte arrived ("arrived"), then waits in the
// receiver's queue until a program takes it. Traces without encoded/arrived events
// (inproc, or recorded elsewhere) fall back to one link latency of movement before the
// delivery. Drops are marks at the node where they happened, with their reason.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/scenario.hpp"
#include "sim/trace.hpp"

namespace sculpin::gui {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

struct Flight {
    uint64_t message = 0;
    std::string from, to;  // to: "" while the copy is still held at the end of the trace
    int from_socket = 0;
    std::string socket_type;  // the sender's socket type ("REQ"), for the colour
    int64_t send_ns = 0;
    int64_t depart_ns = 0;       // leaves the sender's queue
    int64_t arrive_ns = kNever;  // reaches the receiver's queue (kNever: not in the run)
    int64_t end_ns = kNever;     // delivered or dropped
    bool dropped = false;
    std::string reason;   // drop reason
    std::string preview;  // frames, as the trace shows them
    int64_t bytes = 0;
};

struct DropMark {
    int64_t time_ns = 0;
    std::string node;
    std::string reason;
    uint64_t message = 0;
};

struct FlightSet {
    std::vector<Flight> flights;  // by send time
    std::vector<DropMark> drops;  // by time
};

FlightSet build_flights(const sim::Scenario& scenario, const std::vector<sim::TraceEvent>& events);

// Where a flight is at `time_ns`: not yet sent, queued at the sender, moving (with the
// fraction 0..1 of the way), waiting in the receiver's queue, or taken (done).
enum class FlightPhase { before, queued, moving, arrived, done };
struct FlightPosition {
    FlightPhase phase = FlightPhase::before;
    double fraction = 0;  // moving: 0 at the sender, 1 at the receiver
};
FlightPosition flight_position(const Flight& flight, int64_t time_ns);

std::array<double, 2> lerp(std::array<double, 2> a, std::array<double, 2> b, double f);

// Indices of the flights visible at time_ns (queued, moving or arrived), in flight order.
std::vector<size_t> visible_flights(const FlightSet& set, int64_t time_ns);

}  // namespace sculpin::gui
