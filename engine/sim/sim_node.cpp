#include "sim/sim_node.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "sim/message_preview.hpp"
#include "sim/simulation.hpp"
#include "transport/endpoint.hpp"
#include "transport/security_config.hpp"

namespace sculpin::sim {

namespace {
uint64_t capacity(int hwm) {
    return hwm <= 0 ? 0 : static_cast<uint64_t>(hwm);
}
uint64_t inproc_capacity(int sndhwm, int rcvhwm) {
    if (sndhwm <= 0 || rcvhwm <= 0) return 0;
    return static_cast<uint64_t>(sndhwm) + static_cast<uint64_t>(rcvhwm);
}
std::vector<uint8_t> scratch_buffer(64 * 1024);
// Topics are bytes: show them quoted, with anything unprintable as \xNN.
std::string printable_topic(std::string_view topic) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : topic) {
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        }
    }
    return out + "\"";
}
}  // namespace

struct SimNode::SimSocket {
    int id = 0;
    std::unique_ptr<Socket> socket;
    std::vector<std::string> endpoints;
    std::vector<uint64_t> listener_ids;
    std::vector<uint64_t> connecter_ids;
};

struct SimNode::Listener {
    uint64_t id = 0;
    int socket_id = 0;
    int port = 0;
    std::string endpoint;
};

struct SimNode::Connecter {
    uint64_t id = 0;
    int socket_id = 0;
    std::string endpoint;
    std::string host;
    int port = 0;
    std::shared_ptr<PipeEnd> pipe;  // session side, when made at connect time
    bool pipe_persists = false;
    uint64_t session_id = 0;
    bool connecting = false;
    int current_ivl_ms = 100;
    EventId retry_event = 0;
    bool socket_closed = false;
};

struct SimNode::SessionEntry {
    std::unique_ptr<StreamSession> session;
    int socket_id = 0;
    uint64_t connecter_id = 0;  // 0 for accepted connections
    std::string peer_host;
    std::string endpoint;
    bool pump_posted = false;
    EventId timer_event = 0;
    int64_t timer_at_ms = INT64_MAX;
    bool announced = false;  // handshake traced
    bool stream_readable = false;
    bool stream_writable = false;
};

// The sub-stream of a node's Rng that CURVE handshakes draw from ("CURV").
constexpr uint64_t kCurveRngStream = 0x43555256;

SimNode::SimNode(Simulation& simulation, std::string name, std::string program_name,
                 Program program, Params params, Rng rng)
    : sim_(simulation),
      name_(std::move(name)),
      program_name_(std::move(program_name)),
      program_(std::move(program)),
      params_(std::move(params)),
      rng_(rng),
      curve_rng_(std::make_shared<Rng>(rng.fork(kCurveRngStream))) {}

SimNode::~SimNode() {
    crashing_ = true;
    waiting_ = false;
    task_.reset();
    sessions_.clear();
    connecters_.clear();
    sockets_.clear();
    socket_by_id_.clear();
}

// --- plumbing --------------------------------------------------------------------------------

template <class Fn>
void SimNode::post(Fn&& fn) {
    const uint64_t incarnation = incarnation_;
    sim_.scheduler().after(0, [this, incarnation, fn = std::forward<Fn>(fn)]() mutable {
        if (incarnation != incarnation_ || !alive_) return;
        if (paused_) {
            held_events_.emplace_back(std::move(fn));
            return;
        }
        fn();
    });
}

void SimNode::trace(TraceKind kind, int socket, uint64_t message, std::string_view peer,
                    std::string_view detail, int64_t value) {
    if (deferring_) {
        deferred_.push_back({sim_.scheduler().now(), kind, name_, socket, message,
                             std::string(peer), std::string(detail), value});
    } else {
        sim_.record(kind, name_, socket, message, peer, detail, value);
    }
}

int64_t SimNode::now_ms() {
    return sim_.scheduler().now() / kNsPerMs;
}

SimNode::SimSocket* SimNode::find_socket(int socket_id) {
    if (socket_id <= 0 || static_cast<size_t>(socket_id) >= socket_by_id_.size()) return nullptr;
    SimSocket* socket = socket_by_id_[static_cast<size_t>(socket_id)];
    assert(socket == nullptr || socket->id == socket_id);
    return socket;
}

// --- lifecycle -------------------------------------------------------------------------------

void SimNode::start() {
    ++incarnation_;
    alive_ = true;
    exited_ = false;
    paused_ = false;
    crashing_ = false;
    busy_until_ns_ = 0;
    held_events_.clear();
    trace(TraceKind::node_start, 0, 0, "", program_name_);
    node_ = std::make_unique<Node>(*this, params_);
    task_ = program_(*node_);
    resume_program(nullptr);
}

void SimNode::resume_program(std::coroutine_handle<> handle) {
    if (handle) {
        handle.resume();
    } else {
        task_.start();
    }
    check_program_done();
}

