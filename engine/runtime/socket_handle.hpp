// SocketHandle: a sans-I/O Socket made real. It belongs to one user thread at a time
// (as a libzmq socket does), turns EAGAIN into waiting with SNDTIMEO/RCVTIMEO, and
// receives what other threads have to say (new pipes, pipe activity, monitor events)
// through a mailbox and a Signaler.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/io_thread.hpp"
#include "runtime/signaler.hpp"
#include "socket/socket.hpp"

namespace sculpin {

class Context;

namespace send_flag {
constexpr int dontwait = 1;  // ZMQ_DONTWAIT
}

class SocketHandle final : public PipeListener {
public:
    SocketHandle(Context& context, SocketType type);
    ~SocketHandle() override;

    SocketType type() const noexcept { return socket_->type(); }
    Socket& socket() noexcept { return *socket_; }

    // 0 or an errno value. bind resolves a wildcard port at once (see last_endpoint()).
    int bind(const std::string& endpoint);
    int connect(const std::string& endpoint);
    int unbind(const std::string& endpoint);
    int disconnect(const std::string& endpoint);
    const std::string& last_endpoint() const noexcept { return last_endpoint_; }
    // Human-readable reason of the last failed bind/connect ("bad endpoint ...").
    const std::string& last_error() const noexcept { return last_error_; }

    // Blocking unless flags has send_flag::dontwait; honours SNDTIMEO/RCVTIMEO.
    // 0 or errno: EAGAIN (would block / timed out), kEfsm, EHOSTUNREACH, kEterm, ...
    int send(Message& msg, int flags = 0);
    int recv(Message& out, int flags = 0);
    // Socket::check_first_frame, after taking in what other threads posted; waits as send
    // does (dontwait, SNDTIMEO) while it says EAGAIN.
    int check_first_frame(const Frame& first, int flags = 0);

    int set_option(int option, const void* value, size_t size_bytes);
    int get_option(int option, void* value, size_t* size_bytes);

    // Polling support: process pending commands, then ask the socket.
    bool poll_in();
    bool poll_out();
    int signal_fd() const noexcept { return signaler_.fd(); }

    // Closes the socket; pending outgoing messages are flushed for up to LINGER.
    void close();
    bool is_closed() const noexcept { return closed_; }
    // The context was shut down: blocking calls fail with kEterm.
    bool terminated() const noexcept;

    // Connection events (ZMQ_EVENT_* numbers). The callback runs on the I/O thread, also
    // after close() returns (CLOSED, MONITOR_STOPPED as the socket winds down): whatever it
    // captures must outlive the Context.
    void set_monitor(std::function<void(const MonitorEvent&)> callback, int event_mask);

    // On this socket's own thread (inside its bind/connect): attaches `pipe` at once, after
    // what other threads posted, so that what attach sends (SUB's subscriptions, a probe)
    // goes out before bind/connect returns, as libzmq's inproc does.
    void attach_on_own_thread(std::shared_ptr<PipeEnd> pipe);

    // --- any thread -----------------------------------------------------------------
    void post_attach(std::shared_ptr<PipeEnd> pipe);
    void post_monitor_event(MonitorEvent event);
    void wake() { signaler_.signal(); }
    // PipeListener: the peer of one of our pipe ends made progress.
    void pipe_readable(PipeEnd& end) override;
    void pipe_writable(PipeEnd& end) override;

private:
    struct Command {
        enum class Kind { readable, writable, attach } kind;
        uint64_t pipe_id = 0;
        std::shared_ptr<PipeEnd> pipe;
    };
    void process_commands();
    void attach_now(std::shared_ptr<PipeEnd> pipe);
    void remove_ipc_path(const std::string& bound);
    SocketLink link() const;
    template <class Op>
    int blocking(Op op, int flags, int timeout_ms);

    Context& context_;
    std::unique_ptr<Socket> socket_;
    Signaler signaler_;
    std::mutex mailbox_mutex_;
    std::vector<Command> mailbox_;
    std::vector<Command> draining_;  // reused buffer
    std::string last_endpoint_;
    std::string last_error_;
    std::vector<std::string> bound_endpoints_;
    // ipc paths this socket bound (not ZMQ_USE_FD ones), by bound endpoint text: removed
    // by unbind and close.
    std::vector<std::pair<std::string, Endpoint>> owned_ipc_paths_;
    std::vector<std::string> connected_endpoints_;
    // inproc connections by endpoint text, so that disconnect can close their pipes.
    std::vector<std::pair<std::string, uint64_t>> inproc_pipes_;
    bool closed_ = false;
    std::mutex monitor_mutex_;
    std::function<void(const MonitorEvent&)> monitor_;
    int monitor_mask_ = 0;
};

}  // namespace sculpin
