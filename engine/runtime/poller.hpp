// Waiting on several sockets (and plain file descriptors) at once, as zmq_poll does.
#pragma once

#include <vector>

#include "runtime/socket_handle.hpp"

namespace sculpin {

namespace poll_event {
constexpr short in = 1;   // ZMQ_POLLIN
constexpr short out = 2;  // ZMQ_POLLOUT
constexpr short err = 4;  // ZMQ_POLLERR
}  // namespace poll_event

struct PollItem {
    SocketHandle* socket = nullptr;  // either a socket...
    int fd = -1;                     // ...or a file descriptor
    short events = 0;
    short revents = 0;
};

// Returns the number of ready items (0 on timeout), or -1 with errno set (kEterm when
// the context was shut down). timeout_ms -1 waits forever, 0 returns at once.
int poll(PollItem* items, int count, int timeout_ms);
inline int poll(std::vector<PollItem>& items, int timeout_ms) {
    return poll(items.data(), static_cast<int>(items.size()), timeout_ms);
}

}  // namespace sculpin