void SimNode::check_program_done() {
    if (!alive_ || exited_ || !task_.done()) return;
    std::string error;
    if (auto eptr = task_.error()) {
        try {
            std::rethrow_exception(eptr);
        } catch (const std::exception& e) {
            error = e.what();
        } catch (...) {
            error = "unknown exception";
        }
    }
    exited_ = true;
    trace(TraceKind::node_exit, 0, 0, "", error);
    // A finished process closes its sockets (as exit() would); queued output is flushed by
    // sessions that are still up, per LINGER.
    std::vector<int> ids;
    for (const auto& [id, socket] : sockets_) ids.push_back(id);
    for (int id : ids) close_socket(id);
}

void SimNode::crash() {
    if (!alive_) return;
    trace(TraceKind::node_crash, 0, 0, "", "");
    teardown("crash");
    alive_ = false;
    exited_ = false;
}

void SimNode::teardown(const std::string& reason) {
    crashing_ = true;
    ++incarnation_;  // every event already scheduled for us is now void
    if (waiting_ && waiter_.deadline_event != 0) sim_.scheduler().cancel(waiter_.deadline_event);
    waiting_ = false;
    resume_posted_ = false;
    task_.reset();  // destroys every frame of the program
    node_.reset();
    held_events_.clear();
    std::vector<uint64_t> session_ids;
    for (const auto& [id, entry] : sessions_) session_ids.push_back(id);
    for (uint64_t id : session_ids) end_session(id, reason);
    std::vector<uint64_t> connecter_ids;
    for (const auto& [id, connecter] : connecters_) connecter_ids.push_back(id);
    for (uint64_t id : connecter_ids) remove_connecter(id, reason.c_str());
    for (const auto& [id, listener] : listeners_) {
        auto ep = parse_endpoint(listener->endpoint, nullptr);
        if (ep) sim_.network().unlisten(name_, ep->port);
    }
    listeners_.clear();
    for (auto& [id, socket] : sockets_) {
        socket->socket->close_all_pipes();
        trace(TraceKind::socket_close, id, 0, "", reason);
    }
    sockets_.clear();
    socket_by_id_.clear();
    socket_of_pipe_.clear();
    session_of_pipe_.clear();
    inproc_bound_.clear();
    all_pipes_.clear();
    sim_.network().host_down(name_);
    crashing_ = false;
}

void SimNode::pause() {
    paused_ = true;
    trace(TraceKind::node_pause, 0, 0, "", "");
}

void SimNode::resume() {
    if (!paused_) return;
    paused_ = false;
    trace(TraceKind::node_resume, 0, 0, "", "");
    std::vector<std::function<void()>> held;
    held.swap(held_events_);
    for (auto& fn : held) post(std::move(fn));
}

// --- sockets ---------------------------------------------------------------------------------

int SimNode::open_socket(SocketType type) {
    auto socket = std::make_unique<SimSocket>();
    socket->id = next_socket_id_++;
    socket->socket = Socket::create(type);
    assert(socket->socket);
    const int id = socket->id;
    socket->socket->set_drop_hook([this, id](const Message& msg, DropReason reason) {
        if (msg.trace_id == 0) return;  // control traffic (subscriptions)
        trace(TraceKind::drop, id, msg.trace_id, "",
              crashing_ ? std::string("crash") : std::string(to_string(reason)));
    });
    socket->socket->set_fork_hook([this, id](const Message& msg, size_t extra) {
        if (msg.trace_id == 0) return;
        trace(TraceKind::fork, id, msg.trace_id, "", "", static_cast<int64_t>(extra));
    });
    socket->socket->set_subscription_hook(
        [this, id](std::string_view topic, bool subscribe, const PipeEnd& from) {
            // The peer's name: a node for tcp, this node for inproc.
            const std::string peer =
                from.peer_info.address == "inproc" ? name_ : from.peer_info.address;
            trace(TraceKind::subscribed, id, 0, peer,
                  (subscribe ? "subscribe " : "cancel ") + printable_topic(topic));
        });
    trace(TraceKind::socket_open, id, 0, "", std::string(zmtp_name(type)));
    if (socket_by_id_.size() <= static_cast<size_t>(id))
        socket_by_id_.resize(static_cast<size_t>(id) + 1, nullptr);
    socket_by_id_[static_cast<size_t>(id)] = socket.get();
    sockets_[id] = std::move(socket);
    return id;
}

