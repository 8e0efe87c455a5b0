#include "runtime/poller.hpp"

#include <poll.h>

#include <cerrno>
#include <chrono>

namespace sculpin {

namespace {
int64_t monotonic_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Readiness of every item without waiting.
int check(PollItem* items, int count, std::vector<pollfd>& fds) {
    int ready = 0;
    for (int i = 0; i < count; ++i) {
        PollItem& item = items[i];
        item.revents = 0;
        if (item.socket != nullptr) {
            if ((item.events & poll_event::in) && item.socket->poll_in())
                item.revents |= poll_event::in;
            if ((item.events & poll_event::out) && item.socket->poll_out())
                item.revents |= poll_event::out;
        } else {
            short revents = fds[i].revents;
            if (revents & (POLLIN | POLLHUP)) item.revents |= poll_event::in & item.events;
            if (revents & POLLOUT) item.revents |= poll_event::out & item.events;
            if (revents & (POLLERR | POLLNVAL)) item.revents |= poll_event::err;
        }
        if (item.revents != 0) ++ready;
    }
    return ready;
}
}  // namespace

int poll(PollItem* items, int count, int timeout_ms) {
    std::vector<pollfd> fds(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        const PollItem& item = items[i];
        if (item.socket != nullptr) {
            fds[i] = {item.socket->signal_fd(), POLLIN, 0};
        } else {
            short events = 0;
            if (item.events & poll_event::in) events |= POLLIN;
            if (item.events & poll_event::out) events |= POLLOUT;
            fds[i] = {item.fd, events, 0};
        }
    }
    // Plain fds need one non-blocking look first.
    bool has_fds = false;
    for (int i = 0; i < count; ++i) has_fds = has_fds || items[i].socket == nullptr;
    if (has_fds) ::poll(fds.data(), fds.size(), 0);

    const int64_t deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
    while (true) {
        const int ready = check(items, count, fds);
        if (ready > 0 || timeout_ms == 0) return ready;
        for (int i = 0; i < count; ++i) {
            if (items[i].socket != nullptr && items[i].socket->terminated()) {
                errno = kEterm;
                return -1;
            }
        }
        int wait_ms = -1;
        if (deadline >= 0) {
            const int64_t left = deadline - monotonic_ms();
            if (left <= 0) return 0;
            wait_ms = static_cast<int>(left);
        }
        for (auto& fd : fds) fd.revents = 0;
        const int rc = ::poll(fds.data(), fds.size(), wait_ms);
        if (rc < 0 && errno != EINTR) return -1;
        // Socket signals are consumed by poll_in/poll_out (process_commands) next round.
    }
}

}  // namespace sculpin
