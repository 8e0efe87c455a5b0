#include "runtime/io_thread.hpp"

#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "runtime/monitor_events.hpp"
#include "runtime/socket_handle.hpp"
#include "transport/accept_filter.hpp"
#include "transport/net.hpp"
#include "transport/security_config.hpp"
#include "wire/raw_connection.hpp"
#include "wire/zap.hpp"

namespace sculpin {

namespace {

int64_t monotonic_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

constexpr uint64_t kWakeupKey = 0;
constexpr int kMaxEpollEvents = 256;

// "127.0.0.1:5555" -> "127.0.0.1", "[::1]:5555" -> "::1": the ZAP request's address.
std::string ip_of(const std::string& address) {
    const size_t colon = address.rfind(':');
    if (colon == std::string::npos || address.find('/') != std::string::npos) return {};
    std::string host = address.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    return host;
}

// CURVE's randomness in the real runtime: the kernel's pool, getrandom(2). It blocks only
// before the pool is first initialised at boot; it cannot fail otherwise for <= 256 bytes.
void fill_from_kernel(std::span<uint8_t> out) {
    size_t filled = 0;
    for (int attempt = 0; filled < out.size() && attempt < 1000; ++attempt) {
        const ssize_t got = getrandom(out.data() + filled, out.size() - filled, 0);
        if (got > 0) filled += static_cast<size_t>(got);
    }
    assert(filled == out.size() && "getrandom(2) failed");
    if (filled < out.size()) std::abort();  // never run CURVE on predictable keys
}

wire::ZmtpConfig codec_config(const SocketLink& link) {
    wire::ZmtpConfig config;
    config.security = security_config(link.options);
    config.security.random = fill_from_kernel;
    config.socket_type = link.type;
    config.routing_id = link.options.routing_id;
    config.max_message_size_bytes = link.options.maxmsgsize_bytes;
    config.heartbeat_ivl_ms = link.options.heartbeat_ivl_ms;
    config.heartbeat_ttl_ms = link.options.heartbeat_ttl_ms;
    config.heartbeat_timeout_ms = link.options.heartbeat_timeout_ms;
    config.handshake_ivl_ms = link.options.handshake_ivl_ms;
    config.staged_greeting = true;  // as libzmq: raw STREAM peers may expect it
    return config;
}

// STREAM sockets speak raw bytes; every other type speaks ZMTP.
std::unique_ptr<wire::SessionCodec> make_codec(const SocketLink& link) {
    if (link.type == SocketType::stream)
        return std::make_unique<wire::RawConnection>(
            wire::RawConfig{.notify = link.options.stream_notify});
    return std::make_unique<wire::ZmtpConnection>(codec_config(link));
}

uint64_t capacity(int hwm) {
    return hwm <= 0 ? 0 : static_cast<uint64_t>(hwm);
}

}  // namespace

struct IoThread::Listener {
    uint64_t id = 0;
    SocketLink link;
    Endpoint endpoint;
    std::string bound;
    int fd = -1;
    // An ipc path we bound is removed by the socket itself, at once, when it unbinds or
    // closes; here only when the loop ends with the socket still open. One of ZMQ_USE_FD
    // belongs to the application (libzmq leaves it too).
    bool owns_path = true;
};

struct IoThread::Connecter {
    uint64_t id = 0;
    SocketLink link;
    Endpoint endpoint;
    std::string endpoint_text;
    std::shared_ptr<PipeEnd> pipe;  // session side; survives reconnects when set early
    bool pipe_persists = false;     // made at connect time (no IMMEDIATE, not ROUTER)
    int connecting_fd = -1;
    uint64_t session_id = 0;
    int64_t retry_at_ms = -1;  // -1: no retry scheduled
    int current_ivl_ms = 0;
    bool socket_closed = false;
    int64_t linger_deadline_ms = -1;
};

struct IoThread::SessionEntry {
    std::unique_ptr<StreamSession> session;
    int fd = -1;  // owned by the session's FdStream
    SocketLink link;
    std::string endpoint;
    Connecter* connecter = nullptr;  // null for accepted connections
    int64_t linger_deadline_ms = -1;
    bool handshake_reported = false;    // HANDSHAKE_SUCCEEDED went to the monitor
    std::shared_ptr<PipeEnd> zap_pipe;  // to the ZAP handler, while its verdict is awaited
};

IoThread::IoThread() : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)), scratch_(64 * 1024) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeupKey;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wakeup_.fd(), &ev);
    thread_ = std::thread([this] { loop(); });
}

