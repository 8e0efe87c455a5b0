#include "sim/sim_network.hpp"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>

namespace sculpin::sim {

// Both directions of one simulated tcp connection. Side 0 connected, side 1 accepted.
class SimConnection : public std::enable_shared_from_this<SimConnection> {
public:
    // A segment's bytes are not kept in the segment: they wait in its direction's buffer,
    // so that sending one allocates nothing once the buffer has grown to its working size.
    struct Segment {
        TimeNs arrive_at_ns = 0;
        size_t size_bytes = 0;
        bool fin = false;
        bool rst = false;
    };
    // Bytes travelling from side `s` to side `1 - s`.
    struct Direction {
        std::deque<Segment> in_flight;
        // Everything written and not yet read, in order: [read_offset, arrived_end) has
        // arrived and can be read; [arrived_end, end) is still in flight.
        std::vector<uint8_t> bytes;
        size_t read_offset = 0;
        size_t arrived_end = 0;
        size_t window_used_bytes = 0;
        TimeNs link_free_at_ns = 0;
        TimeNs last_arrival_ns = 0;
        bool fin_arrived = false;
        bool rst_arrived = false;
        bool closed_by_writer = false;
        bool writer_blocked = false;
        EventId delivery_event = 0;
        std::deque<uint64_t> message_ids;
        // Where each traced message ends in the byte stream, so that its arrival can be
        // told when that byte arrives: totals since the connection opened.
        uint64_t written_bytes = 0;
        uint64_t arrived_bytes = 0;
        struct Ending {
            uint64_t end_offset;
            uint64_t trace_id;
        };
        std::deque<Ending> awaiting_arrival;
    };

    SimConnection(SimNetwork& network, uint64_t id, std::string client, std::string server)
        : network_(network), id_(id), hosts_{std::move(client), std::move(server)} {}

    uint64_t id() const noexcept { return id_; }
    const std::string& host(int side) const { return hosts_[side]; }

    IoResult read(int side, std::span<uint8_t> into) {
        Direction& d = dir_[1 - side];  // what the peer sent us
        if (d.rst_arrived) return {0, ECONNRESET};
        const size_t available = d.arrived_end - d.read_offset;
        if (available == 0) return {0, d.fin_arrived ? 0 : EAGAIN};
        const size_t n = std::min(available, into.size());
        std::memcpy(into.data(), d.bytes.data() + d.read_offset, n);
        d.read_offset += n;
        compact(d);
        assert(d.window_used_bytes >= n);
        d.window_used_bytes -= n;
        if (d.writer_blocked && alive_[1 - side]) {
            d.writer_blocked = false;
            if (on_writable_[1 - side]) on_writable_[1 - side]();
        }
        return {n, 0};
    }

    IoResult write(int side, const wire::OutputSlice* slices, size_t count) {
        Direction& d = dir_[side];
        if (reset_[side] || dir_[1 - side].rst_arrived) return {0, ECONNRESET};
        if (d.closed_by_writer) return {0, EPIPE};
        const size_t space = SimNetwork::kWindowBytes - d.window_used_bytes;
        if (space == 0) {
            d.writer_blocked = true;
            return {0, EAGAIN};
        }
        Segment segment;
        for (size_t i = 0; i < count && segment.size_bytes < space; ++i) {
            const size_t take = std::min(slices[i].size_bytes, space - segment.size_bytes);
            d.bytes.insert(d.bytes.end(), slices[i].data, slices[i].data + take);
            segment.size_bytes += take;
        }
        const size_t n = segment.size_bytes;
        d.window_used_bytes += n;
        d.written_bytes += n;
        send_segment(side, segment);
        return {n, 0};
    }

    void close_side(int side) {
        // Our side is gone: what we were sent is never read, and the messages in it are
        // lost; what we sent still arrives, followed by FIN (or RST after a reset).
        if (!alive_[side]) return;
        alive_[side] = false;
        on_readable_[side] = nullptr;
        on_writable_[side] = nullptr;
        Direction& incoming = dir_[1 - side];
        for (uint64_t trace_id : incoming.message_ids) network_.report_lost(trace_id, lost_reason_);
        incoming.message_ids.clear();
        incoming.awaiting_arrival.clear();
        if (!reset_[side] && !dir_[side].closed_by_writer) {
            dir_[side].closed_by_writer = true;
            Segment fin;
            fin.fin = true;
            send_segment(side, fin);
        }
        if (!alive_[0] && !alive_[1]) network_.forget(id_);
    }

