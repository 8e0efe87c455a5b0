// The simulated network: hosts are node names, and a tcp connection is a pair of byte
// streams carrying exactly the bytes a kernel would carry (greeting, handshake, frames,
// heartbeats). Each direction has latency, jitter and bandwidth, and a bounded window
// (the kernel's socket buffers), so a reader that stops reading stalls the writer.
//
// Faults act on directions between two hosts: a held direction (partition, clog)
// delivers nothing until released, then everything in order; a reset kills every
// connection between the two hosts (both ends see ECONNRESET after the latency).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "sim/scheduler.hpp"
#include "transport/byte_stream.hpp"

namespace sculpin::sim {

struct LinkConfig {
    TimeNs latency_ns = 100'000;                    // one way
    TimeNs jitter_ns = 0;                           // uniform extra delay in [0, jitter]
    int64_t bandwidth_bytes_per_s = 1'250'000'000;  // 10 Gbit/s
};

class SimConnection;

// One end of a simulated tcp connection, as a StreamSession sees it.
class SimStream final : public ByteStream {
public:
    SimStream(std::shared_ptr<SimConnection> connection, int side);
    ~SimStream() override;  // closes this side (FIN) unless reset

    IoResult read(std::span<uint8_t> into) override;
    IoResult write(const wire::OutputSlice* slices, size_t count) override;
    void message_encoded(uint64_t trace_id, size_t unwritten_bytes) override;
    uint64_t message_decoded() override;

    // Readiness callbacks (edge: called when bytes/EOF arrive, when window opens).
    void set_callbacks(std::function<void()> on_readable, std::function<void()> on_writable);
    // Abortive close: the peer sees ECONNRESET (crash, link reset). Messages lost with
    // the connection are dropped with `reason`.
    void reset(const std::string& reason);
    const std::string& local_host() const;
    const std::string& remote_host() const;
    uint64_t connection_id() const;

private:
    std::shared_ptr<SimConnection> connection_;
    int side_;
};

class SimNetwork {
public:
    // Told about every message that a dying connection takes with it.
    using LostMessageFn = std::function<void(uint64_t trace_id, const std::string& reason)>;
    // Told about every byte segment delivered (the trace's "wire" events).
    using WireFn =
        std::function<void(const std::string& from, const std::string& to, size_t bytes)>;
    // Told when a message leaves its sender's queue for the wire (arrived = false) and when
    // its last byte reaches the receiver (arrived = true): the trace's encoded/arrived
    // events, which let a viewer draw each message on the link and then at the receiver.
    using MessageMovedFn = std::function<void(bool arrived, const std::string& from,
                                              const std::string& to, uint64_t trace_id)>;
    using AcceptFn = std::function<void(std::unique_ptr<SimStream> stream)>;
    using ConnectFn = std::function<void(std::unique_ptr<SimStream> stream, int error)>;

    static constexpr size_t kWindowBytes = 256 * 1024;  // per direction: kernel buffers

    SimNetwork(Scheduler& scheduler, Rng rng);

    void set_default_link(LinkConfig config) { default_link_ = config; }
    void set_link(const std::string& a, const std::string& b, LinkConfig config);
    LinkConfig link(const std::string& from, const std::string& to) const;
    void on_lost_message(LostMessageFn fn) { lost_ = std::move(fn); }
    void on_wire(WireFn fn) { wire_ = std::move(fn); }
    void on_message_moved(MessageMovedFn fn) { moved_ = std::move(fn); }

    // false when host:port is taken.
    bool listen(const std::string& host, int port, AcceptFn accept);
    void unlisten(const std::string& host, int port);
    bool listening(const std::string& host, int port) const;
    // Asynchronous, like a kernel connect: after a round trip the callback gets a stream,
    // or ECONNREFUSED (nobody listening, or a partition in the way).
    void connect(const std::string& from, const std::string& to, int port, ConnectFn done);

    // Faults on the direction from -> to.
    void hold(const std::string& from, const std::string& to);
    void release(const std::string& from, const std::string& to);
    bool held(const std::string& from, const std::string& to) const;
    // A partition also refuses new connections across it.
    void set_partitioned(const std::string& a, const std::string& b, bool one_way, bool on);
    bool partitioned(const std::string& from, const std::string& to) const;
    // Resets every connection between a and b (either direction).
    void reset_between(const std::string& a, const std::string& b);
    // The host is gone: its listeners vanish and its connections reset.
    void host_down(const std::string& host);

    Scheduler& scheduler() noexcept { return scheduler_; }
    size_t messages_on_wire() const;
    size_t connection_count() const { return connections_.size(); }
    uint64_t random_draws() const noexcept { return rng_.draws(); }

private:
    friend class SimConnection;
    friend class SimStream;
    void forget(uint64_t connection_id) { connections_.erase(connection_id); }
    void report_lost(uint64_t trace_id, const std::string& reason) {
        if (lost_ && trace_id != 0) lost_(trace_id, reason);
    }
    void report_moved(bool arrived, const std::string& from, const std::string& to,
                      uint64_t trace_id) {
        if (moved_) moved_(arrived, from, to, trace_id);
    }

    Scheduler& scheduler_;
    Rng rng_;
    LinkConfig default_link_;
    std::map<std::pair<std::string, std::string>, LinkConfig> links_;
    std::map<std::pair<std::string, int>, AcceptFn> listeners_;
    std::set<std::pair<std::string, std::string>> held_;
    std::set<std::pair<std::string, std::string>> partitioned_;
    std::map<uint64_t, std::weak_ptr<SimConnection>> connections_;
    uint64_t next_connection_id_ = 1;
    LostMessageFn lost_;
    WireFn wire_;
    MessageMovedFn moved_;
};

}  // namespace sculpin::sim
