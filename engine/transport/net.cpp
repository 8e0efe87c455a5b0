#include "transport/net.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sculpin::net {

namespace {

struct Address {
    sockaddr_storage storage{};
    socklen_t length = 0;
};

bool fill_error(std::string* error, const std::string& what) {
    if (error != nullptr) *error = what + ": " + std::strerror(errno);
    return false;
}

bool resolve_tcp(const Endpoint& ep, bool passive, Address* out, std::string* error) {
    if (passive && (ep.host == "*" || ep.host.empty())) {
        auto* in = reinterpret_cast<sockaddr_in*>(&out->storage);
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_ANY);
        in->sin_port = htons(static_cast<uint16_t>(ep.port));
        out->length = sizeof(sockaddr_in);
        return true;
    }
    addrinfo hints{};
    hints.ai_family = ep.ipv6 ? AF_INET6 : AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    addrinfo* result = nullptr;
    const std::string port = std::to_string(ep.port);
    const int rc = getaddrinfo(ep.host.c_str(), port.c_str(), &hints, &result);
    if (rc != 0 || result == nullptr) {
        if (error != nullptr) *error = "cannot resolve '" + ep.host + "': " + gai_strerror(rc);
        errno = EINVAL;
        return false;
    }
    // Prefer IPv4 when both are offered, as libzmq does without ZMQ_IPV6.
    addrinfo* chosen = result;
    for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next)
        if (ai->ai_family == AF_INET) {
            chosen = ai;
            break;
        }
    std::memcpy(&out->storage, chosen->ai_addr, chosen->ai_addrlen);
    out->length = chosen->ai_addrlen;
    freeaddrinfo(result);
    return true;
}

bool resolve_ipc(const Endpoint& ep, Address* out, std::string* error) {
    auto* un = reinterpret_cast<sockaddr_un*>(&out->storage);
    un->sun_family = AF_UNIX;
    if (ep.path.size() + 1 > sizeof(un->sun_path)) {
        if (error != nullptr) *error = "ipc path too long: " + ep.path;
        errno = ENAMETOOLONG;
        return false;
    }
    std::memcpy(un->sun_path, ep.path.data(), ep.path.size());
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + ep.path.size());
    if (ep.path[0] == '@') {
        un->sun_path[0] = '\0';  // abstract namespace
    } else {
        length += 1;
    }
    out->length = length;
    return true;
}

// The source of "tcp://source;host:port": an interface name ("lo", "eth0") or an address
// or host name, of the destination's family.
bool resolve_source(const Endpoint& ep, int family, Address* out, std::string* error) {
    ifaddrs* interfaces = nullptr;
    if (getifaddrs(&interfaces) == 0) {
        bool found = false;
        for (ifaddrs* it = interfaces; it != nullptr && !found; it = it->ifa_next) {
            if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != family ||
                ep.source_host != it->ifa_name)
                continue;
            const socklen_t length = family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
            std::memcpy(&out->storage, it->ifa_addr, length);
            out->length = length;
            found = true;
        }
        freeifaddrs(interfaces);
        if (found) {
            const uint16_t port = htons(static_cast<uint16_t>(ep.source_port));
            if (family == AF_INET)
                reinterpret_cast<sockaddr_in*>(&out->storage)->sin_port = port;
            else
                reinterpret_cast<sockaddr_in6*>(&out->storage)->sin6_port = port;
            return true;
        }
    }
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* result = nullptr;
    const std::string port = std::to_string(ep.source_port);
    const int rc = getaddrinfo(ep.source_host.c_str(), port.c_str(), &hints, &result);
    if (rc != 0 || result == nullptr) {
        if (error != nullptr)
            *error = "cannot resolve source '" + ep.source_host + "': " + gai_strerror(rc);
        errno = EINVAL;
        return false;
    }
    std::memcpy(&out->storage, result->ai_addr, result->ai_addrlen);
    out->length = result->ai_addrlen;
    freeaddrinfo(result);
    return true;
}

// TOS and BINDTODEVICE on a tcp socket; false with errno when the kernel refuses.
bool apply_tcp_settings(int fd, int family, const TcpSettings& tcp, std::string* error) {
    if (tcp.tos != 0) {
        // Best effort, as in libzmq: a TOS the kernel refuses does not fail the socket.
        if (family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tcp.tos, sizeof(tcp.tos));
        setsockopt(fd, IPPROTO_IP, IP_TOS, &tcp.tos, sizeof(tcp.tos));
    }
    if (!tcp.device.empty() && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, tcp.device.data(),
                                          static_cast<socklen_t>(tcp.device.size())) != 0)
        return fill_error(error, "bind to device '" + tcp.device + "'");
    return true;
}

std::string describe(const sockaddr_storage& storage) {
    char text[INET6_ADDRSTRLEN] = {};
    if (storage.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
        inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
        return std::string(text) + ":" + std::to_string(ntohs(in->sin_port));
    }
    if (storage.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
        inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
        return "[" + std::string(text) + "]:" + std::to_string(ntohs(in6->sin6_port));
    }
    return "ipc";
}

}  // namespace

void set_stream_options(int fd, bool is_tcp) {
    const int flags = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (is_tcp) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
}

