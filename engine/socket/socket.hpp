// Socket: the sans-I/O base of every socket type.
//
// A Socket owns its pipes and nothing else: no thread, no clock, no file descriptor.
// Every call is non-blocking; a runtime (real or simulated) turns EAGAIN into waiting,
// delivers pipe events, and attaches pipes as connections come and go. All calls on one
// Socket must come from one thread at a time (the runtime guarantees it).
//
// A socket type is a small subclass composed of routing strategies (load balancer, fair
// queue, distributor, subscription trie), in the manner of libzmq's src/.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "core/drop_reason.hpp"
#include "core/errors.hpp"
#include "core/message.hpp"
#include "core/options.hpp"
#include "core/socket_type.hpp"
#include "socket/pipe.hpp"

namespace sculpin {

// Told about every message the socket drops, with the reason.
using DropHook = std::function<void(const Message& msg, DropReason reason)>;
// Told when one sent message becomes several copies (PUB fan-out): extra_copies more
// messages now exist, each to be delivered or dropped on its own.
using ForkHook = std::function<void(const Message& msg, size_t extra_copies)>;
// Told when a publishing socket learns (subscribe) or forgets (cancel) a topic from a peer:
// the moment a subscription is live at the publisher.
using SubscriptionHook =
    std::function<void(std::string_view topic, bool subscribe, const PipeEnd& from)>;

class Socket {
public:
    static std::unique_ptr<Socket> create(SocketType type);
    virtual ~Socket();
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    SocketType type() const noexcept { return type_; }
    const SocketOptions& options() const noexcept { return options_; }

    // 0 or an errno value (EINVAL for an unknown option or a bad value).
    int set_option(int option, const void* value, size_t size_bytes);
    int get_option(int option, void* value, size_t* size_bytes) const;

    // Non-blocking. 0: sent, `msg` was consumed. Otherwise an errno value and `msg` is
    // untouched: EAGAIN (would block), kEfsm (wrong state), EHOSTUNREACH (ROUTER_MANDATORY),
    // ENOTSUP (this type cannot send), EINVAL (a message without frames).
    int send(Message& msg);
    // Non-blocking. 0: `out` holds a message. EAGAIN: nothing to read. kEfsm, ENOTSUP.
    int recv(Message& out);
    // The first frame of a message still being composed frame by frame (the C API's
    // ZMQ_SNDMORE): 0, or the error send() would give for any message starting with it
    // (ROUTER_MANDATORY's EHOSTUNREACH, REQ's kEfsm), or EAGAIN when a send would block now
    // (no peer to take it), so that the caller fails or waits at the first frame, as libzmq
    // does, instead of holding frames it may never send. Sends nothing.
    int check_first_frame(const Frame& first) const { return xcheck_first_frame(first); }
    // For polling: would send / recv succeed now?
    bool can_send();
    bool can_recv();

    // --- driven by the runtime, on the socket's thread ---------------------------------
    // A new peer. The runtime has set the pipe's listener and its peer_info already.
    void attach(std::shared_ptr<PipeEnd> pipe);
    // PROBE_ROUTER's empty message, queued on `end` (once) when `options` ask for it. For a
    // runtime that writes it before attach() (see PipeEnd::probe_written).
    static void write_probe(const SocketOptions& options, PipeEnd& end);
    // Something happened on a pipe (the runtime relays PipeListener calls here). Unknown
    // ids are ignored: the pipe may have been detached in the meantime.
    void pipe_readable(uint64_t pipe_id);
    void pipe_writable(uint64_t pipe_id);
    // Closes this side of every pipe; what is still queued inbound is dropped (closed).
    void close_all_pipes();
    // Closes this side of one pipe (disconnect/unbind); queued inbound messages are dropped.
    void detach(uint64_t pipe_id);
    size_t pipe_count() const noexcept { return pipes_.size(); }
    const std::map<uint64_t, std::shared_ptr<PipeEnd>>& pipes() const noexcept { return pipes_; }
    // Messages taken from pipes but not yet handed to the application (read-ahead while
    // polling) that carry a trace id: the simulator's ledger counts them as in flight.
    virtual size_t traced_held() const { return 0; }
    // The pipe the last received message came from (for message properties), or null.
    const PipeEnd* last_received_from() const noexcept { return last_in_; }

    void set_drop_hook(DropHook hook) { drop_hook_ = std::move(hook); }
    void set_fork_hook(ForkHook hook) { fork_hook_ = std::move(hook); }
    void set_subscription_hook(SubscriptionHook hook) { subscription_hook_ = std::move(hook); }

    // ROUTER and STREAM name the peer of a connect() by ZMQ_CONNECT_ROUTING_ID when set:
    // the runtime takes it at connect time (so the next connect needs a new one).
    std::string take_connect_routing_id() { return std::exchange(options_.connect_routing_id, {}); }
    // Does a connect() need its pipe before the connection exists, to name the peer?
    bool names_peer_at_connect() const noexcept {
        return type_ == SocketType::stream ||
               (type_ == SocketType::router && !options_.connect_routing_id.empty());
    }

    // Capacities a runtime gives a new pipe's two queues, from SNDHWM/RCVHWM (0 = unlimited).
    uint64_t outbound_capacity() const noexcept;
    uint64_t inbound_capacity() const noexcept;

protected:
    explicit Socket(SocketType type);

    void report_drop(const Message& msg, DropReason reason) const {
        if (drop_hook_) drop_hook_(msg, reason);
    }
    void report_subscription(std::string_view topic, bool subscribe, const PipeEnd& from) const {
        if (subscription_hook_) subscription_hook_(topic, subscribe, from);
    }
    void report_fork(const Message& msg, size_t extra_copies) const {
        if (fork_hook_ && extra_copies > 0) fork_hook_(msg, extra_copies);
    }
    // Subclasses call this when they read from a pipe so message properties can be found.
    void set_last_in(const PipeEnd* pipe) noexcept { last_in_ = pipe; }
    // Subclasses may detach a pipe themselves (PAIR refuses a second peer).
    void drop_pipe(PipeEnd& pipe);

    // --- what a socket type implements ------------------------------------------------
    virtual int xsend(Message& msg) = 0;
    virtual int xrecv(Message& out) = 0;
    virtual bool xcan_send() = 0;
    virtual bool xcan_recv() = 0;
    virtual void xattach(PipeEnd& pipe) = 0;
    virtual void xdetach(PipeEnd& pipe) = 0;  // forget the pipe: it is about to go away
    virtual void xread_activated(PipeEnd& pipe) = 0;
    virtual void xwrite_activated(PipeEnd& pipe) = 0;
    virtual int xcheck_first_frame(const Frame&) const { return 0; }
    // Type-specific options; return EINVAL for unknown ones.
    virtual int xset_option(int option, const void* value, size_t size_bytes);
    virtual int xget_option(int option, void* value, size_t* size_bytes) const;

    SocketOptions options_;

private:
    void remove_pipe(PipeEnd& pipe, bool drop_inbound);

    SocketType type_;
    std::map<uint64_t, std::shared_ptr<PipeEnd>> pipes_;  // ordered: deterministic iteration
    DropHook drop_hook_;
    ForkHook fork_hook_;
    SubscriptionHook subscription_hook_;
    const PipeEnd* last_in_ = nullptr;
};

}  // namespace sculpin
