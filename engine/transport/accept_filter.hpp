// ZMQ_TCP_ACCEPT_FILTER and ZMQ_IPC_FILTER_PID/UID/GID: may a connection a listener just
// accepted stay? A refused one is closed at once, before any byte of ZMTP (as libzmq does).
#pragma once

#include "core/options.hpp"

namespace sculpin::net {

// tcp: the peer's address is inside one of options.tcp_accept_filters (none = all pass).
// ipc: the peer process (SO_PEERCRED) has a listed pid or uid, or a listed group as its
// primary group or one its user is a member of (no ipc filter at all = all pass).
bool accept_allowed(int fd, const SocketOptions& options);

}  // namespace sculpin::net
