// A Pipe joins a socket to one peer: another socket (inproc) or a connection (a ZMTP
// session over tcp/ipc, real or simulated). It is two MessageQueues, one each way, and
// each side holds a PipeEnd. The high-water marks are the queues' capacities.
//
// A PipeEnd never calls its owner directly: when the other side makes progress (a message
// lands in an empty queue, space frees up in a full one, or it closes), the other side
// tells this end's PipeListener. The listener runs on the other side's thread; the
// runtimes turn that into a wake-up of the owner's thread (real) or an event (simulated).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "core/message.hpp"
#include "core/socket_type.hpp"
#include "socket/message_queue.hpp"

namespace sculpin {

class PipeEnd;

class PipeListener {
public:
    virtual ~PipeListener() = default;
    // A message arrived in the empty inbound queue of `end`, or the peer closed.
    virtual void pipe_readable(PipeEnd& end) = 0;
    // The outbound queue of `end`, which had been full, has room again: the reader
    // credited a batch of reads (or the HWM grew).
    virtual void pipe_writable(PipeEnd& end) = 0;
};

// What one end knows about the peer at the other end.
struct PeerInfo {
    SocketType socket_type = SocketType::pair;
    std::string routing_id;  // as announced by the peer (READY Identity); may be empty
    std::string address;     // "127.0.0.1:5555", "inproc://name", ...
};

class PipeEnd {
public:
    PipeEnd(const PipeEnd&) = delete;
    PipeEnd& operator=(const PipeEnd&) = delete;

    // Unique for the process' lifetime (never reused), so it can name a pipe in a mailbox.
    uint64_t id() const noexcept { return id_; }

    // Reading. false = nothing to read; the listener is told when something arrives.
    bool read(Message& out);
    bool readable() const noexcept { return in_->readable(); }

    // Writing. false = at the high-water mark (counting reads not credited yet, see
    // MessageQueue); `msg` is untouched and the listener is told when there is room.
    bool write(Message& msg);
    // Batched writing: as write(), but the peer sees nothing until publish(), which tells
    // the listener at most once for the whole batch. Every batch must end in publish().
    bool write_unpublished(Message& msg);
    void publish();
    // Writes even past the high-water mark (subscriptions and other control traffic).
    void write_forced(Message& msg);
    // Is there room for a write? When not, the listener is told once there is (so a
    // poller waiting for POLLOUT is woken, not only a writer whose write() failed).
    bool writable() { return !peer_closed() && !closed() && out_->check_room(); }

    // This side will neither read nor write any more. The peer reads what is left, then
    // sees peer_closed(). Idempotent.
    void close();
    bool closed() const noexcept { return self_closed_->load(std::memory_order_acquire); }
    bool peer_closed() const noexcept { return peer_closed_->load(std::memory_order_acquire); }
    // The peer is gone and everything it sent has been read: the pipe can be dropped.
    bool finished() const noexcept { return peer_closed() && !readable(); }

    size_t inbound_size() const noexcept { return in_->size(); }
    // Queued messages with a trace id, each way (single-threaded use only).
    size_t traced_inbound() const { return in_->count_traced(); }
    size_t traced_outbound() const { return out_->count_traced(); }
    size_t outbound_size() const noexcept { return out_->size(); }
    uint64_t outbound_capacity() const noexcept { return out_->capacity(); }
    uint64_t inbound_capacity() const noexcept { return in_->capacity(); }
    // HWM changes, from either side at any time: a writer waiting for room that now has
    // it is told (its listener's pipe_writable), as when the reader drains the queue.
    // A reader asleep that must credit its reads after a smaller HWM is told as if a
    // message had arrived (see MessageQueue::set_capacity).
    void set_outbound_capacity(uint64_t messages) {
        const MessageQueue::CapacityChange change = out_->set_capacity(messages);
        if (change.wake_reader) peer_->notify_readable();
        if (change.wake_writer) notify_writable();
    }
    void set_inbound_capacity(uint64_t messages) {
        const MessageQueue::CapacityChange change = in_->set_capacity(messages);
        if (change.wake_reader) notify_readable();
        if (change.wake_writer) peer_->notify_writable();
    }
    // Removes everything still queued outbound (the peer will never read it) and hands
    // each message to `sink`. Only valid once the peer has closed.
    template <class Sink>
    void drain_outbound_unread(Sink&& sink) {
        Message msg;
        while (true) {
            const MessageQueue::PopResult result = out_->pop(msg);
            if (result == MessageQueue::PopResult::empty ||
                result == MessageQueue::PopResult::empty_wake_writer)
                return;
            sink(msg);
        }
    }