    void reset_side(int side, const std::string& reason) {
        if (reset_[side] || !alive_[side]) return;
        reset_[side] = true;
        if (!reason.empty()) lost_reason_ = reason;
        // Nothing we queued will be delivered after the RST; the RST itself travels.
        Direction& outgoing = dir_[side];
        outgoing.closed_by_writer = true;
        Segment rst;
        rst.rst = true;
        send_segment(side, rst);
    }

    void set_callbacks(int side, std::function<void()> readable, std::function<void()> writable) {
        on_readable_[side] = std::move(readable);
        on_writable_[side] = std::move(writable);
    }

    void message_encoded(int side, uint64_t trace_id, size_t unwritten_bytes) {
        // A message written towards a side that is already gone is lost as it is sent
        // (a kernel would take the bytes and the peer's RST would follow).
        if (!alive_[1 - side]) {
            network_.report_lost(trace_id, "disconnected");
            return;
        }
        Direction& d = dir_[side];
        d.message_ids.push_back(trace_id);
        if (trace_id == 0) return;
        d.awaiting_arrival.push_back({d.written_bytes + unwritten_bytes, trace_id});
        network_.report_moved(false, hosts_[side], hosts_[1 - side], trace_id);
    }
    uint64_t message_decoded(int side) {
        Direction& d = dir_[1 - side];
        if (d.message_ids.empty()) return 0;
        const uint64_t id = d.message_ids.front();
        d.message_ids.pop_front();
        return id;
    }
    size_t messages_on_wire() const {
        size_t count = 0;
        for (const Direction& d : dir_)
            count += static_cast<size_t>(std::count_if(d.message_ids.begin(), d.message_ids.end(),
                                                       [](uint64_t id) { return id != 0; }));
        return count;
    }

    // Re-arms delivery after a held direction is released.
    void kick(int side) { schedule_delivery(side); }

private:
    // Drops the bytes already read from the front of the buffer: always when nothing is
    // left, otherwise once they are the larger part (the window bounds the rest).
    static void compact(Direction& d) {
        if (d.read_offset == d.bytes.size()) {
            d.bytes.clear();
            d.read_offset = 0;
            d.arrived_end = 0;
        } else if (d.read_offset >= 64 * 1024 && d.read_offset * 2 >= d.bytes.size()) {
            d.bytes.erase(d.bytes.begin(), d.bytes.begin() + static_cast<ptrdiff_t>(d.read_offset));
            d.arrived_end -= d.read_offset;
            d.read_offset = 0;
        }
    }

    void send_segment(int side, Segment segment) {
        Direction& d = dir_[side];
        Scheduler& clock = network_.scheduler();
        const LinkConfig link = network_.link(hosts_[side], hosts_[1 - side]);
        const TimeNs now = clock.now();
        const TimeNs transmit_ns = link.bandwidth_bytes_per_s > 0
                                       ? static_cast<TimeNs>(segment.size_bytes) * kNsPerSecond /
                                             link.bandwidth_bytes_per_s
                                       : 0;
        const TimeNs departs = std::max(now, d.link_free_at_ns) + transmit_ns;
        d.link_free_at_ns = departs;
        TimeNs jitter = 0;
        if (link.jitter_ns > 0) jitter = network_.rng_.between(0, link.jitter_ns);
        // TCP delivers in order: jitter never lets a segment overtake an earlier one.
        segment.arrive_at_ns = std::max(departs + link.latency_ns + jitter, d.last_arrival_ns);
        d.last_arrival_ns = segment.arrive_at_ns;
        d.in_flight.push_back(segment);
        schedule_delivery(side);
    }

    void schedule_delivery(int side) {
        Direction& d = dir_[side];
        if (d.delivery_event != 0 || d.in_flight.empty()) return;
        Scheduler& clock = network_.scheduler();
        const TimeNs at = std::max(clock.now(), d.in_flight.front().arrive_at_ns);
        std::weak_ptr<SimConnection> weak = weak_from_this();
        d.delivery_event = clock.at(at, [weak, side] {
            if (auto self = weak.lock()) self->deliver(side);
        });
    }

