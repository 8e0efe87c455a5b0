#include "runtime/socket_handle.hpp"

#include <unistd.h>
#include <algorithm>

#include <atomic>
#include <chrono>
#include <cstring>

#include "runtime/context.hpp"
#include "transport/endpoint.hpp"
#include "transport/net.hpp"

namespace sculpin {

namespace {
int64_t monotonic_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
// A transport we do not have is EPROTONOSUPPORT (as libzmq says); other bad text EINVAL.
int endpoint_error(const std::string& text) {
    const size_t scheme_end = text.find("://");
    if (scheme_end == std::string::npos) return EINVAL;
    const std::string scheme = text.substr(0, scheme_end);
    const bool known = scheme == "tcp" || scheme == "ipc" || scheme == "inproc";
    return known ? EINVAL : EPROTONOSUPPORT;
}
uint64_t capacity(int hwm) {
    return hwm <= 0 ? 0 : static_cast<uint64_t>(hwm);
}
}  // namespace

SocketHandle::SocketHandle(Context& context, SocketType type)
    : context_(context), socket_(Socket::create(type)) {
    if (!socket_) throw std::invalid_argument("socket type not supported");
}

SocketHandle::~SocketHandle() = default;

bool SocketHandle::terminated() const noexcept {
    return context_.terminated();
}

SocketLink SocketHandle::link() const {
    SocketLink link;
    link.socket = const_cast<SocketHandle*>(this);
    link.type = socket_->type();
    link.options = socket_->options();
    return link;
}

int SocketHandle::bind(const std::string& text) {
    if (closed_ || context_.terminated()) return kEterm;
    auto endpoint = parse_endpoint(text, &last_error_);
    if (!endpoint) return endpoint_error(text);
    if (endpoint->transport == Transport::tcp && endpoint->host == "*" && socket_->options().ipv6) {
        // With IPV6 the wildcard is IPv6's, which also accepts IPv4 (dual stack).
        endpoint->host = "::";
        endpoint->ipv6 = true;
    }
    if (endpoint->transport == Transport::inproc && socket_->type() == SocketType::stream) {
        last_error_ = "STREAM sockets speak raw bytes over tcp or ipc, not inproc";
        return kEnocompatproto;
    }
    if (endpoint->transport == Transport::inproc) {
        const int rc = context_.inproc_bind(this, endpoint->path);
        if (rc != 0) {
            last_error_ = "address in use: " + text;
            return rc;
        }
        last_endpoint_ = text;
        bound_endpoints_.push_back(text);
        return 0;
    }
    if (endpoint->transport == Transport::ipc && endpoint->path == "*") {
        // ipc wildcard: a fresh path in the temporary directory.
        static std::atomic<int> counter{0};
        endpoint->path = "/tmp/sculpin-" + std::to_string(::getpid()) + "-" +
                         std::to_string(counter.fetch_add(1));
    }
    const SocketOptions& options = socket_->options();
    const net::TcpSettings tcp{options.tos, options.bind_to_device};
    std::string bound;
    errno = 0;
    // ZMQ_USE_FD: the application made (bound, listened) the socket; the address in
    // `text` is only its name, as in libzmq.
    const int fd = options.use_fd >= 0
                       ? net::adopt_listener(options.use_fd, *endpoint, tcp, &bound, &last_error_)
                       : net::listen_on(*endpoint, options.backlog, tcp, &bound, &last_error_);
    if (fd < 0) return errno == 0 ? EINVAL : errno;
    last_endpoint_ = bound;
    bound_endpoints_.push_back(bound);
    if (endpoint->transport == Transport::ipc && options.use_fd < 0)
        owned_ipc_paths_.emplace_back(bound, *endpoint);
    context_.io().post([io = &context_.io(), link = link(), ep = *endpoint, bound, fd]() mutable {
        io->add_listener(std::move(link), std::move(ep), std::move(bound), fd);
    });
    return 0;
}

int SocketHandle::connect(const std::string& text) {
    if (closed_ || context_.terminated()) return kEterm;
    auto endpoint = parse_endpoint(text, &last_error_);
    if (!endpoint) return endpoint_error(text);
    if (endpoint->transport == Transport::tcp && (endpoint->port == 0 || endpoint->host == "*")) {
        last_error_ = "cannot connect to a wildcard address: " + text;
        return EINVAL;
    }
    if (endpoint->transport == Transport::inproc && socket_->type() == SocketType::stream) {
        last_error_ = "STREAM sockets speak raw bytes over tcp or ipc, not inproc";
        return kEnocompatproto;
    }
    if (endpoint->transport == Transport::inproc) {
        connected_endpoints_.push_back(text);
        uint64_t pipe_id = 0;
        const int rc = context_.inproc_connect(this, endpoint->path, &pipe_id);
        if (rc == 0) {
            inproc_pipes_.emplace_back(text, pipe_id);
            // Attach our end now, as libzmq does, not at the next call: a SUB that
            // subscribed before connecting must tell the publisher at once, since it may
            // never be called again before the publisher waits for that subscription.
            process_commands();
        }
        return rc;
    }
    // Without IMMEDIATE, the pipe exists from now on: messages queue (up to SNDHWM) until
    // the connection is up, and survive reconnects. ROUTER learns the peer's routing id
    // only from the handshake, so its pipes are made then, unless CONNECT_ROUTING_ID names
    // the peer now; STREAM names its peers itself.
    std::shared_ptr<PipeEnd> session_end;
    const SocketOptions& options = socket_->options();
    const bool named_now = socket_->names_peer_at_connect();
    if ((!options.immediate && socket_->type() != SocketType::router) || named_now) {
        auto [socket_end, session_side] =
            make_pipe(capacity(options.sndhwm), capacity(options.rcvhwm));
        socket_end->peer_info.address = endpoint->to_string();
        if (named_now) socket_end->peer_info.routing_id = socket_->take_connect_routing_id();
        session_side->peer_info.socket_type = socket_->type();
        session_side->peer_info.routing_id = options.routing_id;
        socket_end->set_listener(this);
        attach_now(std::move(socket_end));
        session_end = std::move(session_side);
    }
    last_endpoint_ = endpoint->to_string();
    connected_endpoints_.push_back(last_endpoint_);
    context_.io().post([io = &context_.io(), link = link(), ep = *endpoint,
                        pipe = std::move(session_end)]() mutable {
        io->add_connecter(std::move(link), std::move(ep), std::move(pipe));
    });
    return 0;
}

int SocketHandle::unbind(const std::string& text) {
    auto it = std::find(bound_endpoints_.begin(), bound_endpoints_.end(), text);
    if (it == bound_endpoints_.end()) return ENOENT;
    bound_endpoints_.erase(it);
    remove_ipc_path(text);
    if (text.rfind("inproc://", 0) == 0) {
        context_.inproc_unbind_all(this);
        return 0;
    }
    context_.io().post(
        [io = &context_.io(), self = this, text] { io->remove_endpoint(self, text); });
    return 0;
}

int SocketHandle::disconnect(const std::string& text) {
    std::string error;
    auto endpoint = parse_endpoint(text, &error);
    const std::string canonical = endpoint ? endpoint->to_string() : text;
    auto it = std::find(connected_endpoints_.begin(), connected_endpoints_.end(), canonical);
    if (it == connected_endpoints_.end()) return ENOENT;
    connected_endpoints_.erase(it);
    if (endpoint && endpoint->transport == Transport::inproc) {
        // inproc pipes are ours alone (no I/O thread in between): close them here.
        process_commands();  // the pipe may still be waiting in the mailbox
        for (auto pipe = inproc_pipes_.begin(); pipe != inproc_pipes_.end();) {
            if (pipe->first == text) {
                socket_->detach(pipe->second);
                pipe = inproc_pipes_.erase(pipe);
            } else {
                ++pipe;
            }
        }
        return 0;
    }
    // The pipe made at connect is dropped now, with what it still holds (libzmq drops a
    // disconnected peer's unread messages too); the I/O thread ends the connection.
    process_commands();
    std::vector<uint64_t> doomed;
    for (const auto& [id, pipe] : socket_->pipes())
        if (pipe->peer_info.address == canonical) doomed.push_back(id);
    for (uint64_t id : doomed) socket_->detach(id);
    context_.io().post(
        [io = &context_.io(), self = this, canonical] { io->remove_endpoint(self, canonical); });
    return 0;
}

void SocketHandle::remove_ipc_path(const std::string& bound) {
    // Here and now, not when the I/O thread gets to closing the listener: the path must be
    // free for a bind that follows at once (libzmq's close and unbind allow that).
    for (auto it = owned_ipc_paths_.begin(); it != owned_ipc_paths_.end(); ++it) {
        if (it->first != bound) continue;
        net::unlink_ipc(it->second);
        owned_ipc_paths_.erase(it);
        return;
    }
}

void SocketHandle::attach_now(std::shared_ptr<PipeEnd> pipe) {
    socket_->attach(std::move(pipe));
}

void SocketHandle::attach_on_own_thread(std::shared_ptr<PipeEnd> pipe) {
    process_commands();
    attach_now(std::move(pipe));
}

void SocketHandle::post_attach(std::shared_ptr<PipeEnd> pipe) {
    {
        std::lock_guard lock(mailbox_mutex_);
        mailbox_.push_back({Command::Kind::attach, pipe->id(), std::move(pipe)});
    }
    signaler_.signal();
}

void SocketHandle::pipe_readable(PipeEnd& end) {
    {
        std::lock_guard lock(mailbox_mutex_);
        mailbox_.push_back({Command::Kind::readable, end.id(), nullptr});
    }
    signaler_.signal();
}

void SocketHandle::pipe_writable(PipeEnd& end) {
    {
        std::lock_guard lock(mailbox_mutex_);
        mailbox_.push_back({Command::Kind::writable, end.id(), nullptr});
    }
    signaler_.signal();
}

void SocketHandle::post_monitor_event(MonitorEvent event) {
    std::lock_guard lock(monitor_mutex_);
    if (monitor_ && (monitor_mask_ & event.event) != 0) monitor_(event);
}

void SocketHandle::set_monitor(std::function<void(const MonitorEvent&)> callback, int event_mask) {
    std::lock_guard lock(monitor_mutex_);
    monitor_ = std::move(callback);
    monitor_mask_ = event_mask;
}

void SocketHandle::process_commands() {
    if (!signaler_.reset()) return;
    {
        std::lock_guard lock(mailbox_mutex_);
        draining_.swap(mailbox_);
    }
    for (Command& command : draining_) {
        if (closed_) {
            if (command.pipe) command.pipe->close();
            continue;
        }
        switch (command.kind) {
            case Command::Kind::attach:
                attach_now(std::move(command.pipe));
                break;
            case Command::Kind::readable:
                socket_->pipe_readable(command.pipe_id);
                break;
            case Command::Kind::writable:
                socket_->pipe_writable(command.pipe_id);
                break;
        }
    }
    draining_.clear();
}

template <class Op>
int SocketHandle::blocking(Op op, int flags, int timeout_ms) {
    if (closed_) return ENOTSOCK;
    const int64_t deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
    while (true) {
        process_commands();
        const int rc = op();
        if (rc != EAGAIN || (flags & send_flag::dontwait) != 0) return rc;
        if (context_.terminated()) return kEterm;
        int wait_ms = -1;
        if (deadline >= 0) {
            const int64_t left = deadline - monotonic_ms();
            if (left <= 0) return EAGAIN;
            wait_ms = static_cast<int>(left);
        }
        signaler_.wait(wait_ms);
    }
}

int SocketHandle::send(Message& msg, int flags) {
    if (context_.terminated() && !closed_) return kEterm;
    return blocking([&] { return socket_->send(msg); }, flags, socket_->options().sndtimeo_ms);
}

int SocketHandle::recv(Message& out, int flags) {
    if (context_.terminated() && !closed_) return kEterm;
    return blocking([&] { return socket_->recv(out); }, flags, socket_->options().rcvtimeo_ms);
}

int SocketHandle::check_first_frame(const Frame& first, int flags) {
    if (context_.terminated() && !closed_) return kEterm;
    return blocking([&] { return socket_->check_first_frame(first); }, flags,
                    socket_->options().sndtimeo_ms);
}

int SocketHandle::set_option(int option, const void* value, size_t size_bytes) {
    if (closed_) return ENOTSOCK;
    process_commands();
    return socket_->set_option(option, value, size_bytes);
}

int SocketHandle::get_option(int opt, void* value, size_t* size_bytes) {
    if (closed_) return ENOTSOCK;
    if (opt == option::last_endpoint) {
        if (value == nullptr || size_bytes == nullptr || *size_bytes < last_endpoint_.size() + 1)
            return EINVAL;
        std::memcpy(value, last_endpoint_.c_str(), last_endpoint_.size() + 1);
        *size_bytes = last_endpoint_.size() + 1;
        return 0;
    }
    if (opt == option::fd) {
        if (value == nullptr || size_bytes == nullptr || *size_bytes < sizeof(int)) return EINVAL;
        const int fd = signaler_.fd();
        std::memcpy(value, &fd, sizeof(int));
        *size_bytes = sizeof(int);
        return 0;
    }
    if (opt == option::events) {
        if (value == nullptr || size_bytes == nullptr || *size_bytes < sizeof(int)) return EINVAL;
        process_commands();
        const int events = (socket_->can_recv() ? 1 : 0) | (socket_->can_send() ? 2 : 0);
        std::memcpy(value, &events, sizeof(int));
        *size_bytes = sizeof(int);
        return 0;
    }
    return socket_->get_option(opt, value, size_bytes);
}

bool SocketHandle::poll_in() {
    if (closed_) return false;
    process_commands();
    return socket_->can_recv();
}

bool SocketHandle::poll_out() {
    if (closed_) return false;
    process_commands();
    return socket_->can_send();
}

void SocketHandle::close() {
    if (closed_) return;
    process_commands();
    closed_ = true;
    context_.inproc_unbind_all(this);
    while (!owned_ipc_paths_.empty()) remove_ipc_path(owned_ipc_paths_.front().first);
    const int linger_ms = socket_->options().linger_ms;
    // Closing our ends lets each session send what is still queued, then finish.
    socket_->close_all_pipes();
    context_.io().post(
        [io = &context_.io(), self = this, linger_ms] { io->socket_closed(self, linger_ms); });
    context_.socket_closed(this);
}

}  // namespace sculpin