void SimNode::close_socket(int socket_id) {
    SimSocket* socket = find_socket(socket_id);
    if (socket == nullptr) return;
    const int linger_ms = socket->socket->options().linger_ms;
    for (uint64_t listener_id : socket->listener_ids) {
        auto it = listeners_.find(listener_id);
        if (it == listeners_.end()) continue;
        sim_.network().unlisten(name_, it->second->port);
        listeners_.erase(it);
    }
    for (auto it = inproc_bound_.begin(); it != inproc_bound_.end();) {
        if (it->second == socket_id) {
            it = inproc_bound_.erase(it);
        } else {
            ++it;
        }
    }
    // Closing our pipe ends lets sessions flush what is queued, then finish.
    socket->socket->close_all_pipes();
    for (uint64_t connecter_id : socket->connecter_ids) {
        auto it = connecters_.find(connecter_id);
        if (it == connecters_.end()) continue;
        Connecter& connecter = *it->second;
        connecter.socket_closed = true;
        if (connecter.session_id == 0 &&
            (!connecter.pipe || !connecter.pipe->readable() || linger_ms == 0))
            remove_connecter(connecter_id, "closed");
    }
    if (linger_ms >= 0) {
        // LINGER: whatever is still queued after this long is thrown away.
        const uint64_t incarnation = incarnation_;
        sim_.scheduler().after(static_cast<TimeNs>(linger_ms) * kNsPerMs,
                               [this, socket_id, incarnation] {
                                   if (incarnation != incarnation_) return;
                                   std::vector<uint64_t> doomed;
                                   for (const auto& [id, entry] : sessions_)
                                       if (entry->socket_id == socket_id) doomed.push_back(id);
                                   for (uint64_t id : doomed) end_session(id, "linger");
                                   std::vector<uint64_t> connecters;
                                   for (const auto& [id, connecter] : connecters_)
                                       if (connecter->socket_id == socket_id)
                                           connecters.push_back(id);
                                   for (uint64_t id : connecters) remove_connecter(id, "linger");
                               });
    }
    trace(TraceKind::socket_close, socket_id, 0, "", "");
    for (auto it = socket_of_pipe_.begin(); it != socket_of_pipe_.end();) {
        if (it->second == socket_id) {
            it = socket_of_pipe_.erase(it);
        } else {
            ++it;
        }
    }
    socket_by_id_[static_cast<size_t>(socket_id)] = nullptr;
    sockets_.erase(socket_id);
}

void SimNode::attach(SimSocket& socket, std::shared_ptr<PipeEnd> end) {
    end->set_listener(this);
    socket_of_pipe_[end->id()] = socket.id;
    socket.socket->attach(std::move(end));
}

int SimNode::bind(int socket_id, const std::string& text) {
    SimSocket* socket = find_socket(socket_id);
    if (socket == nullptr) return ENOTSOCK;
    std::string error;
    auto ep = parse_endpoint(text, &error);
    if (!ep) {
        log("bind failed: " + error);
        return EINVAL;
    }
    if (socket->socket->type() == SocketType::stream) {
        log("bind failed: STREAM sockets (raw TCP) run on the real runtime only");
        return kEnocompatproto;
    }
    if (ep->transport == Transport::inproc) {
        if (inproc_bound_.count(ep->path) != 0) return EADDRINUSE;
        inproc_bound_[ep->path] = socket_id;
    } else {
        // In the simulator, a tcp host is a node name; "*" means this node.
        if (ep->host != "*" && ep->host != name_ && ep->host != "0.0.0.0") {
            log("bind failed: " + text + " is not an address of node " + name_);
            return EADDRNOTAVAIL;
        }
        const uint64_t listener_id = next_object_id_++;
        const bool ok = sim_.network().listen(
            name_, ep->port,
            [this, socket_id, listener_id, text](std::unique_ptr<SimStream> stream) {
                if (!alive_) return;
                if (listeners_.count(listener_id) == 0) return;  // unbound meanwhile
                start_session(std::move(stream), socket_id, 0, text);
            });
        if (!ok) return EADDRINUSE;
        auto listener = std::make_unique<Listener>();
        listener->id = listener_id;
        listener->socket_id = socket_id;
        listener->port = ep->port;
        listener->endpoint = text;
        listeners_[listener_id] = std::move(listener);
        socket->listener_ids.push_back(listener_id);
    }
    socket->endpoints.push_back(text);
    trace(TraceKind::bind, socket_id, 0, text, "");
    return 0;
}