    void set_listener(PipeListener* listener) noexcept {
        listener_.store(listener, std::memory_order_release);
    }
    PipeEnd& peer() noexcept { return *peer_; }

    // What this end knows about the other side; filled before the pipe is shared.
    PeerInfo peer_info;
    // PROBE_ROUTER's empty message is already queued on this end: a runtime that hands
    // the pipe over later than the handshake (real runtime, ROUTER) writes it at the
    // handshake itself, so that the peer is told without waiting for the socket's thread.
    bool probe_written = false;

    // inproc: the HWMs of the socket at the other end, which add to this socket's own on
    // each queue (libzmq's sum, see queue_capacity). -1: no peer socket (a connection's
    // session, or an inproc connect that waits for its bind).
    int peer_sndhwm() const noexcept { return peer_sndhwm_.load(std::memory_order_relaxed); }
    int peer_rcvhwm() const noexcept { return peer_rcvhwm_.load(std::memory_order_relaxed); }
    void set_peer_hwms(int sndhwm, int rcvhwm) noexcept {
        peer_sndhwm_.store(sndhwm, std::memory_order_relaxed);
        peer_rcvhwm_.store(rcvhwm, std::memory_order_relaxed);
    }

    // The OS connection (its fd) that carries this pipe, the same for both ends
    // (ZMQ_SRCFD). -1 for inproc and simulated pipes, and while a pipe made at connect
    // time waits for its next connection. Set by the real runtime's I/O thread, read by
    // the socket's thread: one relaxed atomic, nothing per message.
    int connection_fd() const noexcept { return connection_fd_->load(std::memory_order_relaxed); }
    void set_connection_fd(int fd) noexcept {
        connection_fd_->store(fd, std::memory_order_relaxed);
    }
    // The handshake's metadata: the peer's READY/INITIATE properties, plus "User-Id" and
    // the ZAP handler's metadata when one approved the peer (zmq_msg_gets reads them).
    std::map<std::string, std::string> peer_properties;

private:
    friend struct PipePair;
    PipeEnd() = default;
    void notify_readable();
    void notify_writable();

    uint64_t id_ = 0;
    MessageQueue* in_ = nullptr;
    MessageQueue* out_ = nullptr;
    std::atomic<bool>* self_closed_ = nullptr;
    std::atomic<bool>* peer_closed_ = nullptr;
    std::atomic<int>* connection_fd_ = nullptr;
    PipeEnd* peer_ = nullptr;
    std::atomic<PipeListener*> listener_{nullptr};
    std::atomic<int> peer_sndhwm_{-1};
    std::atomic<int> peer_rcvhwm_{-1};
};

// The capacity of one queue: the writer's SNDHWM plus the reader's RCVHWM when both
// sockets are known (inproc), else the one socket's HWM; 0 (unlimited) when an HWM that
// counts is 0. `peer_hwm` is -1 when there is no peer socket.
uint64_t queue_capacity(int own_hwm, int peer_hwm) noexcept;

// Creates a pipe. `a_to_b_capacity` bounds the queue that end a writes and end b reads.
// Both ends share ownership of the pipe; it lives until both are released.
std::pair<std::shared_ptr<PipeEnd>, std::shared_ptr<PipeEnd>> make_pipe(uint64_t a_to_b_capacity,
                                                                        uint64_t b_to_a_capacity);

}  // namespace sculpin