IoThread::~IoThread() {
    stop_when_idle();
    ::close(epoll_fd_);
}

void IoThread::post(std::function<void()> fn) {
    {
        std::lock_guard lock(mailbox_mutex_);
        mailbox_.push_back(std::move(fn));
    }
    wakeup_.signal();
}

void IoThread::stop_when_idle() {
    {
        std::lock_guard lock(mailbox_mutex_);
        stop_requested_ = true;
    }
    wakeup_.signal();
    if (thread_.joinable()) thread_.join();
}

void IoThread::pipe_readable(PipeEnd& end) {
    {
        std::lock_guard lock(mailbox_mutex_);
        pipe_events_.push_back(end.id());
    }
    wakeup_.signal();
}

void IoThread::pipe_writable(PipeEnd& end) {
    pipe_readable(end);
}

void IoThread::watch(int fd, uint64_t key) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.u64 = key;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
}

void IoThread::unwatch(int fd) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void IoThread::monitor(SocketHandle* socket, MonitorEvent event) {
    socket->post_monitor_event(std::move(event));
}

// --- listeners ------------------------------------------------------------------------

void IoThread::add_listener(SocketLink link, Endpoint endpoint, std::string bound, int fd) {
    auto listener = std::make_unique<Listener>();
    listener->id = next_id_++;
    listener->link = std::move(link);
    listener->endpoint = std::move(endpoint);
    listener->bound = std::move(bound);
    listener->fd = fd;
    listener->owns_path = listener->link.options.use_fd < 0;
    watch(fd, listener->id);
    monitor(listener->link.socket, {monitor_event::listening, fd, listener->bound, {}});
    accept_all(*listener, monotonic_ms());
    listeners_.emplace(listener->id, std::move(listener));
}

void IoThread::accept_all(Listener& listener, int64_t now_ms) {
    // Bounded: a flood of connections must not starve established sessions.
    for (int accepted = 0; accepted < 128; ++accepted) {
        std::string peer;
        const int fd = net::accept_from(listener.fd, &peer);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                monitor(listener.link.socket, {monitor_event::accept_failed, errno, listener.bound,
                                               std::strerror(errno)});
            return;
        }
        if (!net::accept_allowed(fd, listener.link.options)) {
            net::close_fd(fd);
            monitor(listener.link.socket, {monitor_event::accept_failed, EACCES, listener.bound,
                                           "refused by an accept filter: " + peer});
            continue;
        }
        // TOS and BINDTODEVICE: an accepted socket inherits them from the listener.
        monitor(listener.link.socket, {monitor_event::accepted, fd, listener.bound, peer});
        start_session(fd, listener.link, std::move(peer), listener.bound, nullptr, now_ms);
    }
}

// --- connecters -----------------------------------------------------------------------

void IoThread::add_connecter(SocketLink link, Endpoint endpoint, std::shared_ptr<PipeEnd> pipe) {
    auto connecter = std::make_unique<Connecter>();
    connecter->id = next_id_++;
    connecter->link = std::move(link);
    connecter->endpoint_text = endpoint.to_string();
    connecter->endpoint = std::move(endpoint);
    connecter->current_ivl_ms = connecter->link.options.reconnect_ivl_ms;
    if (pipe) {
        connecter->pipe = std::move(pipe);
        connecter->pipe_persists = true;
        connecter->pipe->set_listener(this);
    }
    Connecter& ref = *connecter;
    connecters_.emplace(connecter->id, std::move(connecter));
    start_connect(ref, monotonic_ms());
}