int SimNode::connect(int socket_id, const std::string& text) {
    SimSocket* socket = find_socket(socket_id);
    if (socket == nullptr) return ENOTSOCK;
    std::string error;
    auto ep = parse_endpoint(text, &error);
    if (!ep) {
        log("connect failed: " + error);
        return EINVAL;
    }
    if (socket->socket->type() == SocketType::stream) {
        // Raw bytes have no message boundaries for the ledger to follow.
        log("connect failed: STREAM sockets (raw TCP) run on the real runtime only");
        return kEnocompatproto;
    }
    trace(TraceKind::connect, socket_id, 0, text, "");
    socket->endpoints.push_back(text);
    const SocketOptions& options = socket->socket->options();
    if (ep->transport == Transport::inproc) {
        auto bound = inproc_bound_.find(ep->path);
        if (bound == inproc_bound_.end()) {
            log("inproc connect to unbound " + text + " (bind first in this simulator)");
            return ECONNREFUSED;
        }
        SimSocket* binder = find_socket(bound->second);
        const SocketOptions& b = binder->socket->options();
        auto [to_binder, to_connecter] = make_pipe(inproc_capacity(options.sndhwm, b.rcvhwm),
                                                   inproc_capacity(b.sndhwm, options.rcvhwm));
        to_binder->peer_info = {binder->socket->type(), b.routing_id, "inproc"};
        to_connecter->peer_info = {socket->socket->type(), options.routing_id, "inproc"};
        // So that a later SNDHWM/RCVHWM keeps the binder's share of each queue.
        to_binder->set_peer_hwms(b.sndhwm, b.rcvhwm);
        to_connecter->set_peer_hwms(options.sndhwm, options.rcvhwm);
        all_pipes_.push_back(to_binder);
        attach(*binder, std::move(to_connecter));
        attach(*socket, std::move(to_binder));
        trace(TraceKind::connected, socket_id, 0, name_, text);
        return 0;
    }
    auto connecter = std::make_unique<Connecter>();
    connecter->id = next_object_id_++;
    connecter->socket_id = socket_id;
    connecter->endpoint = text;
    connecter->host = ep->host;
    connecter->port = ep->port;
    connecter->current_ivl_ms = options.reconnect_ivl_ms;
    // As in the real runtime: CONNECT_ROUTING_ID lets ROUTER name the peer now.
    const bool named_now = socket->socket->names_peer_at_connect();
    if ((!options.immediate && socket->socket->type() != SocketType::router) || named_now) {
        auto [socket_end, session_end] =
            make_pipe(capacity(options.sndhwm), capacity(options.rcvhwm));
        socket_end->peer_info.address = text;
        if (named_now) socket_end->peer_info.routing_id = socket->socket->take_connect_routing_id();
        session_end->peer_info.socket_type = socket->socket->type();
        session_end->peer_info.routing_id = options.routing_id;
        session_end->set_listener(this);
        all_pipes_.push_back(socket_end);
        attach(*socket, std::move(socket_end));
        connecter->pipe = std::move(session_end);
        connecter->pipe_persists = true;
    }
    const uint64_t id = connecter->id;
    socket->connecter_ids.push_back(id);
    connecters_[id] = std::move(connecter);
    start_connect(id);
    return 0;
}

int SimNode::disconnect(int socket_id, const std::string& text) {
    SimSocket* socket = find_socket(socket_id);
    if (socket == nullptr) return ENOTSOCK;
    for (uint64_t id : socket->connecter_ids) {
        auto it = connecters_.find(id);
        if (it != connecters_.end() && it->second->endpoint == text) {
            if (it->second->session_id != 0) end_session(it->second->session_id, "disconnected");
            remove_connecter(id, "closed");
            return 0;
        }
    }
    return ENOENT;
}

int SimNode::set_option(int socket_id, int option, const void* value, size_t size) {
    SimSocket* socket = find_socket(socket_id);
    if (socket == nullptr) return ENOTSOCK;
    const int rc = socket->socket->set_option(option, value, size);
    after_socket_event();  // a subscription may have been sent
    return rc;
}

int SimNode::get_option(int socket_id, int option, void* value, size_t* size) {
    SimSocket* socket = find_socket(socket_id);
    if (socket == nullptr) return ENOTSOCK;
    return socket->socket->get_option(option, value, size);
}

// A subscription sent on an XSUB ("\x01topic" or "\x00topic", what a proxy forwards
// upstream) is control traffic: the socket applies it and tells its publishers with a
// SUBSCRIBE/CANCEL, as a SUB does for a subscribe option. Like the subscriptions an XPUB
// hands its application, it has no ledger id and is neither sent nor delivered in the
// trace; the publisher's `subscribed` event shows it arriving.
namespace {
bool is_control(SocketType type, const Message& msg) {
    return type == SocketType::xsub && msg.size() == 1 && !msg.front().empty() &&
           (msg.front().data()[0] == 0 || msg.front().data()[0] == 1);
}
}  // namespace

int SimNode::try_send(int socket_id, Message& msg) {
    SimSocket* socket = find_socket(socket_id);
    if (socket == nullptr) return ENOTSOCK;
    if (is_control(socket->socket->type(), msg)) {
        msg.trace_id = 0;
        deferring_ = true;
        const int rc = socket->socket->send(msg);
        deferring_ = false;
        std::vector<TraceEvent> during;
        during.swap(deferred_);
        for (auto& event : during) sim_.record(std::move(event));
        return rc;
    }
    const bool fresh = msg.trace_id == 0;
    if (fresh) msg.trace_id = sim_.next_message_id();
    const uint64_t id = msg.trace_id;
    sim_.report_sent(id, msg);
    // The preview is taken before the send moves msg away: a copy into the reused buffer,
    // which stays as it is until the send is traced (nothing re-enters try_send meanwhile).
    assert(!deferring_ && "a socket call does not send on the node's sockets");
    if (const std::string_view view = preview_of(msg, preview_); view.data() != preview_.data())
        preview_.assign(view);
    const std::string_view shown = preview_;
    const int64_t size = static_cast<int64_t>(msg.size_bytes());
    deferring_ = true;
    const int rc = socket->socket->send(msg);
    deferring_ = false;
    std::vector<TraceEvent> during;
    during.swap(deferred_);
    if (rc == 0) trace(TraceKind::send, socket_id, id, "", shown, size);
    for (auto& event : during) sim_.record(std::move(event));
    return rc;
}

