// The program-facing API: what the book's programs (patterns/) are written against.
//
// A node program is a coroutine, `Task<> program(Node& node)`. It opens sockets, binds
// and connects, sends and receives, polls with timeouts and sleeps, all through Node, and
// never touches a clock, rand() or a thread. The same program runs on both runtimes:
// a NodeRuntime backend either blocks the calling thread (real runtime) or suspends the
// coroutine until the scheduler resumes it (simulated runtime). The retry loops that turn
// EAGAIN into waiting are written once, here, for both.
#pragma once

#include <coroutine>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "core/message.hpp"
#include "core/options.hpp"
#include "core/rng.hpp"
#include "core/socket_type.hpp"
#include "node/task.hpp"

namespace sculpin {

// What a program waits for: sockets becoming readable/writable, or a deadline.
struct WaitSpec {
    struct Item {
        int socket_id;
        short events;  // poll_in | poll_out
    };
    std::vector<Item> items;
    int64_t deadline_ms = -1;  // node time; -1 = none
};

namespace node_poll {
constexpr short in = 1;
constexpr short out = 2;
}  // namespace node_poll

// The backend a runtime provides to each node.
class NodeRuntime {
public:
    virtual ~NodeRuntime() = default;
    virtual int64_t now_ms() = 0;
    virtual int open_socket(SocketType type) = 0;  // returns an id > 0
    virtual void close_socket(int socket_id) = 0;
    virtual int bind(int socket_id, const std::string& endpoint) = 0;
    virtual int connect(int socket_id, const std::string& endpoint) = 0;
    virtual int disconnect(int socket_id, const std::string& endpoint) = 0;
    virtual int set_option(int socket_id, int option, const void* value, size_t size) = 0;
    virtual int get_option(int socket_id, int option, void* value, size_t* size) = 0;
    // Non-blocking; errno-style results as Socket::send/recv.
    virtual int try_send(int socket_id, Message& msg) = 0;
    virtual int try_recv(int socket_id, Message& out) = 0;
    virtual bool ready(int socket_id, short events) = 0;
    // Waiting. The real runtime blocks inside wait_now() and returns true; the simulated
    // one returns whether the wait is already over, and otherwise resumes `waiter` later.
    virtual bool wait_now(const WaitSpec& spec) = 0;
    virtual void wait_later(const WaitSpec& spec, std::coroutine_handle<> waiter) = 0;
    virtual void log(std::string_view line) = 0;
    virtual Rng& rng() = 0;
    virtual const std::string& name() const = 0;
    // A program may mark moments for the trace (the narration ties to them).
    virtual void mark(std::string_view what, std::string_view detail) = 0;
};

class Node;

// A socket as a program holds it. Cheap to copy; closing it closes the socket.
class Sock {
public:
    Sock() = default;
    int id() const noexcept { return id_; }
    bool valid() const noexcept { return id_ > 0; }
    SocketType type() const noexcept { return type_; }

    int bind(const std::string& endpoint);
    int connect(const std::string& endpoint);
    int disconnect(const std::string& endpoint);
    int set(int option, int value);
    int set(int option, std::string_view value);
    int subscribe(std::string_view prefix) { return set(option::subscribe, prefix); }
    void close();

private:
    friend class Node;
    Sock(NodeRuntime* runtime, int id, SocketType type) : runtime_(runtime), id_(id), type_(type) {}
    NodeRuntime* runtime_ = nullptr;
    int id_ = 0;
    SocketType type_ = SocketType::pair;
};

struct Received {
    int error = EAGAIN;  // 0 = msg holds a message; EAGAIN = timed out
    Message msg;
    bool ok() const noexcept { return error == 0; }
};

struct PollEntry {
    Sock sock;
    short events = node_poll::in;
    short revents = 0;
};

// A program's parameters: strings from the scenario or the command line.
class Params {
public:
    Params() = default;
    explicit Params(std::map<std::string, std::string> values) : values_(std::move(values)) {}
    std::string get(const std::string& key, const std::string& fallback = "") const;
    int64_t get_int(const std::string& key, int64_t fallback) const;
    bool has(const std::string& key) const { return values_.count(key) != 0; }
    void set(const std::string& key, std::string value) { values_[key] = std::move(value); }
    const std::map<std::string, std::string>& values() const noexcept { return values_; }

private:
    std::map<std::string, std::string> values_;
};

class Node {
public:
    Node(NodeRuntime& runtime, Params params) : runtime_(runtime), params_(std::move(params)) {}

    Sock socket(SocketType type);
    // Blocking send (honours SNDTIMEO): 0, or errno (EAGAIN on timeout, kEfsm, ...).
    Task<int> send(Sock sock, Message msg);
    // Blocking receive. timeout_ms -1 = wait forever.
    Task<Received> recv(Sock sock, int timeout_ms = -1);
    // Waits until one of the entries is ready or the timeout passes; returns how many
    // are ready (revents set), 0 on timeout.
    Task<int> poll(std::vector<PollEntry>& entries, int timeout_ms);
    Task<bool> poll_in(Sock sock, int timeout_ms);
    Task<> sleep(int64_t duration_ms);

    int64_t now_ms() { return runtime_.now_ms(); }
    Rng& rng() { return runtime_.rng(); }
    void log(std::string_view line) { runtime_.log(line); }
    void mark(std::string_view what, std::string_view detail = {}) { runtime_.mark(what, detail); }
    const Params& params() const noexcept { return params_; }
    const std::string& name() const { return runtime_.name(); }
    NodeRuntime& runtime() noexcept { return runtime_; }

private:
    // Awaiter over a WaitSpec that lives in the awaiting frame. Always used as a named
    // local: g++ 12 destroys awaiter temporaries with non-trivial members twice.
    struct Wait {
        NodeRuntime* runtime;
        const WaitSpec* spec;
        bool await_ready() { return runtime->wait_now(*spec); }
        void await_suspend(std::coroutine_handle<> waiter) { runtime->wait_later(*spec, waiter); }
        void await_resume() noexcept {}
    };

    // The spec of the wait in progress, reused from wait to wait: a program waits about
    // once per message, and a fresh WaitSpec allocated its item vector every time. A node
    // program is one chain of coroutines, so it waits for one thing at a time.
    WaitSpec& fresh_wait_spec(int64_t deadline_ms) {
        wait_spec_.items.clear();
        wait_spec_.deadline_ms = deadline_ms;
        return wait_spec_;
    }

    NodeRuntime& runtime_;
    Params params_;
    WaitSpec wait_spec_;
};

}  // namespace sculpin
