// What the MessageQueue tests share: numbered messages (to check order) and a harness for
// the queue's sleep/wake protocol with two real threads.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "core/message.hpp"

namespace sculpin::queue_test {

// A one-frame message carrying `n`.
inline Message numbered(uint64_t n) {
    return Message(Frame(&n, sizeof n));
}

// The number a numbered() message carries (a test failure if it is not one).
inline uint64_t number_of(const Message& msg) {
    uint64_t n = 0;
    EXPECT_EQ(msg.size(), 1u);
    EXPECT_EQ(msg.front().size(), sizeof n);
    std::memcpy(&n, msg.front().data(), sizeof n);
    return n;
}

// Each side sleeps until the other side is told (by the queue) to wake it. A wake-up the
// queue forgets to ask for shows as a stall; the stall limit only guards the test against
// hanging, it is not a timing assertion.

class WakeSignals {
public:
    enum class Side { reader, writer };

    explicit WakeSignals(std::chrono::seconds stall_limit) : stall_limit_(stall_limit) {}

    // Sleeps until `side` is signalled. false: nothing came within the stall limit (both
    // sides are then released and every later wait returns false at once).
    bool wait(Side side) {
        Slot& slot = slot_of(side);
        std::unique_lock lock(mutex_);
        if (!slot.cv.wait_for(lock, stall_limit_, [&] { return slot.signalled || stalled_; })) {
            stalled_ = true;
            reader_.cv.notify_all();
            writer_.cv.notify_all();
        }
        slot.signalled = false;
        return !stalled_;
    }

    void signal(Side side) {
        Slot& slot = slot_of(side);
        {
            std::lock_guard lock(mutex_);
            slot.signalled = true;
        }
        slot.cv.notify_one();
    }

    bool stalled() {
        std::lock_guard lock(mutex_);
        return stalled_;
    }

private:
    struct Slot {
        std::condition_variable cv;
        bool signalled = false;
    };
    Slot& slot_of(Side side) { return side == Side::reader ? reader_ : writer_; }

    std::chrono::seconds stall_limit_;
    std::mutex mutex_;
    Slot reader_;
    Slot writer_;
    bool stalled_ = false;
};

}  // namespace sculpin::queue_test