int SimNode::try_recv(int socket_id, Message& out) {
    SimSocket* socket = find_socket(socket_id);
    if (socket == nullptr) return ENOTSOCK;
    if (busy_until_ns_ > sim_.scheduler().now())
        return EAGAIN;  // still working on the previous one
    const int rc = socket->socket->recv(out);
    if (rc == 0) {
        // A message without an id is control traffic the socket made for its application
        // (an XPUB's subscriptions and cancels): nobody sent it, so it is not delivered.
        if (out.trace_id != 0) {
            trace(TraceKind::deliver, socket_id, out.trace_id, "", preview_of(out, preview_),
                  static_cast<int64_t>(out.size_bytes()));
        }
        if (slow_delay_ms_ > 0) busy_until_ns_ = sim_.scheduler().now() + slow_delay_ms_ * kNsPerMs;
        // Delivered: its story ends here. Sending it on (a broker, an echo) is a new
        // message with an id of its own.
        out.trace_id = 0;
    }
    return rc;
}

bool SimNode::ready(int socket_id, short events) {
    SimSocket* socket = find_socket(socket_id);
    if (socket == nullptr) return false;
    if ((events & node_poll::in) && busy_until_ns_ <= sim_.scheduler().now() &&
        socket->socket->can_recv())
        return true;
    if ((events & node_poll::out) && socket->socket->can_send()) return true;
    return false;
}

bool SimNode::wait_now(const WaitSpec& spec) {
    if (spec.deadline_ms >= 0 && now_ms() >= spec.deadline_ms) return true;
    for (const auto& item : spec.items)
        if (ready(item.socket_id, item.events)) return true;
    return false;
}

void SimNode::wait_later(const WaitSpec& spec, std::coroutine_handle<> waiter) {
    assert(!waiting_ && "a node program has one thread: one wait at a time");
    waiting_ = true;
    waiter_.spec = spec;
    waiter_.handle = waiter;
    waiter_.deadline_event = 0;
    TimeNs wake_ns = spec.deadline_ms < 0 ? -1 : spec.deadline_ms * kNsPerMs;
    if (busy_until_ns_ > sim_.scheduler().now() && !spec.items.empty())
        wake_ns = wake_ns < 0 ? busy_until_ns_ : std::min(wake_ns, busy_until_ns_);
    if (wake_ns >= 0) {
        const uint64_t incarnation = incarnation_;
        waiter_.deadline_event = sim_.scheduler().at(
            std::max<TimeNs>(wake_ns, sim_.scheduler().now()), [this, incarnation] {
                if (incarnation != incarnation_ || !waiting_) return;
                waiter_.deadline_event = 0;
                post([this] { resume_waiter(); });
            });
    }
}

void SimNode::resume_waiter() {
    if (!waiting_) return;
    std::coroutine_handle<> handle = waiter_.handle;
    if (waiter_.deadline_event != 0) sim_.scheduler().cancel(waiter_.deadline_event);
    waiting_ = false;
    resume_program(handle);
}

void SimNode::after_socket_event() {
    if (!waiting_ || resume_posted_) return;
    bool satisfied = false;
    for (const auto& item : waiter_.spec.items)
        if (ready(item.socket_id, item.events)) satisfied = true;
    if (!satisfied) return;
    resume_posted_ = true;
    post([this] {
        resume_posted_ = false;
        resume_waiter();
    });
}

void SimNode::log(std::string_view line) {
    trace(TraceKind::log, 0, 0, "", std::string(line));
}

void SimNode::mark(std::string_view what, std::string_view detail) {
    std::string text(what);
    if (!detail.empty()) text += ": " + std::string(detail);
    trace(TraceKind::mark, 0, 0, "", text);
}

// --- pipe events -----------------------------------------------------------------------------

void SimNode::pipe_readable(PipeEnd& end) {
    const uint64_t pipe_id = end.id();
    if (auto it = session_of_pipe_.find(pipe_id); it != session_of_pipe_.end()) {
        const uint64_t session_id = it->second;
        auto entry = sessions_.find(session_id);
        if (entry != sessions_.end() && !entry->second->pump_posted) {
            entry->second->pump_posted = true;
            post([this, session_id] { pump_session(session_id); });
        }
        return;
    }
    if (auto it = socket_of_pipe_.find(pipe_id); it != socket_of_pipe_.end()) {
        const int socket_id = it->second;
        post([this, socket_id, pipe_id] {
            if (SimSocket* socket = find_socket(socket_id)) {
                socket->socket->pipe_readable(pipe_id);
                after_socket_event();
            }
        });
        return;
    }
    // A connecter's pipe with no session: nothing to do until a connection exists.
}

