// RealNode: a node program on the real runtime. Each call blocks the calling thread the
// way a libzmq program would; time is the steady clock since the node started.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "node/node.hpp"
#include "runtime/context.hpp"

namespace sculpin {

class RealNode final : public NodeRuntime {
public:
    using LogFn =
        std::function<void(const std::string& node, int64_t time_ms, std::string_view line)>;

    RealNode(Context& context, std::string name, uint64_t seed, LogFn log);
    ~RealNode() override;

    int64_t now_ms() override;
    int open_socket(SocketType type) override;
    void close_socket(int socket_id) override;
    int bind(int socket_id, const std::string& endpoint) override;
    int connect(int socket_id, const std::string& endpoint) override;
    int disconnect(int socket_id, const std::string& endpoint) override;
    int set_option(int socket_id, int option, const void* value, size_t size) override;
    int get_option(int socket_id, int option, void* value, size_t* size) override;
    int try_send(int socket_id, Message& msg) override;
    int try_recv(int socket_id, Message& out) override;
    bool ready(int socket_id, short events) override;
    bool wait_now(const WaitSpec& spec) override;
    void wait_later(const WaitSpec& spec, std::coroutine_handle<> waiter) override;
    void log(std::string_view line) override;
    Rng& rng() override { return rng_; }
    const std::string& name() const override { return name_; }
    void mark(std::string_view what, std::string_view detail) override;

    // Runs a program to completion on the calling thread.
    static std::exception_ptr run(Task<> task);

private:
    SocketHandle* find(int socket_id);

    Context& context_;
    std::string name_;
    Rng rng_;
    LogFn log_;
    std::chrono::steady_clock::time_point start_;
    int next_id_ = 1;
    std::map<int, SocketHandle*> sockets_;
};

}  // namespace sculpin
