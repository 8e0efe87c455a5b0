#include "runtime/real_node.hpp"

#include <cassert>
#include <thread>

#include "runtime/poller.hpp"

namespace sculpin {

RealNode::RealNode(Context& context, std::string name, uint64_t seed, LogFn log)
    : context_(context),
      name_(std::move(name)),
      rng_(seed),
      log_(std::move(log)),
      start_(std::chrono::steady_clock::now()) {}

RealNode::~RealNode() {
    for (auto& [id, socket] : sockets_) socket->close();
}

int64_t RealNode::now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start_)
        .count();
}

SocketHandle* RealNode::find(int socket_id) {
    auto it = sockets_.find(socket_id);
    return it == sockets_.end() ? nullptr : it->second;
}

int RealNode::open_socket(SocketType type) {
    SocketHandle* socket = context_.socket(type);
    if (socket == nullptr) return 0;
    const int id = next_id_++;
    sockets_[id] = socket;
    return id;
}

void RealNode::close_socket(int socket_id) {
    if (SocketHandle* socket = find(socket_id)) {
        socket->close();
        sockets_.erase(socket_id);
    }
}

int RealNode::bind(int socket_id, const std::string& endpoint) {
    SocketHandle* socket = find(socket_id);
    if (socket == nullptr) return ENOTSOCK;
    const int rc = socket->bind(endpoint);
    if (rc != 0) log("bind " + endpoint + " failed: " + socket->last_error());
    return rc;
}

int RealNode::connect(int socket_id, const std::string& endpoint) {
    SocketHandle* socket = find(socket_id);
    if (socket == nullptr) return ENOTSOCK;
    const int rc = socket->connect(endpoint);
    if (rc != 0) log("connect " + endpoint + " failed: " + socket->last_error());
    return rc;
}

int RealNode::disconnect(int socket_id, const std::string& endpoint) {
    SocketHandle* socket = find(socket_id);
    return socket == nullptr ? ENOTSOCK : socket->disconnect(endpoint);
}

int RealNode::set_option(int socket_id, int option, const void* value, size_t size) {
    SocketHandle* socket = find(socket_id);
    return socket == nullptr ? ENOTSOCK : socket->set_option(option, value, size);
}

int RealNode::get_option(int socket_id, int option, void* value, size_t* size) {
    SocketHandle* socket = find(socket_id);
    return socket == nullptr ? ENOTSOCK : socket->get_option(option, value, size);
}

int RealNode::try_send(int socket_id, Message& msg) {
    SocketHandle* socket = find(socket_id);
    return socket == nullptr ? ENOTSOCK : socket->send(msg, send_flag::dontwait);
}

int RealNode::try_recv(int socket_id, Message& out) {
    SocketHandle* socket = find(socket_id);
    return socket == nullptr ? ENOTSOCK : socket->recv(out, send_flag::dontwait);
}

bool RealNode::ready(int socket_id, short events) {
    SocketHandle* socket = find(socket_id);
    if (socket == nullptr) return false;
    return ((events & node_poll::in) && socket->poll_in()) ||
           ((events & node_poll::out) && socket->poll_out());
}

bool RealNode::wait_now(const WaitSpec& spec) {
    // Block right here; the program continues when this returns.
    std::vector<PollItem> items;
    for (const auto& item : spec.items) {
        SocketHandle* socket = find(item.socket_id);
        if (socket == nullptr) continue;
        short events = 0;
        if (item.events & node_poll::in) events |= poll_event::in;
        if (item.events & node_poll::out) events |= poll_event::out;
        items.push_back({socket, -1, events, 0});
    }
    const int timeout_ms =
        spec.deadline_ms < 0 ? -1
                             : static_cast<int>(std::max<int64_t>(0, spec.deadline_ms - now_ms()));
    if (items.empty()) {
        if (timeout_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
        return true;
    }
    poll(items, timeout_ms);
    return true;
}

void RealNode::wait_later(const WaitSpec&, std::coroutine_handle<>) {
    assert(false && "wait_now always completes on the real runtime");
}

void RealNode::log(std::string_view line) {
    if (log_) log_(name_, now_ms(), line);
}

void RealNode::mark(std::string_view, std::string_view) {}

std::exception_ptr RealNode::run(Task<> task) {
    // Every await completes synchronously, so one resume runs the program to its end.
    task.start();
    assert(task.done());
    return task.error();
}

}  // namespace sculpin