void IoThread::start_connect(Connecter& connecter, int64_t now_ms) {
    connecter.retry_at_ms = -1;
    bool in_progress = false;
    std::string peer;
    std::string error;
    const SocketOptions& options = connecter.link.options;
    const int fd = net::connect_to(connecter.endpoint, {options.tos, options.bind_to_device},
                                   &in_progress, &peer, &error);
    if (fd < 0) {
        const int ivl = connecter.current_ivl_ms;
        if (ivl >= 0) {
            connecter.retry_at_ms = now_ms + ivl;
            monitor(connecter.link.socket,
                    {monitor_event::connect_retried, ivl, connecter.endpoint_text, error});
            const int max = connecter.link.options.reconnect_ivl_max_ms;
            if (max > ivl) connecter.current_ivl_ms = std::min(ivl * 2, max);
        }
        return;
    }
    if (in_progress) {
        connecter.connecting_fd = fd;
        watch(fd, connecter.id);
        monitor(connecter.link.socket,
                {monitor_event::connect_delayed, EINPROGRESS, connecter.endpoint_text, {}});
        return;
    }
    monitor(connecter.link.socket, {monitor_event::connected, fd, connecter.endpoint_text, {}});
    // May end (and erase the connecter) at once: do not touch `connecter` afterwards.
    start_session(fd, connecter.link, peer, connecter.endpoint_text, &connecter, now_ms);
}

void IoThread::connect_finished(Connecter& connecter, int64_t now_ms) {
    const int fd = connecter.connecting_fd;
    const int result = net::connect_result(fd);
    if (result == EINPROGRESS || result == EALREADY) return;
    unwatch(fd);
    connecter.connecting_fd = -1;
    if (result != 0) {
        net::close_fd(fd);
        const int ivl = connecter.current_ivl_ms;
        if (ivl >= 0 && !connecter.socket_closed) {
            connecter.retry_at_ms = now_ms + ivl;
            monitor(connecter.link.socket, {monitor_event::connect_retried, ivl,
                                            connecter.endpoint_text, std::strerror(result)});
            const int max = connecter.link.options.reconnect_ivl_max_ms;
            if (max > ivl) connecter.current_ivl_ms = std::min(ivl * 2, max);
        }
        return;
    }
    monitor(connecter.link.socket, {monitor_event::connected, fd, connecter.endpoint_text, {}});
    // May end (and erase the connecter) at once: do not touch `connecter` afterwards.
    start_session(fd, connecter.link, connecter.endpoint_text, connecter.endpoint_text, &connecter,
                  now_ms);
}

// --- sessions -------------------------------------------------------------------------

void IoThread::start_session(int fd, const SocketLink& link, std::string peer_address,
                             std::string endpoint, Connecter* connecter, int64_t now_ms) {
    // SNDBUF/RCVBUF: the kernel buffers of this connection (best effort, as in libzmq).
    if (link.options.sndbuf_bytes >= 0)
        ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &link.options.sndbuf_bytes, sizeof(int));
    if (link.options.rcvbuf_bytes >= 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &link.options.rcvbuf_bytes, sizeof(int));
    const uint64_t id = next_id_++;
    auto entry = std::make_unique<SessionEntry>();
    entry->session = std::make_unique<StreamSession>(
        std::make_unique<FdStream>(fd), make_codec(link), std::move(peer_address), *this, id);
    entry->fd = fd;
    entry->link = link;
    entry->endpoint = std::move(endpoint);
    entry->connecter = connecter;
    if (connecter != nullptr) {
        connecter->session_id = id;
        if (connecter->pipe) {
            connecter->pipe->set_connection_fd(fd);
            entry->session->set_pipe(connecter->pipe);
            session_by_pipe_[connecter->pipe->id()] = id;
        }
    }
    SessionEntry& ref = *entry;
    sessions_.emplace(id, std::move(entry));
    watch(fd, id);
    ref.session->start(now_ms);
    run_session(ref, ref.session->pump(now_ms, scratch_), now_ms);
}

