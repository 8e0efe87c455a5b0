#include "node/node.hpp"

#include <charconv>

namespace sculpin {

int Sock::bind(const std::string& endpoint) {
    return runtime_->bind(id_, endpoint);
}
int Sock::connect(const std::string& endpoint) {
    return runtime_->connect(id_, endpoint);
}
int Sock::disconnect(const std::string& endpoint) {
    return runtime_->disconnect(id_, endpoint);
}
int Sock::set(int option, int value) {
    return runtime_->set_option(id_, option, &value, sizeof(value));
}
int Sock::set(int option, std::string_view value) {
    return runtime_->set_option(id_, option, value.data(), value.size());
}
void Sock::close() {
    if (runtime_ != nullptr && id_ > 0) runtime_->close_socket(id_);
    id_ = 0;
}

std::string Params::get(const std::string& key, const std::string& fallback) const {
    auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second;
}

int64_t Params::get_int(const std::string& key, int64_t fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    int64_t value = 0;
    const std::string& text = it->second;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && ptr == text.data() + text.size() ? value : fallback;
}

Sock Node::socket(SocketType type) {
    return Sock(&runtime_, runtime_.open_socket(type), type);
}

Task<int> Node::send(Sock sock, Message msg) {
    int timeout_ms = -1;
    size_t size = sizeof(timeout_ms);
    runtime_.get_option(sock.id(), option::sndtimeo, &timeout_ms, &size);
    const int64_t deadline = timeout_ms < 0 ? -1 : runtime_.now_ms() + timeout_ms;
    while (true) {
        const int rc = runtime_.try_send(sock.id(), msg);
        if (rc != EAGAIN) co_return rc;
        if (deadline >= 0 && runtime_.now_ms() >= deadline) co_return EAGAIN;
        WaitSpec& spec = fresh_wait_spec(deadline);
        spec.items.push_back({sock.id(), node_poll::out});
        Wait wait{&runtime_, &spec};
        co_await wait;
    }
}

Task<Received> Node::recv(Sock sock, int timeout_ms) {
    const int64_t deadline = timeout_ms < 0 ? -1 : runtime_.now_ms() + timeout_ms;
    while (true) {
        Received result;
        result.error = runtime_.try_recv(sock.id(), result.msg);
        if (result.error != EAGAIN) co_return result;
        if (deadline >= 0 && runtime_.now_ms() >= deadline) co_return result;
        WaitSpec& spec = fresh_wait_spec(deadline);
        spec.items.push_back({sock.id(), node_poll::in});
        Wait wait{&runtime_, &spec};
        co_await wait;
    }
}

Task<int> Node::poll(std::vector<PollEntry>& entries, int timeout_ms) {
    const int64_t deadline = timeout_ms < 0 ? -1 : runtime_.now_ms() + timeout_ms;
    while (true) {
        int ready = 0;
        for (auto& entry : entries) {
            entry.revents = 0;
            if ((entry.events & node_poll::in) && runtime_.ready(entry.sock.id(), node_poll::in))
                entry.revents |= node_poll::in;
            if ((entry.events & node_poll::out) && runtime_.ready(entry.sock.id(), node_poll::out))
                entry.revents |= node_poll::out;
            if (entry.revents != 0) ++ready;
        }
        if (ready > 0 || timeout_ms == 0) co_return ready;
        if (deadline >= 0 && runtime_.now_ms() >= deadline) co_return 0;
        WaitSpec& spec = fresh_wait_spec(deadline);
        for (const auto& entry : entries) spec.items.push_back({entry.sock.id(), entry.events});
        Wait wait{&runtime_, &spec};
        co_await wait;
    }
}

Task<bool> Node::poll_in(Sock sock, int timeout_ms) {
    std::vector<PollEntry> entries{{sock, node_poll::in, 0}};
    co_return co_await poll(entries, timeout_ms) > 0;
}

Task<> Node::sleep(int64_t duration_ms) {
    const int64_t deadline = runtime_.now_ms() + duration_ms;
    while (runtime_.now_ms() < deadline) {
        WaitSpec& spec = fresh_wait_spec(deadline);
        Wait wait{&runtime_, &spec};
        co_await wait;
    }
}

}  // namespace sculpin
