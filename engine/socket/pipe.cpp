#include "socket/pipe.hpp"

namespace sculpin {

namespace {
std::atomic<uint64_t> next_pipe_id{1};
}

struct PipePair {
    PipePair(uint64_t a_to_b, uint64_t b_to_a) : a_to_b_queue(a_to_b), b_to_a_queue(b_to_a) {
        a.id_ = next_pipe_id.fetch_add(1, std::memory_order_relaxed);
        b.id_ = next_pipe_id.fetch_add(1, std::memory_order_relaxed);
        a.out_ = &a_to_b_queue;
        a.in_ = &b_to_a_queue;
        b.out_ = &b_to_a_queue;
        b.in_ = &a_to_b_queue;
        a.self_closed_ = &a_closed;
        a.peer_closed_ = &b_closed;
        b.self_closed_ = &b_closed;
        b.peer_closed_ = &a_closed;
        a.connection_fd_ = &connection_fd;
        b.connection_fd_ = &connection_fd;
        a.peer_ = &b;
        b.peer_ = &a;
    }
    MessageQueue a_to_b_queue;
    MessageQueue b_to_a_queue;
    std::atomic<bool> a_closed{false};
    std::atomic<bool> b_closed{false};
    std::atomic<int> connection_fd{-1};
    PipeEnd a;
    PipeEnd b;
};

std::pair<std::shared_ptr<PipeEnd>, std::shared_ptr<PipeEnd>> make_pipe(uint64_t a_to_b_capacity,
                                                                        uint64_t b_to_a_capacity) {
    auto pair = std::make_shared<PipePair>(a_to_b_capacity, b_to_a_capacity);
    std::shared_ptr<PipeEnd> a(pair, &pair->a);
    std::shared_ptr<PipeEnd> b(pair, &pair->b);
    return {std::move(a), std::move(b)};
}

uint64_t queue_capacity(int own_hwm, int peer_hwm) noexcept {
    if (own_hwm <= 0 || peer_hwm == 0) return 0;
    if (peer_hwm < 0) return static_cast<uint64_t>(own_hwm);
    return static_cast<uint64_t>(own_hwm) + static_cast<uint64_t>(peer_hwm);
}

bool PipeEnd::read(Message& out) {
    switch (in_->pop(out)) {
        case MessageQueue::PopResult::empty:
            return false;
        case MessageQueue::PopResult::empty_wake_writer:
            peer_->notify_writable();
            return false;
        case MessageQueue::PopResult::ok_wake_writer:
            peer_->notify_writable();
            return true;
        case MessageQueue::PopResult::ok:
            return true;
    }
    return false;
}

bool PipeEnd::write(Message& msg) {
    if (closed()) return false;
    switch (out_->push(msg)) {
        case MessageQueue::PushResult::full:
            return false;
        case MessageQueue::PushResult::ok_wake_reader:
            peer_->notify_readable();
            return true;
        case MessageQueue::PushResult::ok:
            return true;
    }
    return false;
}

bool PipeEnd::write_unpublished(Message& msg) {
    if (closed()) return false;
    return out_->push_unpublished(msg) != MessageQueue::PushResult::full;
}

void PipeEnd::publish() {
    if (out_->publish() == MessageQueue::PushResult::ok_wake_reader) peer_->notify_readable();
}

void PipeEnd::write_forced(Message& msg) {
    if (closed()) return;
    if (out_->push_forced(msg) == MessageQueue::PushResult::ok_wake_reader)
        peer_->notify_readable();
}

void PipeEnd::close() {
    if (self_closed_->exchange(true, std::memory_order_acq_rel)) return;
    // The peer must learn of it whether or not it is waiting to read: it may be a PUSH
    // that never reads, and it may be blocked on a full queue towards us.
    peer_->notify_readable();
    peer_->notify_writable();
}

void PipeEnd::notify_readable() {
    if (PipeListener* listener = listener_.load(std::memory_order_acquire))
        listener->pipe_readable(*this);
}

void PipeEnd::notify_writable() {
    if (PipeListener* listener = listener_.load(std::memory_order_acquire))
        listener->pipe_writable(*this);
}

}  // namespace sculpin