std::shared_ptr<PipeEnd> IoThread::session_ready(StreamSession& session, const wire::ZmtpPeer& peer,
                                                 std::string* refusal) {
    auto it = sessions_.find(session.id());
    assert(it != sessions_.end());
    SessionEntry& entry = *it->second;
    if (entry.link.socket->is_closed()) {
        *refusal = StreamSession::kSocketClosed;
        return nullptr;
    }
    monitor(entry.link.socket,
            {monitor_event::handshake_succeeded, 0, entry.endpoint, session.peer_address()});
    entry.handshake_reported = true;
    if (entry.connecter != nullptr)
        entry.connecter->current_ivl_ms =
            entry.link.options.reconnect_ivl_ms;  // a good connection resets the backoff
    auto [socket_end, session_end] =
        make_pipe(capacity(entry.link.options.sndhwm), capacity(entry.link.options.rcvhwm));
    socket_end->peer_info.socket_type = peer.socket_type;
    socket_end->peer_info.routing_id = peer.routing_id;
    socket_end->peer_info.address = session.peer_address();
    socket_end->peer_properties = peer.properties;
    session_end->peer_info.socket_type = entry.link.type;
    session_end->peer_info.routing_id = entry.link.options.routing_id;
    session_end->set_listener(this);
    session_end->set_connection_fd(entry.fd);
    socket_end->set_listener(entry.link.socket);
    session_by_pipe_[session_end->id()] = session.id();
    if (entry.connecter != nullptr) entry.connecter->pipe = session_end;
    // The socket attaches the pipe only when its thread next runs; the probe must not wait
    // for that (the peer may be waiting for it before our application does anything).
    Socket::write_probe(entry.link.options, *socket_end);
    entry.link.socket->post_attach(std::move(socket_end));
    return session_end;
}

void IoThread::set_zap_connector(ZapConnector connector) {
    post([this, connector = std::move(connector)]() mutable {
        zap_connector_ = std::move(connector);
    });
}

void IoThread::zap_request(StreamSession& session, const wire::ZapRequest& request) {
    auto it = sessions_.find(session.id());
    assert(it != sessions_.end());
    SessionEntry& entry = *it->second;
    std::shared_ptr<PipeEnd> pipe = zap_connector_ ? zap_connector_(this) : nullptr;
    if (!pipe) {
        session.answer_zap(nullptr);  // nobody to ask; the session goes on in this pump
        return;
    }
    Message msg = wire::encode_zap_request(request, ip_of(session.peer_address()));
    const bool written = pipe->write(msg);  // the ZAP pipe has no HWM, as in libzmq
    assert(written);
    (void)written;
    session_by_zap_pipe_[pipe->id()] = session.id();
    entry.zap_pipe = std::move(pipe);
    // A pipe wakes its reader only after a read found it empty: this read arms it (and
    // takes the reply if the handler was quick enough to answer already).
    take_zap_reply(entry);
}

bool IoThread::take_zap_reply(SessionEntry& entry) {
    Message reply;
    // A handler that hangs up or never answers leaves the handshake waiting, as libzmq
    // does: the peer giving up or the handshake deadline ends it.
    if (!entry.zap_pipe->read(reply)) return false;
    session_by_zap_pipe_.erase(entry.zap_pipe->id());
    entry.zap_pipe->close();  // one request per connection
    entry.zap_pipe.reset();
    entry.session->answer_zap(&reply);
    return true;
}

void IoThread::handle_zap_reply(uint64_t session_id, int64_t now_ms) {
    auto it = sessions_.find(session_id);
    if (it == sessions_.end()) return;
    SessionEntry& entry = *it->second;
    if (!entry.zap_pipe || !take_zap_reply(entry)) return;
    run_session(entry, entry.session->pump(now_ms, scratch_), now_ms);
}

void IoThread::report_handshake_failure(const SessionEntry& entry) {
    const StreamSession& session = *entry.session;
    const wire::HandshakeFailure& failure = session.failure();
    int event = monitor_event::handshake_failed_protocol;
    int value = failure.code;
    switch (failure.kind) {
        case wire::FailureKind::protocol:
            break;
        case wire::FailureKind::auth:
            event = monitor_event::handshake_failed_auth;
            break;
        case wire::FailureKind::no_detail:
            event = monitor_event::handshake_failed_no_detail;
            break;
        case wire::FailureKind::silent:
            return;  // the peer's ERROR said it all; libzmq reports nothing more
        case wire::FailureKind::none:
            value = wire::protocol_error::zmtp_unspecified;
            break;
    }
    monitor(entry.link.socket, {event, value, entry.endpoint, session.reason()});
}

void IoThread::run_session(SessionEntry& entry, StreamSession::Status status, int64_t now_ms) {
    if (!entry.handshake_reported && entry.session->handshake_done()) {
        // A connection whose pipe was made at connect time skips session_ready: report
        // its handshake here.
        entry.handshake_reported = true;
        monitor(entry.link.socket, {monitor_event::handshake_succeeded, 0, entry.endpoint,
                                    entry.session->peer_address()});
        if (entry.connecter != nullptr)
            entry.connecter->current_ivl_ms = entry.link.options.reconnect_ivl_ms;
    }
    if (status == StreamSession::Status::busy) {
        busy_.push_back(entry.session->id());
    } else if (status == StreamSession::Status::closed) {
        end_session(entry.session->id(), now_ms, entry.session->ended_by_socket());
    }
}