void SimNode::pipe_writable(PipeEnd& end) {
    const uint64_t pipe_id = end.id();
    if (session_of_pipe_.count(pipe_id) != 0) {
        pipe_readable(end);  // a session pumps both ways
        return;
    }
    if (auto it = socket_of_pipe_.find(pipe_id); it != socket_of_pipe_.end()) {
        const int socket_id = it->second;
        post([this, socket_id, pipe_id] {
            if (SimSocket* socket = find_socket(socket_id)) {
                socket->socket->pipe_writable(pipe_id);
                after_socket_event();
            }
        });
    }
}

// --- tcp sessions ----------------------------------------------------------------------------

wire::ZmtpConfig SimNode::codec_config(const SimSocket& socket) const {
    const SocketOptions& options = socket.socket->options();
    wire::ZmtpConfig config;
    config.socket_type = socket.socket->type();
    config.routing_id = options.routing_id;
    config.max_message_size_bytes = options.maxmsgsize_bytes;
    config.heartbeat_ivl_ms = options.heartbeat_ivl_ms;
    config.heartbeat_ttl_ms = options.heartbeat_ttl_ms;
    config.heartbeat_timeout_ms = options.heartbeat_timeout_ms;
    config.handshake_ivl_ms = options.handshake_ivl_ms;
    // PLAIN and CURVE work in simulation too; ZAP does not (SessionOwner's default: no handler is
    // bound, so NULL peers get in and a PLAIN server refuses everyone, saying why).
    config.security = security_config(options);
    config.security.random = [rng = curve_rng_](std::span<uint8_t> out) {
        for (uint8_t& byte : out) byte = static_cast<uint8_t>(rng->next());
    };
    return config;
}

void SimNode::start_connect(uint64_t connecter_id) {
    auto it = connecters_.find(connecter_id);
    if (it == connecters_.end()) return;
    Connecter& connecter = *it->second;
    connecter.retry_event = 0;
    connecter.connecting = true;
    const uint64_t incarnation = incarnation_;
    sim_.network().connect(
        name_, connecter.host, connecter.port,
        [this, incarnation, connecter_id](std::unique_ptr<SimStream> stream, int error) {
            // A stream for a dead incarnation is simply dropped (its destructor sends FIN).
            if (incarnation != incarnation_) return;
            auto found = connecters_.find(connecter_id);
            if (found == connecters_.end()) return;
            Connecter& c = *found->second;
            c.connecting = false;
            if (error != 0 || !stream) {
                if (c.current_ivl_ms < 0 || c.socket_closed) {
                    if (c.socket_closed) remove_connecter(connecter_id, "closed");
                    return;
                }
                const int ivl = c.current_ivl_ms;
                SimSocket* socket = find_socket(c.socket_id);
                const int max =
                    socket != nullptr ? socket->socket->options().reconnect_ivl_max_ms : 0;
                if (max > ivl) c.current_ivl_ms = std::min(ivl * 2, max);
                c.retry_event = sim_.scheduler().after(
                    static_cast<TimeNs>(ivl) * kNsPerMs, [this, incarnation, connecter_id] {
                        if (incarnation == incarnation_)
                            post([this, connecter_id] { start_connect(connecter_id); });
                    });
                return;
            }
            start_session(std::move(stream), c.socket_id, connecter_id, c.endpoint);
        });
}

void SimNode::start_session(std::unique_ptr<SimStream> stream, int socket_id, uint64_t connecter_id,
                            std::string endpoint) {
    SimSocket* socket = find_socket(socket_id);
    if (socket == nullptr) return;  // closed meanwhile: the stream closes as it goes
    const uint64_t id = next_object_id_++;
    auto entry = std::make_unique<SessionEntry>();
    entry->socket_id = socket_id;
    entry->connecter_id = connecter_id;
    entry->peer_host = stream->remote_host();
    entry->endpoint = std::move(endpoint);
    SimStream* raw = stream.get();
    const uint64_t incarnation = incarnation_;
    // Stream readiness is an edge: remember it until the session has looked.
    auto wake = [this, incarnation, id](bool readable) {
        if (incarnation != incarnation_) return;
        auto found = sessions_.find(id);
        if (found == sessions_.end()) return;
        (readable ? found->second->stream_readable : found->second->stream_writable) = true;
        if (found->second->pump_posted) return;
        found->second->pump_posted = true;
        post([this, id] { pump_session(id); });
    };
    raw->set_callbacks([wake] { wake(true); }, [wake] { wake(false); });
    entry->session = std::make_unique<StreamSession>(std::move(stream), codec_config(*socket),
                                                     entry->peer_host, *this, id);
    trace(TraceKind::connected, socket_id, 0, entry->peer_host, entry->endpoint);
    if (connecter_id != 0) {
        auto c = connecters_.find(connecter_id);
        if (c != connecters_.end()) {
            c->second->session_id = id;
            if (c->second->pipe) {
                entry->session->set_pipe(c->second->pipe);
                session_of_pipe_[c->second->pipe->id()] = id;
            }
        }
    }
    sessions_[id] = std::move(entry);
    sessions_[id]->session->start(now_ms());
    pump_session(id);
}

