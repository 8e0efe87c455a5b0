#include "runtime/proxy.hpp"

#include "runtime/poller.hpp"

namespace sculpin {

namespace {
// What one side of the proxy has seen, as libzmq's STATISTICS counts it: a multipart
// message is one message, its bytes are all its frames'.
struct SideStats {
    uint64_t messages_in = 0;
    uint64_t bytes_in = 0;
    uint64_t messages_out = 0;
    uint64_t bytes_out = 0;
};

// Moves up to a batch of messages from `from` to `to`; a batch bound keeps one busy
// direction from starving the other.
int forward(SocketHandle* from, SocketHandle* to, SocketHandle* capture, SideStats& from_stats,
            SideStats& to_stats) {
    for (int moved = 0; moved < 1000; ++moved) {
        if (to != from && moved > 0 && !to->poll_out()) return 0;
        Message msg;
        int rc = from->recv(msg, send_flag::dontwait);
        if (rc == EAGAIN) return 0;
        if (rc != 0) return rc;
        const uint64_t bytes = msg.size_bytes();
        from_stats.messages_in += 1;
        from_stats.bytes_in += bytes;
        if (capture != nullptr) {
            Message copy = msg;
            capture->send(copy, send_flag::dontwait);
        }
        rc = to->send(msg);
        if (rc != 0 && rc != EAGAIN) return rc;
        if (rc == 0) {
            to_stats.messages_out += 1;
            to_stats.bytes_out += bytes;
        }
    }
    return 0;
}

// The STATISTICS reply: eight 64-bit counters, frontend's then backend's, one per frame.
Message statistics(const SideStats& frontend, const SideStats& backend) {
    Message reply;
    for (const SideStats* side : {&frontend, &backend})
        for (uint64_t value :
             {side->messages_in, side->bytes_in, side->messages_out, side->bytes_out})
            reply.push_back(Frame(&value, sizeof value));
    return reply;
}
}  // namespace

int proxy(SocketHandle* frontend, SocketHandle* backend, SocketHandle* capture,
          SocketHandle* control) {
    bool paused = false;
    SideStats frontend_stats;
    SideStats backend_stats;
    while (true) {
        // A direction is served only while its destination can take a message (as in
        // libzmq): a full or peerless destination leaves messages queued at the source
        // rather than blocking the proxy, which must keep answering its control socket.
        // A single socket proxied to itself (REP) answers on the same socket.
        // (Asking both sockets also takes in their pending wake-ups, so that a socket
        // polled for nothing sleeps until something new happens.)
        const bool single = frontend == backend;
        const bool backend_writable = backend->poll_out();
        const bool frontend_writable = frontend->poll_out();
        const bool to_backend = !paused && (single || backend_writable);
        const bool to_frontend = !paused && !single && frontend_writable;
        const auto events = [&](bool serve_in, bool wait_out) {
            return static_cast<short>((serve_in ? poll_event::in : 0) |
                                      (wait_out ? poll_event::out : 0));
        };
        std::vector<PollItem> items;
        items.push_back({frontend, -1, events(to_backend, !paused && !single && !to_frontend), 0});
        if (!single) items.push_back({backend, -1, events(to_frontend, !paused && !to_backend), 0});
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
                if (word == "STATISTICS") {
                    Message reply = statistics(frontend_stats, backend_stats);
                    control->send(reply, send_flag::dontwait);
                }
            }
        }
        if (paused) continue;
        if (to_backend && (items[0].revents & poll_event::in))
            if (int rc = forward(frontend, backend, capture, frontend_stats, backend_stats))
                return rc;
        if (to_frontend && (items[1].revents & poll_event::in))
            if (int rc = forward(backend, frontend, capture, backend_stats, frontend_stats))
                return rc;
    }
}

}  // namespace sculpin
