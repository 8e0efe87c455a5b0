// The real runtime's I/O thread: one epoll loop that owns every listening fd, every
// outgoing connect (with reconnect backoff) and every ZMTP stream session of a Context.
//
// Other threads talk to it only through post() and through the pipes: a socket writing
// into an empty pipe towards a session wakes this thread (PipeListener), and this thread
// writing into an empty pipe towards a socket wakes that socket's Signaler.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/options.hpp"
#include "runtime/signaler.hpp"
#include "socket/pipe.hpp"
#include "transport/endpoint.hpp"
#include "transport/stream_session.hpp"

namespace sculpin {

class SocketHandle;

// What a session, listener or connecter needs to know about the socket it serves.
struct SocketLink {
    SocketHandle* socket = nullptr;
    SocketType type = SocketType::pair;
    SocketOptions options;  // snapshot at bind/connect time, as libzmq does
};

// Connection lifecycle notifications for socket monitors ("connected", ...).
struct MonitorEvent {
    int event = 0;  // libzmq's ZMQ_EVENT_* number
    int value = 0;  // fd, errno or interval, as libzmq defines per event
    std::string endpoint;
    std::string detail;  // our own explanation (handshake failure reason, ...)
};

class IoThread final : public PipeListener, public SessionOwner {
public:
    IoThread();
    ~IoThread() override;

    // Runs `fn` on the I/O thread, soon. Any thread.
    void post(std::function<void()> fn);

    // --- called on the I/O thread (via post) --------------------------------------------
    void add_listener(SocketLink link, Endpoint endpoint, std::string bound, int fd);
    // `pipe` is the session side of a pipe whose other end the socket already holds, or
    // null when the pipe is made at handshake time.
    void add_connecter(SocketLink link, Endpoint endpoint, std::shared_ptr<PipeEnd> pipe);
    // Stops listening on / connecting to `endpoint` for `socket` (unbind, disconnect).
    void remove_endpoint(SocketHandle* socket, std::string endpoint);
    // The socket closed: stop listening and reconnecting; sessions finish sending what
    // is queued, but no longer than linger_ms (-1 = no limit).
    void socket_closed(SocketHandle* socket, int linger_ms);

    // Stop the loop once nothing is left to flush. Any thread. Joins the thread.
    void stop_when_idle();

    // PipeListener, for the session ends of pipes (any thread).
    void pipe_readable(PipeEnd& end) override;
    void pipe_writable(PipeEnd& end) override;

    // SessionOwner (I/O thread).
    std::shared_ptr<PipeEnd> session_ready(StreamSession& session, const wire::ZmtpPeer& peer,
                                           std::string* refusal) override;
    void zap_request(StreamSession& session, const wire::ZapRequest& request) override;

    // How to reach the ZAP handler: returns our end of a fresh pipe to the socket bound at
    // inproc://zeromq.zap.01 (its end already handed to it), or null when none is bound.
    // Set once by the Context, before any socket exists.
    using ZapConnector = std::function<std::shared_ptr<PipeEnd>(PipeListener* our_listener)>;
    void set_zap_connector(ZapConnector connector);

private:
    struct Listener;
    struct Connecter;
    struct SessionEntry;

    void loop();
    void handle_mailbox();
    void handle_pipe_event(uint64_t pipe_id);
    void start_connect(Connecter& connecter, int64_t now_ms);
    void connect_finished(Connecter& connecter, int64_t now_ms);
    void accept_all(Listener& listener, int64_t now_ms);
    void start_session(int fd, const SocketLink& link, std::string peer_address,
                       std::string endpoint, Connecter* connecter, int64_t now_ms);
    void run_session(SessionEntry& entry, StreamSession::Status status, int64_t now_ms);
    // `by_socket`: our own socket ended it (close, linger, unbind, disconnect). libzmq
    // reports DISCONNECTED only for the other ends (peer gone, error, heartbeat timeout).
    void end_session(uint64_t session_id, int64_t now_ms, bool by_socket);
    void handle_zap_reply(uint64_t session_id, int64_t now_ms);
    // The ZAP handler's reply, if it is there, goes to the session. false = not yet.
    bool take_zap_reply(SessionEntry& entry);
    void report_handshake_failure(const SessionEntry& entry);
    void run_timers(int64_t now_ms);
    int next_timeout_ms(int64_t now_ms) const;
    bool idle() const;
    void monitor(SocketHandle* socket, MonitorEvent event);
    void watch(int fd, uint64_t key);
    void unwatch(int fd);

    int epoll_fd_;
    Signaler wakeup_;
    std::thread thread_;

    std::mutex mailbox_mutex_;
    std::vector<std::function<void()>> mailbox_;
    std::vector<uint64_t> pipe_events_;  // pipe ids with news, guarded by mailbox_mutex_
    bool stop_requested_ = false;        // guarded by mailbox_mutex_

    // I/O thread only. Keys in epoll: listeners, connecters and sessions share one id
    // space (next_id_), so one map lookup finds the object.
    uint64_t next_id_ = 1;
    std::map<uint64_t, std::unique_ptr<Listener>> listeners_;
    std::map<uint64_t, std::unique_ptr<Connecter>> connecters_;
    std::map<uint64_t, std::unique_ptr<SessionEntry>> sessions_;
    std::map<uint64_t, uint64_t> session_by_pipe_;      // session-side pipe id -> session id
    std::map<uint64_t, uint64_t> session_by_zap_pipe_;  // our ZAP pipe end id -> session id
    ZapConnector zap_connector_;
    std::vector<uint64_t> busy_;  // sessions that yielded mid-work
    std::vector<uint8_t> scratch_;
    bool stopping_ = false;
};

}  // namespace sculpin