std::shared_ptr<PipeEnd> SimNode::session_ready(StreamSession& session, const wire::ZmtpPeer& peer,
                                                std::string* refusal) {
    auto it = sessions_.find(session.id());
    assert(it != sessions_.end());
    SessionEntry& entry = *it->second;
    SimSocket* socket = find_socket(entry.socket_id);
    if (socket == nullptr) {
        *refusal = StreamSession::kSocketClosed;
        return nullptr;
    }
    entry.announced = true;
    trace(TraceKind::handshake, entry.socket_id, 0, entry.peer_host,
          std::string(zmtp_name(peer.socket_type)));
    const SocketOptions& options = socket->socket->options();
    if (entry.connecter_id != 0) {
        auto c = connecters_.find(entry.connecter_id);
        if (c != connecters_.end()) c->second->current_ivl_ms = options.reconnect_ivl_ms;
    }
    auto [socket_end, session_end] = make_pipe(capacity(options.sndhwm), capacity(options.rcvhwm));
    socket_end->peer_info.socket_type = peer.socket_type;
    socket_end->peer_info.routing_id = peer.routing_id;
    socket_end->peer_info.address = entry.peer_host;
    session_end->peer_info.socket_type = socket->socket->type();
    session_end->peer_info.routing_id = options.routing_id;
    session_end->set_listener(this);
    session_of_pipe_[session_end->id()] = session.id();
    all_pipes_.push_back(socket_end);
    if (entry.connecter_id != 0) {
        auto c = connecters_.find(entry.connecter_id);
        if (c != connecters_.end()) c->second->pipe = session_end;
    }
    attach(*socket, std::move(socket_end));
    after_socket_event();
    return session_end;
}

void SimNode::pump_session(uint64_t session_id) {
    auto it = sessions_.find(session_id);
    if (it == sessions_.end()) return;
    SessionEntry& entry = *it->second;
    entry.pump_posted = false;
    const std::span<uint8_t> scratch(scratch_buffer);
    StreamSession::Status status;
    if (entry.stream_writable) {
        entry.stream_writable = false;
        status = entry.session->on_writable(now_ms(), scratch);
    } else if (entry.stream_readable) {
        entry.stream_readable = false;
        status = entry.session->on_readable(now_ms(), scratch);
    } else {
        status = entry.session->pump(now_ms(), scratch);
    }
    if (status != StreamSession::Status::closed && entry.stream_readable) {
        entry.stream_readable = false;
        status = entry.session->on_readable(now_ms(), scratch);
    }
    if (status == StreamSession::Status::closed) {
        end_session(session_id, "disconnected");
        return;
    }
    if (!entry.announced && entry.session->handshake_done()) {
        // A connecting socket's pipe predates the connection: session_ready() was not
        // needed, but the handshake happened all the same.
        entry.announced = true;
        trace(TraceKind::handshake, entry.socket_id, 0, entry.peer_host, "");
    }
    if (status == StreamSession::Status::busy && !entry.pump_posted) {
        entry.pump_posted = true;
        post([this, session_id] { pump_session(session_id); });
    }
    // Keep one timer at the codec's next deadline (handshake, heartbeat).
    const int64_t deadline_ms = entry.session->next_deadline_ms();
    if (deadline_ms != entry.timer_at_ms) {
        if (entry.timer_event != 0) sim_.scheduler().cancel(entry.timer_event);
        entry.timer_event = 0;
        entry.timer_at_ms = deadline_ms;
        if (deadline_ms != INT64_MAX) {
            const uint64_t incarnation = incarnation_;
            entry.timer_event = sim_.scheduler().at(
                std::max<TimeNs>(deadline_ms * kNsPerMs, sim_.scheduler().now()),
                [this, incarnation, session_id] {
                    if (incarnation != incarnation_) return;
                    post([this, session_id] {
                        auto found = sessions_.find(session_id);
                        if (found == sessions_.end()) return;
                        found->second->timer_event = 0;
                        found->second->timer_at_ms = INT64_MAX;
                        const auto result = found->second->session->on_timer(
                            now_ms(), std::span<uint8_t>(scratch_buffer));
                        if (result == StreamSession::Status::closed) {
                            end_session(session_id, "disconnected");
                        } else {
                            pump_session(session_id);
                        }
                    });
                });
        }
    }
}