    void deliver(int side) {
        Direction& d = dir_[side];
        d.delivery_event = 0;
        const int receiver = 1 - side;
        if (network_.held(hosts_[side], hosts_[receiver])) return;  // release() kicks us
        const TimeNs now = network_.scheduler().now();
        size_t bytes = 0;
        bool news = false;
        while (!d.in_flight.empty() && d.in_flight.front().arrive_at_ns <= now) {
            const Segment& segment = d.in_flight.front();
            if (segment.rst) {
                // Nothing follows an RST (the writer closed), and nothing before it that
                // was not read yet will be.
                d.rst_arrived = true;
                d.awaiting_arrival.clear();
                d.bytes.clear();
                d.read_offset = 0;
                d.arrived_end = 0;
                d.window_used_bytes = 0;
            } else if (segment.fin) {
                d.fin_arrived = true;
            } else if (alive_[receiver] && !d.rst_arrived) {
                bytes += segment.size_bytes;
                d.arrived_end += segment.size_bytes;
                d.arrived_bytes += segment.size_bytes;
                // Bounded by the messages written on this connection.
                while (!d.awaiting_arrival.empty() &&
                       d.awaiting_arrival.front().end_offset <= d.arrived_bytes) {
                    network_.report_moved(true, hosts_[side], hosts_[receiver],
                                          d.awaiting_arrival.front().trace_id);
                    d.awaiting_arrival.pop_front();
                }
            } else {
                // Nobody will read these: out of the buffer and out of the window.
                const auto first = d.bytes.begin() + static_cast<ptrdiff_t>(d.arrived_end);
                d.bytes.erase(first, first + static_cast<ptrdiff_t>(segment.size_bytes));
                d.window_used_bytes -= segment.size_bytes;
            }
            news = true;
            d.in_flight.pop_front();
        }
        if (bytes > 0 && network_.wire_) network_.wire_(hosts_[side], hosts_[receiver], bytes);
        if (news && alive_[receiver] && on_readable_[receiver]) on_readable_[receiver]();
        // The writer learns of a reset from the receiver's RST, which we model as
        // immediate on its next write (see write()).
        schedule_delivery(side);
    }

