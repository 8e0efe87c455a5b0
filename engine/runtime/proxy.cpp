#include "runtime/proxy.hpp"

#include "runtime/poller.hpp"

namespace sculpin {

namespace {
// Moves up to a batch of messages from `from` to `to`; a batch bound keeps one busy
// direction from starving the other.
int forward(SocketHandle* from, SocketHandle* to, SocketHandle* capture) {
    for (int moved = 0; moved < 1000; ++moved) {
        Message msg;
        int rc = from->recv(msg, send_flag::dontwait);
        if (rc == EAGAIN) return 0;
        if (rc != 0) return rc;
        if (capture != nullptr) {
            Message copy = msg;
            capture->send(copy, send_flag::dontwait);
        }
        rc = to->send(msg);
        if (rc != 0 && rc != EAGAIN) return rc;
    }
    return 0;
}
}  // namespace

int proxy(SocketHandle* frontend, SocketHandle* backend, SocketHandle* capture,
          SocketHandle* control) {
    bool paused = false;
    while (true) {
        std::vector<PollItem> items;
        items.push_back({frontend, -1, poll_event::in, 0});
        if (backend != frontend) items.push_back({backend, -1, poll_event::in, 0});
        if (control != nullptr) items.push_back({control, -1, poll_event::in, 0});
        if (poll(items, -1) < 0) return errno;
        if (frontend->is_closed() || backend->is_closed()) return kEterm;
        if (control != nullptr && (items.back().revents & poll_event::in)) {
            Message command;
            if (control->recv(command, send_flag::dontwait) == 0 && command.size() > 0) {
                const auto word = command.front().view();
                if (word == "PAUSE") paused = true;
                if (word == "RESUME") paused = false;
                if (word == "TERMINATE") return 0;
            }
        }
        if (paused) continue;
        if (items[0].revents & poll_event::in)
            if (int rc = forward(frontend, backend, capture)) return rc;
        if (backend != frontend && (items[1].revents & poll_event::in))
            if (int rc = forward(backend, frontend, capture)) return rc;
    }
}

}  // namespace sculpin
