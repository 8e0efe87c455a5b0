// FIFO of decoded messages waiting for pop_message(). A ring over a vector of Message
// slots: unlike std::deque it neither allocates nor frees blocks as messages flow
// through, so steady-state decoding does not touch the heap.
//
// Bound: the ring holds what one feed() decodes before it defers the rest of the bytes
// (ZmtpConnection::kMaxDecodedAhead messages, or a raw connection's one chunk), and the
// driver pops before feeding again, so it stays at a few dozen slots.
#pragma once

#include <cassert>
#include <cstddef>
#include <utility>
#include <vector>

#include "core/message.hpp"

namespace sculpin::wire {

class MessageRing {
public:
    size_t size() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }

    // Moves `msg` in and leaves it empty.
    void push(Message& msg) {
        if (count_ == slots_.size()) grow();
        Message& slot = slots_[(head_ + count_) % slots_.size()];
        slot = std::move(msg);
        msg.clear();  // a moved-from Message keeps its count; make it truly empty
        ++count_;
    }

    bool pop(Message& out) {
        if (count_ == 0) return false;
        Message& slot = slots_[head_];
        out = std::move(slot);
        slot.clear();
        head_ = (head_ + 1) % slots_.size();
        --count_;
        return true;
    }

private:
    void grow() {
        std::vector<Message> bigger(slots_.empty() ? 4 : slots_.size() * 2);
        for (size_t i = 0; i < count_; ++i) {
            bigger[i] = std::move(slots_[(head_ + i) % slots_.size()]);
        }
        slots_ = std::move(bigger);
        head_ = 0;
    }

    std::vector<Message> slots_;
    size_t head_ = 0;
    size_t count_ = 0;
};

}  // namespace sculpin::wire
