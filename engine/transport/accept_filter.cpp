#include "transport/accept_filter.hpp"

#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace sculpin::net {

namespace {

bool tcp_peer_allowed(const sockaddr_storage& peer, const std::vector<AddressMask>& filters) {
    if (filters.empty()) return true;
    const uint8_t* bytes = nullptr;
    bool ipv6 = false;
    if (peer.ss_family == AF_INET) {
        bytes = reinterpret_cast<const uint8_t*>(
            &reinterpret_cast<const sockaddr_in*>(&peer)->sin_addr);
    } else {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&peer);
        bytes = reinterpret_cast<const uint8_t*>(&in6->sin6_addr);
        ipv6 = true;
        // An IPv4 peer of a dual-stack listener arrives as ::ffff:a.b.c.d; IPv4 filters
        // are meant for it.
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            bytes += 12;
            ipv6 = false;
        }
    }
    return std::any_of(filters.begin(), filters.end(),
                       [&](const AddressMask& mask) { return mask.matches(ipv6, bytes); });
}

// Is the user `uid` a listed member of group `gid` (supplementary membership)?
bool user_in_group(uid_t uid, gid_t gid) {
    // The _r calls need caller buffers; 64 KiB covers any sane group file entry.
    std::vector<char> buffer(16 * 1024);
    passwd user{};
    passwd* user_found = nullptr;
    while (getpwuid_r(uid, &user, buffer.data(), buffer.size(), &user_found) == ERANGE &&
           buffer.size() < 64 * 1024)
        buffer.resize(buffer.size() * 2);
    if (user_found == nullptr) return false;
    const std::string name = user.pw_name;
    group entry{};
    group* group_found = nullptr;
    while (getgrgid_r(gid, &entry, buffer.data(), buffer.size(), &group_found) == ERANGE &&
           buffer.size() < 64 * 1024)
        buffer.resize(buffer.size() * 2);
    if (group_found == nullptr) return false;
    for (char** member = entry.gr_mem; member != nullptr && *member != nullptr; ++member)
        if (name == *member) return true;
    return false;
}

bool ipc_peer_allowed(int fd, const SocketOptions& options) {
    if (options.ipc_filter_pids.empty() && options.ipc_filter_uids.empty() &&
        options.ipc_filter_gids.empty())
        return true;
    ucred credentials{};
    socklen_t length = sizeof(credentials);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return false;
    auto listed = [](const auto& ids, auto id) {
        return std::find(ids.begin(), ids.end(), id) != ids.end();
    };
    if (listed(options.ipc_filter_pids, static_cast<int32_t>(credentials.pid))) return true;
    if (listed(options.ipc_filter_uids, static_cast<uint32_t>(credentials.uid))) return true;
    if (listed(options.ipc_filter_gids, static_cast<uint32_t>(credentials.gid))) return true;
    return std::any_of(options.ipc_filter_gids.begin(), options.ipc_filter_gids.end(),
                       [&](uint32_t gid) { return user_in_group(credentials.uid, gid); });
}

}  // namespace

bool accept_allowed(int fd, const SocketOptions& options) {
    if (options.tcp_accept_filters.empty() && options.ipc_filter_pids.empty() &&
        options.ipc_filter_uids.empty() && options.ipc_filter_gids.empty())
        return true;  // the common case costs no system call
    sockaddr_storage peer{};
    socklen_t length = sizeof(peer);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) return false;
    if (peer.ss_family == AF_UNIX) return ipc_peer_allowed(fd, options);
    if (options.tcp_accept_filters.empty()) return true;
    length = sizeof(peer);
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) return false;
    return tcp_peer_allowed(peer, options.tcp_accept_filters);
}

}  // namespace sculpin::net
