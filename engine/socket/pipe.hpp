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
    // The outbound queue of `end`, which had been full, drained to its low-water mark.
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

    // Writing. false = at the high-water mark; `msg` is untouched and the listener is
    // told when the queue has drained to its low-water mark.
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
    void set_outbound_capacity(uint64_t messages) { out_->set_capacity(messages); }
    // Removes everything still queued outbound (the peer will never read it) and hands
    // each message to `sink`. Only valid once the peer has closed.
    template <class Sink>
    void drain_outbound_unread(Sink&& sink) {
        Message msg;
        while (out_->pop(msg) != MessageQueue::PopResult::empty) sink(msg);
    }

    void set_listener(PipeListener* listener) noexcept {
        listener_.store(listener, std::memory_order_release);
    }
    PipeEnd& peer() noexcept { return *peer_; }

    // What this end knows about the other side; filled before the pipe is shared.
    PeerInfo peer_info;
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
    PipeEnd* peer_ = nullptr;
    std::atomic<PipeListener*> listener_{nullptr};
};

// Creates a pipe. `a_to_b_capacity` bounds the queue that end a writes and end b reads.
// Both ends share ownership of the pipe; it lives until both are released.
std::pair<std::shared_ptr<PipeEnd>, std::shared_ptr<PipeEnd>> make_pipe(uint64_t a_to_b_capacity,
                                                                        uint64_t b_to_a_capacity);

}  // namespace sculpin