int listen_on(const Endpoint& ep, int backlog, const TcpSettings& tcp, std::string* bound,
              std::string* error) {
    Address address;
    const bool is_tcp = ep.transport == Transport::tcp;
    if (is_tcp && ep.has_source()) {
        if (error != nullptr) *error = "a source address is for connecting: " + ep.to_string();
        errno = EINVAL;
        return -1;
    }
    if (is_tcp ? !resolve_tcp(ep, true, &address, error) : !resolve_ipc(ep, &address, error))
        return -1;
    const int fd =
        ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return fill_error(error, "socket"), -1;
    if (is_tcp) {
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (!apply_tcp_settings(fd, address.storage.ss_family, tcp, error)) {
            const int saved = errno;
            ::close(fd);
            errno = saved;
            return -1;
        }
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address.storage), address.length) != 0) {
        const int saved = errno;
        fill_error(error, "bind " + ep.to_string());
        ::close(fd);
        errno = saved;
        return -1;
    }
    if (::listen(fd, backlog > 0 ? backlog : 100) != 0) {
        const int saved = errno;
        fill_error(error, "listen " + ep.to_string());
        ::close(fd);
        errno = saved;
        return -1;
    }
    if (bound != nullptr) {
        if (is_tcp) {
            sockaddr_storage actual{};
            socklen_t length = sizeof(actual);
            getsockname(fd, reinterpret_cast<sockaddr*>(&actual), &length);
            Endpoint resolved = ep;
            const std::string text = describe(actual);
            resolved.port = std::stoi(text.substr(text.rfind(':') + 1));
            if (resolved.host == "*") resolved.host = "0.0.0.0";
            *bound = resolved.to_string();
        } else {
            *bound = ep.to_string();
        }
    }
    return fd;
}

int adopt_listener(int fd, const Endpoint& ep, const TcpSettings& tcp, std::string* bound,
                   std::string* error) {
    int accepting = 0;
    socklen_t length = sizeof(accepting);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) != 0)
        return fill_error(error, "ZMQ_USE_FD"), -1;
    if (accepting == 0) {
        errno = EINVAL;
        return fill_error(error, "ZMQ_USE_FD: the fd is not listening"), -1;
    }
    set_stream_options(fd, false);  // non-blocking, close-on-exec
    sockaddr_storage actual{};
    length = sizeof(actual);
    getsockname(fd, reinterpret_cast<sockaddr*>(&actual), &length);
    const bool is_tcp = actual.ss_family == AF_INET || actual.ss_family == AF_INET6;
    if (is_tcp && !apply_tcp_settings(fd, actual.ss_family, tcp, error)) return -1;
    if (bound != nullptr) {
        if (is_tcp) {
            // "[::1]:5555" or "127.0.0.1:5555": as tcp:// text, re-parsed to be canonical.
            *bound = "tcp://" + describe(actual);
        } else {
            *bound = ep.to_string();
        }
    }
    return fd;
}

int accept_from(int listen_fd, std::string* peer_address) {
    sockaddr_storage peer{};
    socklen_t length = sizeof(peer);
    const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &length,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return -1;
    const bool is_tcp = peer.ss_family == AF_INET || peer.ss_family == AF_INET6;
    set_stream_options(fd, is_tcp);
    if (peer_address != nullptr) *peer_address = describe(peer);
    return fd;
}

int connect_to(const Endpoint& ep, const TcpSettings& tcp, bool* in_progress,
               std::string* peer_address, std::string* error) {
    Address address;
    const bool is_tcp = ep.transport == Transport::tcp;
    if (is_tcp ? !resolve_tcp(ep, false, &address, error) : !resolve_ipc(ep, &address, error))
        return -1;
    Address source;
    if (is_tcp && ep.has_source() && !resolve_source(ep, address.storage.ss_family, &source, error))
        return -1;
    const int fd =
        ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return fill_error(error, "socket"), -1;
    set_stream_options(fd, is_tcp);
    auto give_up = [&](const std::string& what) {
        const int saved = errno;
        fill_error(error, what);
        ::close(fd);
        errno = saved;
        return -1;
    };
    if (is_tcp && !apply_tcp_settings(fd, address.storage.ss_family, tcp, error))
        return give_up("connect " + ep.to_string());
    if (source.length != 0) {
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (::bind(fd, reinterpret_cast<sockaddr*>(&source.storage), source.length) != 0)
            return give_up("bind source of " + ep.to_string());
    }
    if (peer_address != nullptr) *peer_address = is_tcp ? describe(address.storage) : ep.path;
    *in_progress = false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address.storage), address.length) != 0) {
        if (errno == EINPROGRESS) {
            *in_progress = true;
            return fd;
        }
        const int saved = errno;
        fill_error(error, "connect " + ep.to_string());
        ::close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int connect_result(int fd) {
    int err = 0;
    socklen_t length = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &length) != 0) return errno;
    return err;
}

void close_fd(int fd) {
    if (fd >= 0) ::close(fd);
}

void unlink_ipc(const Endpoint& ep) {
    if (ep.transport == Transport::ipc && !ep.path.empty() && ep.path[0] != '@')
        ::unlink(ep.path.c_str());
}

}  // namespace sculpin::net