void IoThread::end_session(uint64_t session_id, int64_t now_ms, bool by_socket) {
    auto it = sessions_.find(session_id);
    if (it == sessions_.end()) return;
    std::unique_ptr<SessionEntry> entry = std::move(it->second);
    sessions_.erase(it);
    StreamSession& session = *entry->session;
    unwatch(entry->fd);
    if (entry->zap_pipe) {
        session_by_zap_pipe_.erase(entry->zap_pipe->id());
        entry->zap_pipe->close();
    }
    const bool handshook = session.handshake_done();
    // libzmq reports DISCONNECTED (and a failed handshake) only for the other ends: peer
    // gone, error, heartbeat timeout, refusal; not when our own socket ended it.
    if (!by_socket) {
        if (!handshook) report_handshake_failure(*entry);
        monitor(entry->link.socket,
                {monitor_event::disconnected, entry->fd, entry->endpoint, session.reason()});
    }
    // Refused by the peer's ZAP handler (or any ERROR from the peer): trying again would
    // be refused again, so a connecter stops, as libzmq's does.
    const wire::FailureKind kind = session.failure().kind;
    const bool refused =
        !handshook && (kind == wire::FailureKind::auth || kind == wire::FailureKind::silent);
    std::shared_ptr<PipeEnd> pipe = session.pipe();
    if (pipe) session_by_pipe_.erase(pipe->id());
    Connecter* connecter = entry->connecter;
    if (connecter == nullptr) {
        if (pipe) pipe->close();  // the socket drains what arrived, then drops the pipe
        return;
    }
    connecter->session_id = 0;
    if (pipe && connecter->pipe_persists) pipe->set_connection_fd(-1);  // waits for the next
    // The socket's close reaches us as its pipe closing, possibly before socket_closed()
    // does: no reconnecting (nor CONNECT_RETRIED) for a socket that is gone.
    if (entry->link.socket->is_closed()) connecter->socket_closed = true;
    if (pipe && !connecter->pipe_persists) {
        pipe->close();
        connecter->pipe.reset();
    }
    // A STREAM socket that closed this connection ([id][empty]) dropped its pipe: the
    // endpoint is done with, as in libzmq (a raw session ends with its pipe).
    const bool stream_closed_it =
        entry->link.type == SocketType::stream && pipe && pipe->peer_closed();
    const bool socket_done =
        stream_closed_it || refused ||
        (connecter->socket_closed && (!connecter->pipe || !connecter->pipe->readable()));
    if (socket_done || connecter->current_ivl_ms < 0) {
        if (connecter->pipe) connecter->pipe->close();
        connecters_.erase(connecter->id);
        return;
    }
    connecter->retry_at_ms = now_ms + connecter->current_ivl_ms;
    monitor(connecter->link.socket, {monitor_event::connect_retried, connecter->current_ivl_ms,
                                     connecter->endpoint_text, session.reason()});
}

void IoThread::remove_endpoint(SocketHandle* socket, std::string endpoint) {
    for (auto it = listeners_.begin(); it != listeners_.end();) {
        Listener& listener = *it->second;
        if (listener.link.socket == socket && listener.bound == endpoint) {
            unwatch(listener.fd);
            net::close_fd(listener.fd);
            monitor(socket, {monitor_event::closed, listener.fd, listener.bound, {}});
            it = listeners_.erase(it);
        } else {
            ++it;
        }
    }
    const int64_t now = monotonic_ms();
    // Connections the listener accepted go with it, as libzmq's unbind does.
    std::vector<uint64_t> accepted;
    for (auto& [id, entry] : sessions_)
        if (entry->link.socket == socket && entry->connecter == nullptr &&
            entry->endpoint == endpoint)
            accepted.push_back(id);
    for (uint64_t id : accepted) end_session(id, now, true);
    std::vector<uint64_t> doomed;
    for (auto& [id, connecter] : connecters_)
        if (connecter->link.socket == socket && connecter->endpoint_text == endpoint)
            doomed.push_back(id);
    for (uint64_t id : doomed) {
        Connecter& connecter = *connecters_[id];
        if (connecter.connecting_fd >= 0) {
            unwatch(connecter.connecting_fd);
            net::close_fd(connecter.connecting_fd);
        }
        if (connecter.session_id != 0) {
            auto session = sessions_.find(connecter.session_id);
            if (session != sessions_.end()) session->second->connecter = nullptr;
            end_session(connecter.session_id, now, true);
        }
        if (connecter.pipe) connecter.pipe->close();
        connecters_.erase(id);
    }
}

