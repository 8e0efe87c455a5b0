// Test harness: sockets wired to each other by pipes, as inproc would wire them.
//
// Pipe listeners run re-entrantly inside whichever call made progress, so the harness
// only queues the events; pump() then relays them to the owning sockets, as a runtime
// would on the owner's thread.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "socket/socket.hpp"

namespace sculpin::test {

struct RecordedDrop {
    int socket;        // the harness' handle of the socket that dropped
    std::string text;  // Message::to_display_string()
    DropReason reason;
};

class Harness {
public:
    Harness() = default;
    Harness(const Harness&) = delete;
    Harness& operator=(const Harness&) = delete;
    // Sockets go first: closing their pipes notifies listeners, which must still exist.
    ~Harness() { sockets_.clear(); }

    // A new socket of `type`; its drops are recorded in drops().
    Socket& make(SocketType type) {
        const int handle = next_handle_++;
        auto socket = Socket::create(type);
        EXPECT_NE(socket, nullptr);
        socket->set_drop_hook([this, handle](const Message& msg, DropReason reason) {
            drops_.push_back({handle, msg.to_display_string(), reason});
        });
        Socket& ref = *socket;
        sockets_.emplace(handle, std::move(socket));
        return ref;
    }

    struct Link {
        uint64_t a_end;  // the pipe id as `a` knows it
        uint64_t b_end;  // the pipe id as `b` knows it
    };
    // Connects `a` and `b`. Capacities default to the sender's SNDHWM (0 = unlimited).
    Link connect(Socket& a, Socket& b, int a_to_b = -1, int b_to_a = -1) {
        const uint64_t ab = a_to_b < 0 ? a.outbound_capacity() : static_cast<uint64_t>(a_to_b);
        const uint64_t ba = b_to_a < 0 ? b.outbound_capacity() : static_cast<uint64_t>(b_to_a);
        auto [end_a, end_b] = make_pipe(ab, ba);
        end_a->peer_info.socket_type = b.type();
        end_a->peer_info.routing_id = b.options().routing_id;
        end_b->peer_info.socket_type = a.type();
        end_b->peer_info.routing_id = a.options().routing_id;
        end_a->set_listener(listener_for(a));
        end_b->set_listener(listener_for(b));
        const Link link{end_a->id(), end_b->id()};
        a.attach(std::move(end_a));
        b.attach(std::move(end_b));
        return link;
    }

    // Relays queued pipe events until there are none; returns how many were relayed.
    size_t pump() {
        size_t relayed = 0;
        while (!events_.empty()) {
            const Event event = events_.front();
            events_.pop_front();
            auto it = sockets_.find(event.socket);
            if (it == sockets_.end()) continue;  // closed in the meantime
            if (event.readable) {
                it->second->pipe_readable(event.pipe);
            } else {
                it->second->pipe_writable(event.pipe);
            }
            ++relayed;
        }
        return relayed;
    }

    // Destroys the socket, closing all its pipes (a peer going away).
    void close(Socket& socket) {
        for (auto it = sockets_.begin(); it != sockets_.end(); ++it) {
            if (it->second.get() == &socket) {
                sockets_.erase(it);
                return;
            }
        }
        ADD_FAILURE() << "unknown socket";
    }

    int handle(const Socket& socket) const {
        for (const auto& [handle, s] : sockets_)
            if (s.get() == &socket) return handle;
        return -1;
    }

    const std::vector<RecordedDrop>& drops() const { return drops_; }
    void clear_drops() { drops_.clear(); }
    // Drops by `socket` with `reason`, as display strings, in order.
    std::vector<std::string> drops(const Socket& socket, DropReason reason) const {
        return drops(handle(socket), reason);
    }
    std::vector<std::string> drops(int socket, DropReason reason) const {
        std::vector<std::string> out;
        for (const auto& drop : drops_)
            if (drop.socket == socket && drop.reason == reason) out.push_back(drop.text);
        return out;
    }

private:
    struct Event {
        int socket;
        uint64_t pipe;
        bool readable;
    };
    class Relay final : public PipeListener {
    public:
        Relay(std::deque<Event>& events, int socket) : events_(events), socket_(socket) {}
        void pipe_readable(PipeEnd& end) override { events_.push_back({socket_, end.id(), true}); }
        void pipe_writable(PipeEnd& end) override { events_.push_back({socket_, end.id(), false}); }

    private:
        std::deque<Event>& events_;
        int socket_;
    };
    PipeListener* listener_for(const Socket& socket) {
        auto& relay = relays_[handle(socket)];
        if (!relay) relay = std::make_unique<Relay>(events_, handle(socket));
        return relay.get();
    }

    // Declared before sockets_ so that they outlive the sockets' pipes.
    std::deque<Event> events_;
    std::map<int, std::unique_ptr<Relay>> relays_;
    std::vector<RecordedDrop> drops_;
    std::map<int, std::unique_ptr<Socket>> sockets_;
    int next_handle_ = 1;
};

// --- small helpers ------------------------------------------------------------------------

inline Message msg(std::initializer_list<std::string_view> frames) {
    return Message(frames);
}

// 0 or the errno of sending `frames`.
inline int send(Socket& socket, std::initializer_list<std::string_view> frames) {
    Message m(frames);
    return socket.send(m);
}

// The received message as a display string ("a|b"), or "EAGAIN" / "EFSM" / "errno N".
inline std::string recv(Socket& socket) {
    Message out;
    const int rc = socket.recv(out);
    if (rc == 0) return out.to_display_string();
    if (rc == EAGAIN) return "EAGAIN";
    if (rc == kEfsm) return "EFSM";
    if (rc == ENOTSUP) return "ENOTSUP";
    return "errno " + std::to_string(rc);
}

// Every message available now, as display strings.
inline std::vector<std::string> recv_all(Socket& socket) {
    std::vector<std::string> out;
    for (std::string text = recv(socket); text != "EAGAIN"; text = recv(socket))
        out.push_back(text);
    return out;
}

inline int set_int(Socket& socket, int option, int value) {
    return socket.set_option(option, &value, sizeof value);
}

inline int set_bytes(Socket& socket, int option, std::string_view value) {
    return socket.set_option(option, value.data(), value.size());
}

}  // namespace sculpin::test
