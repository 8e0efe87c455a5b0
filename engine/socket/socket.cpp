#include "socket/socket.hpp"

#include <cstring>

namespace sculpin {

Socket::Socket(SocketType type) : type_(type) {}

Socket::~Socket() {
    close_all_pipes();
}

uint64_t Socket::outbound_capacity() const noexcept {
    return options_.sndhwm <= 0 ? 0 : static_cast<uint64_t>(options_.sndhwm);
}
uint64_t Socket::inbound_capacity() const noexcept {
    return options_.rcvhwm <= 0 ? 0 : static_cast<uint64_t>(options_.rcvhwm);
}

int Socket::send(Message& msg) {
    // A ZeroMQ message has at least one frame; socket types rely on msg.front().
    if (msg.empty()) return EINVAL;
    return xsend(msg);
}

int Socket::recv(Message& out) {
    const int rc = xrecv(out);
    if (rc == 0 && options_.maxmsgsize_bytes >= 0 &&
        out.size_bytes() > static_cast<uint64_t>(options_.maxmsgsize_bytes)) {
        // Connections enforce MAXMSGSIZE on the wire; inproc peers are checked here.
        report_drop(out, DropReason::too_large);
        out.clear();
        return EAGAIN;
    }
    return rc;
}

bool Socket::can_send() {
    return xcan_send();
}
bool Socket::can_recv() {
    return xcan_recv();
}

void Socket::attach(std::shared_ptr<PipeEnd> pipe) {
    PipeEnd& end = *pipe;
    pipes_.emplace(end.id(), std::move(pipe));
    xattach(end);
    write_probe(options_, end);
}

void Socket::write_probe(const SocketOptions& options, PipeEnd& end) {
    if (!options.probe_router || end.probe_written) return;
    // PROBE_ROUTER: an empty message tells a ROUTER peer our routing id at once.
    end.probe_written = true;
    Message probe;
    probe.push_back(Frame());
    end.write_forced(probe);
}

void Socket::pipe_readable(uint64_t pipe_id) {
    auto it = pipes_.find(pipe_id);
    if (it == pipes_.end()) return;
    PipeEnd& end = *it->second;
    if (end.finished()) {
        remove_pipe(end, false);
        return;
    }
    xread_activated(end);
}

void Socket::pipe_writable(uint64_t pipe_id) {
    auto it = pipes_.find(pipe_id);
    if (it == pipes_.end()) return;
    PipeEnd& end = *it->second;
    if (end.finished()) {
        remove_pipe(end, false);
        return;
    }
    xwrite_activated(end);
}

void Socket::drop_pipe(PipeEnd& pipe) {
    remove_pipe(pipe, true);
}

void Socket::detach(uint64_t pipe_id) {
    auto it = pipes_.find(pipe_id);
    if (it != pipes_.end()) remove_pipe(*it->second, true);
}

void Socket::close_all_pipes() {
    while (!pipes_.empty()) remove_pipe(*pipes_.begin()->second, true);
}

void Socket::remove_pipe(PipeEnd& pipe, bool drop_inbound) {
    auto it = pipes_.find(pipe.id());
    if (it == pipes_.end()) return;
    std::shared_ptr<PipeEnd> keep = it->second;  // alive until we are done with it
    pipes_.erase(it);
    if (last_in_ == &pipe) last_in_ = nullptr;
    xdetach(pipe);
    if (drop_inbound) {
        Message msg;
        while (pipe.read(msg)) report_drop(msg, DropReason::closed);
    }
    // Messages we queued that the peer never read are lost with the pipe.
    if (pipe.peer_closed()) {
        pipe.drain_outbound_unread(
            [&](const Message& msg) { report_drop(msg, DropReason::closed); });
    }
    pipe.close();
}

namespace {
int read_int(const void* value, size_t size_bytes, int* out) {
    if (value == nullptr || size_bytes != sizeof(int)) return EINVAL;
    std::memcpy(out, value, sizeof(int));
    return 0;
}
int read_bool(const void* value, size_t size_bytes, bool* out) {
    int v = 0;
    if (int rc = read_int(value, size_bytes, &v)) return rc;
    if (v != 0 && v != 1) return EINVAL;
    *out = v == 1;
    return 0;
}
// ZMQ_IPC_FILTER_*: one id per call (its exact size); no value at all clears the list.
template <class Id>
int add_or_clear(const void* value, size_t size_bytes, std::vector<Id>* ids) {
    if (value == nullptr && size_bytes == 0) {
        ids->clear();
        return 0;
    }
    if (value == nullptr || size_bytes != sizeof(Id)) return EINVAL;
    Id id{};
    std::memcpy(&id, value, sizeof(Id));
    ids->push_back(id);
    return 0;
}
// Strings read back with a terminating zero, as libzmq returns them.
int write_string(const std::string& v, void* value, size_t* size_bytes) {
    if (value == nullptr || size_bytes == nullptr || *size_bytes < v.size() + 1) return EINVAL;
    std::memcpy(value, v.c_str(), v.size() + 1);
    *size_bytes = v.size() + 1;
    return 0;
}
int write_int(int v, void* value, size_t* size_bytes) {
    if (value == nullptr || size_bytes == nullptr || *size_bytes < sizeof(int)) return EINVAL;
    std::memcpy(value, &v, sizeof(int));
    *size_bytes = sizeof(int);
    return 0;
}
}  // namespace

int Socket::set_option(int opt, const void* value, size_t size_bytes) {
    int v = 0;
    switch (opt) {
        case option::sndhwm:
        case option::rcvhwm:
            if (int rc = read_int(value, size_bytes, &v)) return rc;
            if (v < 0) return EINVAL;
            (opt == option::sndhwm ? options_.sndhwm : options_.rcvhwm) = v;
            // As in libzmq, the pipes we have take the new HWM too, not only new ones.
            for (auto& [id, pipe] : pipes_) {
                pipe->set_outbound_capacity(queue_capacity(options_.sndhwm, pipe->peer_rcvhwm()));
                pipe->set_inbound_capacity(queue_capacity(options_.rcvhwm, pipe->peer_sndhwm()));
            }
            return 0;
        case option::linger:
            if (int rc = read_int(value, size_bytes, &v)) return rc;
            if (v < -1) return EINVAL;
            options_.linger_ms = v;
            return 0;
        case option::routing_id:
            if (size_bytes == 0 || size_bytes > 255 || value == nullptr) return EINVAL;
            // A leading zero byte is reserved for generated ids (RFC 37/ZMTP).
            if (static_cast<const char*>(value)[0] == 0) return EINVAL;
            options_.routing_id.assign(static_cast<const char*>(value), size_bytes);
            return 0;
        case option::connect_routing_id:
            // Accepted on any type, as libzmq does; only ROUTER and STREAM use it.
            if (size_bytes == 0 || size_bytes > 255 || value == nullptr) return EINVAL;
            options_.connect_routing_id.assign(static_cast<const char*>(value), size_bytes);
            return 0;
        case option::reconnect_ivl:
            if (int rc = read_int(value, size_bytes, &v)) return rc;
            if (v < -1) return EINVAL;
            options_.reconnect_ivl_ms = v;
            return 0;
        case option::reconnect_ivl_max:
            if (int rc = read_int(value, size_bytes, &v)) return rc;
            if (v < 0) return EINVAL;
            options_.reconnect_ivl_max_ms = v;
            return 0;
        case option::heartbeat_ivl:
        case option::heartbeat_ttl:
        case option::heartbeat_timeout:
        case option::handshake_ivl:
            if (int rc = read_int(value, size_bytes, &v)) return rc;
            if (v < (opt == option::heartbeat_timeout ? -1 : 0)) return EINVAL;
            if (opt == option::heartbeat_ttl && v > 6553599)
                return EINVAL;  // deciseconds on the wire
            if (opt == option::heartbeat_ivl) options_.heartbeat_ivl_ms = v;
            // The wire carries deciseconds; libzmq keeps (and reports) what it will send.
            if (opt == option::heartbeat_ttl) options_.heartbeat_ttl_ms = v - v % 100;
            if (opt == option::heartbeat_timeout) options_.heartbeat_timeout_ms = v;
            if (opt == option::handshake_ivl) options_.handshake_ivl_ms = v;
            return 0;
        case option::immediate:
            return read_bool(value, size_bytes, &options_.immediate);
        case option::conflate:
            return read_bool(value, size_bytes, &options_.conflate);
        case option::maxmsgsize: {
            if (value == nullptr || size_bytes != sizeof(int64_t)) return EINVAL;
            int64_t limit = 0;
            std::memcpy(&limit, value, sizeof(limit));
            if (limit < -1) return EINVAL;
            options_.maxmsgsize_bytes = limit;
            return 0;
        }
        case option::sndtimeo:
        case option::rcvtimeo:
            if (int rc = read_int(value, size_bytes, &v)) return rc;
            if (v < -1) return EINVAL;
            (opt == option::sndtimeo ? options_.sndtimeo_ms : options_.rcvtimeo_ms) = v;
            return 0;
        case option::backlog:
            if (int rc = read_int(value, size_bytes, &v)) return rc;
            options_.backlog = v;
            return 0;
        case option::ipv6:
            return read_bool(value, size_bytes, &options_.ipv6);
        case option::invert_matching:
            // libzmq takes any non-zero int as true here.
            if (int rc = read_int(value, size_bytes, &v)) return rc;
            options_.invert_matching = v != 0;
            return 0;
        case option::sndbuf:
        case option::rcvbuf:
            if (int rc = read_int(value, size_bytes, &v)) return rc;
            if (v < -1) return EINVAL;
            (opt == option::sndbuf ? options_.sndbuf_bytes : options_.rcvbuf_bytes) = v;
            return 0;
        case option::probe_router:
            if (type_ != SocketType::router && type_ != SocketType::dealer &&
                type_ != SocketType::req)
                return EINVAL;
            return read_bool(value, size_bytes, &options_.probe_router);
        case option::plain_server:
            if (int rc = read_int(value, size_bytes, &v)) return rc;
            if (v != 0 && v != 1) return EINVAL;
            options_.as_server = v == 1;
            options_.mechanism = v == 1 ? security_mechanism::plain : security_mechanism::null;
            return 0;
        case option::plain_username:
        case option::plain_password: {
            // (null, 0) turns PLAIN off again; otherwise 1..255 bytes make us a PLAIN client.
            if (value == nullptr && size_bytes == 0) {
                options_.mechanism = security_mechanism::null;
                return 0;
            }
            if (value == nullptr || size_bytes == 0 || size_bytes > 255) return EINVAL;
            std::string& target =
                opt == option::plain_username ? options_.plain_username : options_.plain_password;
            target.assign(static_cast<const char*>(value), size_bytes);
            options_.as_server = false;
            options_.mechanism = security_mechanism::plain;
            return 0;
        }
        case option::curve_server:
            if (int rc = read_int(value, size_bytes, &v)) return rc;
            if (v != 0 && v != 1) return EINVAL;
            options_.as_server = v == 1;
            options_.mechanism = v == 1 ? security_mechanism::curve : security_mechanism::null;
            return 0;
        case option::curve_publickey:
        case option::curve_secretkey:
        case option::curve_serverkey: {
            if (value == nullptr || size_bytes != kCurveKeyBytes) return EINVAL;
            CurveKey& target = opt == option::curve_publickey   ? options_.curve_public_key
                               : opt == option::curve_secretkey ? options_.curve_secret_key
                                                                : options_.curve_server_key;
            std::memcpy(target.data(), value, kCurveKeyBytes);
            options_.mechanism = security_mechanism::curve;
            // Knowing the server's key makes us a client (libzmq).
            if (opt == option::curve_serverkey) options_.as_server = false;
            return 0;
        }
        case option::zap_domain:
            if (value == nullptr && size_bytes != 0) return EINVAL;
            if (size_bytes > 255) return EINVAL;
            if (size_bytes == 0) {
                options_.zap_domain.clear();
            } else {
                options_.zap_domain.assign(static_cast<const char*>(value), size_bytes);
            }
            return 0;
        case option::ipv4only: {
            bool ipv4only = false;
            if (int rc = read_bool(value, size_bytes, &ipv4only)) return rc;
            options_.ipv6 = !ipv4only;
            return 0;
        }
        case option::tos:
            if (int rc = read_int(value, size_bytes, &v)) return rc;
            if (v < 0) return EINVAL;
            options_.tos = v;
            return 0;
        case option::use_fd:
            if (int rc = read_int(value, size_bytes, &v)) return rc;
            if (v < -1) return EINVAL;
            options_.use_fd = v;
            return 0;
        case option::bindtodevice:
            // An interface name: at most IFNAMSIZ (16) bytes, the limit libzmq checks.
            if (size_bytes > 16 || (value == nullptr && size_bytes != 0)) return EINVAL;
            options_.bind_to_device.assign(static_cast<const char*>(value), size_bytes);
            return 0;
        case option::tcp_accept_filter: {
            if (value == nullptr && size_bytes == 0) {
                options_.tcp_accept_filters.clear();
                return 0;
            }
            if (value == nullptr || size_bytes == 0 || size_bytes > 255) return EINVAL;
            auto mask =
                parse_address_mask(std::string_view(static_cast<const char*>(value), size_bytes));
            if (!mask) return EINVAL;
            options_.tcp_accept_filters.push_back(*mask);
            return 0;
        }
        case option::ipc_filter_pid:
            return add_or_clear(value, size_bytes, &options_.ipc_filter_pids);
        case option::ipc_filter_uid:
            return add_or_clear(value, size_bytes, &options_.ipc_filter_uids);
        case option::ipc_filter_gid:
            return add_or_clear(value, size_bytes, &options_.ipc_filter_gids);
        default:
            return xset_option(opt, value, size_bytes);
    }
}

int Socket::get_option(int opt, void* value, size_t* size_bytes) const {
    switch (opt) {
        case option::type:
            return write_int(static_cast<int>(type_), value, size_bytes);
        case option::sndhwm:
            return write_int(options_.sndhwm, value, size_bytes);
        case option::rcvhwm:
            return write_int(options_.rcvhwm, value, size_bytes);
        case option::linger:
            return write_int(options_.linger_ms, value, size_bytes);
        case option::reconnect_ivl:
            return write_int(options_.reconnect_ivl_ms, value, size_bytes);
        case option::reconnect_ivl_max:
            return write_int(options_.reconnect_ivl_max_ms, value, size_bytes);
        case option::heartbeat_ivl:
            return write_int(options_.heartbeat_ivl_ms, value, size_bytes);
        case option::heartbeat_ttl:
            return write_int(options_.heartbeat_ttl_ms, value, size_bytes);
        case option::heartbeat_timeout:
            return write_int(options_.heartbeat_timeout_ms, value, size_bytes);
        case option::handshake_ivl:
            return write_int(options_.handshake_ivl_ms, value, size_bytes);
        case option::immediate:
            return write_int(options_.immediate, value, size_bytes);
        case option::conflate:
            return write_int(options_.conflate, value, size_bytes);
        case option::sndtimeo:
            return write_int(options_.sndtimeo_ms, value, size_bytes);
        case option::rcvtimeo:
            return write_int(options_.rcvtimeo_ms, value, size_bytes);
        case option::backlog:
            return write_int(options_.backlog, value, size_bytes);
        case option::ipv6:
            return write_int(options_.ipv6, value, size_bytes);
        case option::invert_matching:
            return write_int(options_.invert_matching, value, size_bytes);
        case option::sndbuf:
            return write_int(options_.sndbuf_bytes, value, size_bytes);
        case option::rcvbuf:
            return write_int(options_.rcvbuf_bytes, value, size_bytes);
        case option::ipv4only:
            return write_int(!options_.ipv6, value, size_bytes);
        case option::mechanism:
            return write_int(options_.mechanism, value, size_bytes);
        case option::plain_server:
            return write_int(options_.as_server && options_.mechanism == security_mechanism::plain,
                             value, size_bytes);
        case option::curve_server:
            return write_int(options_.as_server && options_.mechanism == security_mechanism::curve,
                             value, size_bytes);
        case option::curve_publickey:
        case option::curve_secretkey:
        case option::curve_serverkey: {
            if (value == nullptr || size_bytes == nullptr || *size_bytes != kCurveKeyBytes)
                return EINVAL;
            const CurveKey& source = opt == option::curve_publickey   ? options_.curve_public_key
                                     : opt == option::curve_secretkey ? options_.curve_secret_key
                                                                      : options_.curve_server_key;
            std::memcpy(value, source.data(), kCurveKeyBytes);
            return 0;
        }
        case option::plain_username:
            return write_string(options_.plain_username, value, size_bytes);
        case option::plain_password:
            return write_string(options_.plain_password, value, size_bytes);
        case option::zap_domain:
            return write_string(options_.zap_domain, value, size_bytes);
        case option::maxmsgsize:
            if (value == nullptr || size_bytes == nullptr || *size_bytes < sizeof(int64_t))
                return EINVAL;
            std::memcpy(value, &options_.maxmsgsize_bytes, sizeof(int64_t));
            *size_bytes = sizeof(int64_t);
            return 0;
        case option::tos:
            return write_int(options_.tos, value, size_bytes);
        case option::use_fd:
            return write_int(options_.use_fd, value, size_bytes);
        case option::bindtodevice: {
            // A C string, with its NUL counted (libzmq's string options read so).
            const std::string& name = options_.bind_to_device;
            if (value == nullptr || size_bytes == nullptr || *size_bytes < name.size() + 1)
                return EINVAL;
            std::memcpy(value, name.c_str(), name.size() + 1);
            *size_bytes = name.size() + 1;
            return 0;
        }
        case option::routing_id:
            if (value == nullptr || size_bytes == nullptr ||
                *size_bytes < options_.routing_id.size())
                return EINVAL;
            std::memcpy(value, options_.routing_id.data(), options_.routing_id.size());
            *size_bytes = options_.routing_id.size();
            return 0;
        default:
            return xget_option(opt, value, size_bytes);
    }
}

int Socket::xset_option(int, const void*, size_t) {
    return EINVAL;
}
int Socket::xget_option(int, void*, size_t*) const {
    return EINVAL;
}

}  // namespace sculpin