void IoThread::socket_closed(SocketHandle* socket, int linger_ms) {
    const int64_t now = monotonic_ms();
    const int64_t deadline = linger_ms < 0 ? -1 : now + linger_ms;
    for (auto it = listeners_.begin(); it != listeners_.end();) {
        Listener& listener = *it->second;
        if (listener.link.socket == socket) {
            unwatch(listener.fd);
            monitor(socket, {monitor_event::closed, listener.fd, listener.bound, {}});
            net::close_fd(listener.fd);
            it = listeners_.erase(it);
        } else {
            ++it;
        }
    }
    std::vector<uint64_t> finished;
    for (auto& [id, connecter] : connecters_) {
        if (connecter->link.socket != socket) continue;
        connecter->socket_closed = true;
        connecter->linger_deadline_ms = deadline;
        // Nothing left to deliver: no need to keep trying.
        if (connecter->session_id == 0 &&
            (!connecter->pipe || !connecter->pipe->readable() || linger_ms == 0))
            finished.push_back(id);
    }
    for (uint64_t id : finished) {
        Connecter& connecter = *connecters_[id];
        if (connecter.connecting_fd >= 0) {
            unwatch(connecter.connecting_fd);
            net::close_fd(connecter.connecting_fd);
        }
        if (connecter.pipe) connecter.pipe->close();
        connecters_.erase(id);
    }
    std::vector<uint64_t> to_pump;
    for (auto& [id, entry] : sessions_) {
        if (entry->link.socket != socket) continue;
        entry->linger_deadline_ms = deadline;
        to_pump.push_back(id);
    }
    for (uint64_t id : to_pump) {
        auto it = sessions_.find(id);
        if (it == sessions_.end()) continue;
        if (linger_ms == 0) {
            end_session(id, now, true);
        } else {
            run_session(*it->second, it->second->session->pump(now, scratch_), now);
        }
    }
}

// --- the loop -------------------------------------------------------------------------

void IoThread::handle_mailbox() {
    std::vector<std::function<void()>> work;
    std::vector<uint64_t> events;
    {
        std::lock_guard lock(mailbox_mutex_);
        work.swap(mailbox_);
        events.swap(pipe_events_);
        if (stop_requested_) stopping_ = true;
    }
    for (auto& fn : work) fn();
    for (uint64_t pipe_id : events) handle_pipe_event(pipe_id);
}

void IoThread::handle_pipe_event(uint64_t pipe_id) {
    const int64_t now = monotonic_ms();
    if (auto zap = session_by_zap_pipe_.find(pipe_id); zap != session_by_zap_pipe_.end()) {
        handle_zap_reply(zap->second, now);
        return;
    }
    auto it = session_by_pipe_.find(pipe_id);
    if (it != session_by_pipe_.end()) {
        auto session = sessions_.find(it->second);
        if (session != sessions_.end())
            run_session(*session->second, session->second->session->pump(now, scratch_), now);
        return;
    }
    // A connecter's pipe with no live connection: if the socket closed and everything
    // queued was read by nobody, there is nothing more to do.
    for (auto& [id, connecter] : connecters_) {
        if (connecter->pipe && connecter->pipe->id() == pipe_id && connecter->socket_closed &&
            connecter->session_id == 0 && !connecter->pipe->readable()) {
            if (connecter->connecting_fd >= 0) {
                unwatch(connecter->connecting_fd);
                net::close_fd(connecter->connecting_fd);
            }
            connecter->pipe->close();
            connecters_.erase(id);
            return;
        }
    }
}