    SimNetwork& network_;
    uint64_t id_;
    std::string hosts_[2];
    Direction dir_[2];
    bool alive_[2] = {true, true};
    bool reset_[2] = {false, false};
    std::function<void()> on_readable_[2];
    std::function<void()> on_writable_[2];
    std::string lost_reason_ = "disconnected";
};

// --- SimStream ---------------------------------------------------------------------------

SimStream::SimStream(std::shared_ptr<SimConnection> connection, int side)
    : connection_(std::move(connection)), side_(side) {}

SimStream::~SimStream() {
    connection_->close_side(side_);
}

IoResult SimStream::read(std::span<uint8_t> into) {
    return connection_->read(side_, into);
}
IoResult SimStream::write(const wire::OutputSlice* slices, size_t count) {
    return connection_->write(side_, slices, count);
}
void SimStream::message_encoded(uint64_t trace_id, size_t unwritten_bytes) {
    connection_->message_encoded(side_, trace_id, unwritten_bytes);
}
uint64_t SimStream::message_decoded() {
    return connection_->message_decoded(side_);
}
void SimStream::set_callbacks(std::function<void()> on_readable,
                              std::function<void()> on_writable) {
    connection_->set_callbacks(side_, std::move(on_readable), std::move(on_writable));
}
void SimStream::reset(const std::string& reason) {
    connection_->reset_side(side_, reason);
}
const std::string& SimStream::local_host() const {
    return connection_->host(side_);
}
const std::string& SimStream::remote_host() const {
    return connection_->host(1 - side_);
}
uint64_t SimStream::connection_id() const {
    return connection_->id();
}

// --- SimNetwork ----------------------------------------------------------------------------

SimNetwork::SimNetwork(Scheduler& scheduler, Rng rng) : scheduler_(scheduler), rng_(rng) {}

void SimNetwork::set_link(const std::string& a, const std::string& b, LinkConfig config) {
    links_[{a, b}] = config;
    links_[{b, a}] = config;
}

LinkConfig SimNetwork::link(const std::string& from, const std::string& to) const {
    // Asked once per segment: without per-pair links, skip building the (from, to) key.
    if (links_.empty()) return default_link_;
    auto it = links_.find({from, to});
    return it == links_.end() ? default_link_ : it->second;
}

bool SimNetwork::listen(const std::string& host, int port, AcceptFn accept) {
    return listeners_.emplace(std::make_pair(host, port), std::move(accept)).second;
}

void SimNetwork::unlisten(const std::string& host, int port) {
    listeners_.erase({host, port});
}

bool SimNetwork::listening(const std::string& host, int port) const {
    return listeners_.count({host, port}) != 0;
}

void SimNetwork::connect(const std::string& from, const std::string& to, int port, ConnectFn done) {
    const TimeNs there = link(from, to).latency_ns;
    const TimeNs back = link(to, from).latency_ns;
    // The SYN travels; what it finds decides the outcome one round trip later.
    scheduler_.after(there, [this, from, to, port, back, done = std::move(done)]() mutable {
        auto it = listeners_.find({to, port});
        if (it == listeners_.end() || partitioned(from, to) || partitioned(to, from)) {
            scheduler_.after(back, [done = std::move(done)] { done(nullptr, ECONNREFUSED); });
            return;
        }
        const uint64_t id = next_connection_id_++;
        auto connection = std::make_shared<SimConnection>(*this, id, from, to);
        connections_[id] = connection;
        it->second(std::make_unique<SimStream>(connection, 1));
        scheduler_.after(back, [connection, done = std::move(done)] {
            done(std::make_unique<SimStream>(connection, 0), 0);
        });
    });
}

void SimNetwork::hold(const std::string& from, const std::string& to) {
    held_.insert({from, to});
}

void SimNetwork::release(const std::string& from, const std::string& to) {
    if (held_.erase({from, to}) == 0 || partitioned_.count({from, to}) != 0) return;
    for (auto& [id, weak] : connections_) {
        auto connection = weak.lock();
        if (!connection) continue;
        for (int side = 0; side < 2; ++side)
            if (connection->host(side) == from && connection->host(1 - side) == to)
                connection->kick(side);
    }
}

bool SimNetwork::held(const std::string& from, const std::string& to) const {
    // Asked once per delivery: with no fault in force, skip building the (from, to) key.
    if (held_.empty() && partitioned_.empty()) return false;
    return held_.count({from, to}) != 0 || partitioned_.count({from, to}) != 0;
}

void SimNetwork::set_partitioned(const std::string& a, const std::string& b, bool one_way,
                                 bool on) {
    std::vector<std::pair<std::string, std::string>> directions{{a, b}};
    if (!one_way) directions.push_back({b, a});
    for (const auto& [from, to] : directions) {
        if (on) {
            partitioned_.insert({from, to});
        } else {
            partitioned_.erase({from, to});
            // Release what queued up during the partition (unless still clogged).
            if (held_.count({from, to}) == 0) {
                held_.insert({from, to});
                release(from, to);
            }
        }
    }
}

bool SimNetwork::partitioned(const std::string& from, const std::string& to) const {
    return partitioned_.count({from, to}) != 0;
}

void SimNetwork::reset_between(const std::string& a, const std::string& b) {
    std::vector<std::shared_ptr<SimConnection>> victims;
    for (auto& [id, weak] : connections_) {
        auto connection = weak.lock();
        if (!connection) continue;
        if ((connection->host(0) == a && connection->host(1) == b) ||
            (connection->host(0) == b && connection->host(1) == a))
            victims.push_back(connection);
    }
    for (auto& connection : victims) {
        connection->reset_side(0, "reset");
        connection->reset_side(1, "reset");
    }
}

void SimNetwork::host_down(const std::string& host) {
    for (auto it = listeners_.begin(); it != listeners_.end();) {
        if (it->first.first == host) {
            it = listeners_.erase(it);
        } else {
            ++it;
        }
    }
    std::vector<std::pair<std::shared_ptr<SimConnection>, int>> victims;
    for (auto& [id, weak] : connections_) {
        auto connection = weak.lock();
        if (!connection) continue;
        for (int side = 0; side < 2; ++side)
            if (connection->host(side) == host) victims.push_back({connection, side});
    }
    for (auto& [connection, side] : victims) connection->reset_side(side, "crash");
}

size_t SimNetwork::messages_on_wire() const {
    size_t count = 0;
    for (const auto& [id, weak] : connections_)
        if (auto connection = weak.lock()) count += connection->messages_on_wire();
    return count;
}

}  // namespace sculpin::sim