void SimNode::end_session(uint64_t session_id, const std::string& lost_reason) {
    auto it = sessions_.find(session_id);
    if (it == sessions_.end()) return;
    std::unique_ptr<SessionEntry> entry = std::move(it->second);
    sessions_.erase(it);
    if (entry->timer_event != 0) sim_.scheduler().cancel(entry->timer_event);
    StreamSession& session = *entry->session;
    const std::string why = session.reason().empty() ? lost_reason : session.reason();
    if (!entry->announced && why != StreamSession::kSocketClosed && lost_reason != "crash") {
        log("connection to " + entry->peer_host + " failed before the handshake: " + why);
    }
    trace(TraceKind::disconnected, entry->socket_id, 0, entry->peer_host, why);
    const std::string drop_reason = lost_reason == "crash" ? "crash" : "disconnected";
    session.discard_undelivered([&](const Message& msg) {
        if (msg.trace_id != 0)
            trace(TraceKind::drop, entry->socket_id, msg.trace_id, "", drop_reason);
    });
    std::shared_ptr<PipeEnd> pipe = session.pipe();
    if (pipe) session_of_pipe_.erase(pipe->id());
    if (pipe && pipe->peer_closed()) {
        // The socket is gone: what the session already put in the pipe for it is lost.
        pipe->drain_outbound_unread([&](const Message& msg) {
            if (msg.trace_id != 0)
                trace(TraceKind::drop, entry->socket_id, msg.trace_id, "", "closed");
        });
    }
    if (lost_reason == "crash" || lost_reason == "linger") {
        static_cast<SimStream&>(session.stream()).reset(lost_reason);
    }
    entry->session.reset();  // closes (FIN) or has reset the stream
    if (entry->connecter_id == 0) {
        if (pipe) pipe->close();
        return;
    }
    auto c = connecters_.find(entry->connecter_id);
    if (c == connecters_.end()) {
        if (pipe) pipe->close();
        return;
    }
    Connecter& connecter = *c->second;
    connecter.session_id = 0;
    if (pipe && !connecter.pipe_persists) {
        pipe->close();
        connecter.pipe.reset();
    }
    if (!alive_ || crashing_) return;
    if (connecter.socket_closed && (!connecter.pipe || !connecter.pipe->readable())) {
        remove_connecter(connecter.id, "closed");
        return;
    }
    if (connecter.current_ivl_ms < 0) return;
    const uint64_t incarnation = incarnation_;
    const uint64_t connecter_id = connecter.id;
    connecter.retry_event =
        sim_.scheduler().after(static_cast<TimeNs>(connecter.current_ivl_ms) * kNsPerMs,
                               [this, incarnation, connecter_id] {
                                   if (incarnation == incarnation_)
                                       post([this, connecter_id] { start_connect(connecter_id); });
                               });
}

void SimNode::remove_connecter(uint64_t connecter_id, const char* drop_reason) {
    auto it = connecters_.find(connecter_id);
    if (it == connecters_.end()) return;
    Connecter& connecter = *it->second;
    if (connecter.retry_event != 0) sim_.scheduler().cancel(connecter.retry_event);
    if (connecter.pipe) {
        // Messages that never left the node go with it.
        Message msg;
        while (connecter.pipe->read(msg))
            if (msg.trace_id != 0)
                trace(TraceKind::drop, connecter.socket_id, msg.trace_id, "", drop_reason);
        session_of_pipe_.erase(connecter.pipe->id());
        connecter.pipe->close();
    }
    connecters_.erase(it);
}

// --- views -----------------------------------------------------------------------------------

size_t SimNode::traced_messages_held() const {
    size_t count = 0;
    for (const auto& weak : all_pipes_) {
        auto end = weak.lock();
        if (!end) continue;
        count += end->traced_inbound() + end->traced_outbound();
    }
    for (const auto& [id, socket] : sockets_) count += socket->socket->traced_held();
    for (const auto& [id, entry] : sessions_) count += entry->session->traced_stalled();
    return count;
}

std::vector<SimNode::SocketView> SimNode::sockets_view() const {
    std::vector<SocketView> views;
    for (const auto& [id, socket] : sockets_) {
        SocketView view;
        view.id = id;
        view.type = socket->socket->type();
        view.endpoints = socket->endpoints;
        view.heartbeat_ivl_ms = socket->socket->options().heartbeat_ivl_ms;
        view.heartbeat_timeout_ms = socket->socket->options().heartbeat_timeout_ms;
        for (const auto& [pipe_id, pipe] : socket->socket->pipes()) {
            PipeView pv;
            // A connecter's pipe is made before the connection and names the endpoint
            // ("tcp://server:5555"); an accepted one names the peer node.
            std::string_view peer = pipe->peer_info.address;
            if (peer == "inproc") peer = name_;
            if (const size_t scheme = peer.find("://"); scheme != std::string_view::npos) {
                peer.remove_prefix(scheme + 3);
                peer = peer.substr(0, peer.rfind(':'));
            }
            pv.peer = std::string(peer);
            pv.inbound = pipe->inbound_size();
            pv.outbound = pipe->outbound_size();
            pv.inbound_hwm = pipe->inbound_capacity();
            pv.outbound_hwm = pipe->outbound_capacity();
            view.pipes.push_back(std::move(pv));
        }
        views.push_back(std::move(view));
    }
    return views;
}

}  // namespace sculpin::sim