void IoThread::run_timers(int64_t now_ms) {
    std::vector<uint64_t> retry;
    std::vector<uint64_t> expired_connecters;
    for (auto& [id, connecter] : connecters_) {
        if (connecter->linger_deadline_ms >= 0 && now_ms >= connecter->linger_deadline_ms &&
            connecter->session_id == 0) {
            expired_connecters.push_back(id);
        } else if (connecter->retry_at_ms >= 0 && now_ms >= connecter->retry_at_ms &&
                   connecter->session_id == 0 && connecter->connecting_fd < 0) {
            retry.push_back(id);
        }
    }
    for (uint64_t id : expired_connecters) {
        Connecter& connecter = *connecters_[id];
        if (connecter.connecting_fd >= 0) {
            unwatch(connecter.connecting_fd);
            net::close_fd(connecter.connecting_fd);
        }
        if (connecter.pipe) connecter.pipe->close();
        connecters_.erase(id);
    }
    for (uint64_t id : retry) {
        auto it = connecters_.find(id);
        if (it != connecters_.end()) start_connect(*it->second, now_ms);
    }
    std::vector<uint64_t> due;
    std::vector<uint64_t> lingered_out;
    for (auto& [id, entry] : sessions_) {
        if (entry->linger_deadline_ms >= 0 && now_ms >= entry->linger_deadline_ms) {
            lingered_out.push_back(id);
        } else if (entry->session->next_deadline_ms() <= now_ms) {
            due.push_back(id);
        }
    }
    for (uint64_t id : lingered_out) end_session(id, now_ms, true);
    for (uint64_t id : due) {
        auto it = sessions_.find(id);
        if (it != sessions_.end())
            run_session(*it->second, it->second->session->on_timer(now_ms, scratch_), now_ms);
    }
}

int IoThread::next_timeout_ms(int64_t now_ms) const {
    if (!busy_.empty()) return 0;
    int64_t next = INT64_MAX;
    for (const auto& [id, connecter] : connecters_) {
        if (connecter->retry_at_ms >= 0) next = std::min(next, connecter->retry_at_ms);
        if (connecter->linger_deadline_ms >= 0)
            next = std::min(next, connecter->linger_deadline_ms);
    }
    for (const auto& [id, entry] : sessions_) {
        next = std::min(next, entry->session->next_deadline_ms());
        if (entry->linger_deadline_ms >= 0) next = std::min(next, entry->linger_deadline_ms);
    }
    if (next == INT64_MAX) return -1;
    return static_cast<int>(std::clamp<int64_t>(next - now_ms, 0, 60 * 60 * 1000));
}

bool IoThread::idle() const {
    return sessions_.empty() && connecters_.empty();
}

void IoThread::loop() {
    epoll_event events[kMaxEpollEvents];
    while (true) {
        const int64_t before = monotonic_ms();
        const int timeout = next_timeout_ms(before);
        const int count = ::epoll_wait(epoll_fd_, events, kMaxEpollEvents, timeout);
        const int64_t now = monotonic_ms();
        for (int i = 0; i < count; ++i) {
            const uint64_t key = events[i].data.u64;
            if (key == kWakeupKey) continue;  // handled below, once
            if (auto it = sessions_.find(key); it != sessions_.end()) {
                StreamSession& session = *it->second->session;
                StreamSession::Status status = StreamSession::Status::idle;
                if (events[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
                    status = session.on_writable(now, scratch_);
                if (status != StreamSession::Status::closed &&
                    (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)))
                    status = session.on_readable(now, scratch_);
                run_session(*it->second, status, now);
            } else if (auto lt = listeners_.find(key); lt != listeners_.end()) {
                accept_all(*lt->second, now);
            } else if (auto ct = connecters_.find(key); ct != connecters_.end()) {
                if (ct->second->connecting_fd >= 0) connect_finished(*ct->second, now);
            }
        }
        wakeup_.reset();
        handle_mailbox();
        run_timers(now);
        // Sessions that yielded get another turn, after everyone else had theirs.
        std::vector<uint64_t> again;
        again.swap(busy_);
        for (uint64_t id : again) {
            auto it = sessions_.find(id);
            if (it != sessions_.end())
                run_session(*it->second, it->second->session->pump(now, scratch_), now);
        }
        if (stopping_ && idle()) break;
    }
    // Whatever is left (listeners of sockets never closed) goes now.
    for (auto& [id, listener] : listeners_) {
        net::close_fd(listener->fd);
        if (listener->owns_path) net::unlink_ipc(listener->endpoint);
    }
    listeners_.clear();
}

}  // namespace sculpin
