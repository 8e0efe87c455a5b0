// The reader credits its reads to the writer in batches of the low-water mark, as
// libzmq's pipe does, so the writer finds the queue full as libzmq's would.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include "queue_test_support.hpp"
#include "socket/message_queue.hpp"

namespace sculpin {
namespace {

using PushResult = MessageQueue::PushResult;
using PopResult = MessageQueue::PopResult;

using queue_test::number_of;
using queue_test::numbered;

// Pushes until the queue says full; returns how many went in.
uint64_t push_until_full(MessageQueue& queue, uint64_t first_number, uint64_t limit = 1000) {
    uint64_t pushed = 0;
    for (; pushed < limit; ++pushed) {
        Message msg = numbered(first_number + pushed);
        if (queue.push(msg) == PushResult::full) break;
    }
    return pushed;
}

TEST(MessageQueueCredit, TheBatchIsLibzmqsLowWaterMark) {
    // libzmq 4.3.4's compute_lwm: (hwm + 1) / 2.
    EXPECT_EQ(MessageQueue::credit_batch(1), 1u);
    EXPECT_EQ(MessageQueue::credit_batch(2), 1u);
    EXPECT_EQ(MessageQueue::credit_batch(3), 2u);
    EXPECT_EQ(MessageQueue::credit_batch(20), 10u);
    EXPECT_EQ(MessageQueue::credit_batch(2000), 1000u);
    EXPECT_EQ(MessageQueue::credit_batch(11024), 5512u);
    // Unlimited: a small batch keeps the count current if a limit comes later.
    EXPECT_EQ(MessageQueue::credit_batch(0), MessageQueue::kChunkSlots);
}

TEST(MessageQueueCredit, CreditedReadsAdvanceInBatchesWhileTheSizeIsExact) {
    MessageQueue queue(20);  // batch 10
    for (uint64_t i = 0; i < 20; ++i) {
        Message msg = numbered(i);
        ASSERT_EQ(queue.push(msg), PushResult::ok);
    }
    Message out;
    for (uint64_t read = 1; read <= 20; ++read) {
        ASSERT_NE(queue.pop(out), PopResult::empty);
        EXPECT_EQ(number_of(out), read - 1);
        EXPECT_EQ(queue.size(), 20u - read);
        EXPECT_EQ(queue.credited_reads(), read / 10 * 10) << "after read " << read;
    }
}

TEST(MessageQueueCredit, TheWriterSeesUncreditedReadsAsQueued) {
    MessageQueue queue(20);
    ASSERT_EQ(push_until_full(queue, 0), 20u);
    Message out;
    for (int i = 0; i < 9; ++i) ASSERT_EQ(queue.pop(out), PopResult::ok);
    // Nine read, none credited: still full for the writer, though 11 are queued.
    EXPECT_EQ(queue.size(), 11u);
    Message blocked = numbered(20);
    EXPECT_EQ(queue.push(blocked), PushResult::full);
    // The tenth read completes the batch: the writer that was refused is woken and
    // finds room for exactly that batch.
    EXPECT_EQ(queue.pop(out), PopResult::ok_wake_writer);
    EXPECT_EQ(push_until_full(queue, 20), 10u);
}

TEST(MessageQueueCredit, AReaderThatEmptiesTheQueueKeepsItsPartialBatch) {
    // libzmq's reader does not credit on running dry either: the writer keeps counting
    // the partial batch.
    MessageQueue queue(20);
    for (uint64_t i = 0; i < 5; ++i) {
        Message msg = numbered(i);
        ASSERT_EQ(queue.push(msg), PushResult::ok);
    }
    Message out;
    for (int i = 0; i < 5; ++i) ASSERT_EQ(queue.pop(out), PopResult::ok);
    EXPECT_EQ(queue.pop(out), PopResult::empty);
    EXPECT_EQ(queue.credited_reads(), 0u);
    EXPECT_EQ(push_until_full(queue, 5), 15u);
}

// test_proxy_hwm's situation, each step as far as it can go until nothing moves: a
// writer, a relay (a proxy that moves a message only while the next queue has room) and a
// consumer that has taken one message. HWM 10 at each of the four sockets: each inproc
// queue holds 10 + 10. libzmq's publisher gets 40 in (its test allows 20 to 40); crediting
// every read at once would let 41 in, as the relay's read of the 21st would count.
TEST(MessageQueueCredit, AWriterBehindARelayGetsInWhatLibzmqAllows) {
    MessageQueue front(20);
    MessageQueue back(20);
    uint64_t written = 0;
    bool consumer_has_read = false;
    for (int round = 0; round < 100; ++round) {
        const uint64_t pushed = push_until_full(front, written);
        written += pushed;
        bool moved = pushed > 0;
        while (back.check_room()) {
            Message msg;
            const PopResult result = front.pop(msg);
            if (result == PopResult::empty || result == PopResult::empty_wake_writer) break;
            ASSERT_NE(back.push(msg), PushResult::full);
            moved = true;
        }
        if (!consumer_has_read) {
            Message out;
            ASSERT_NE(back.pop(out), PopResult::empty);
            consumer_has_read = true;
            moved = true;
        }
        if (!moved) break;
    }
    EXPECT_EQ(written, 40u);
}

TEST(MessageQueueCredit, ASmallerBatchWakesASleepingReaderToCreditWhatItHolds) {
    MessageQueue queue(20);  // batch 10
    for (uint64_t i = 0; i < 9; ++i) {
        Message msg = numbered(i);
        ASSERT_EQ(queue.push(msg), PushResult::ok);
    }
    Message out;
    for (int i = 0; i < 9; ++i) ASSERT_EQ(queue.pop(out), PopResult::ok);
    ASSERT_EQ(queue.pop(out), PopResult::empty);  // the reader sleeps, 9 reads uncredited

    // HWM 4 (batch 2): the 9 uncredited reads alone would keep the writer full for ever.
    const MessageQueue::CapacityChange change = queue.set_capacity(4);
    EXPECT_TRUE(change.wake_reader);
    EXPECT_FALSE(change.wake_writer);
    Message blocked = numbered(9);
    ASSERT_EQ(queue.push(blocked), PushResult::full);
    // Woken, the reader finds nothing to read but credits its reads, which frees the
    // writer.
    EXPECT_EQ(queue.pop(out), PopResult::empty_wake_writer);
    EXPECT_EQ(queue.credited_reads(), 9u);
    EXPECT_EQ(push_until_full(queue, 9), 4u);
}

TEST(MessageQueueCredit, ALargerBatchWakesNoReader) {
    MessageQueue queue(4);
    Message msg = numbered(0);
    ASSERT_EQ(queue.push(msg), PushResult::ok);
    Message out;
    ASSERT_EQ(queue.pop(out), PopResult::ok);
    ASSERT_EQ(queue.pop(out), PopResult::empty);
    EXPECT_FALSE(queue.set_capacity(100).wake_reader);
}

// A writer thread and a reader thread that sleep whenever the queue says so and are woken
// only when it says the other side must be, while the writer keeps changing the HWM
// (batches shrink and grow under the reader's feet). A lost wake-up shows as a stall; the
// bound on the wait is a guard against a hang, not a timing assertion.
TEST(MessageQueueCredit, NoWakeUpIsLostWhileBatchesAreCreditedAndTheHwmChanges) {
    constexpr uint64_t kMessages = 300'000;
    constexpr auto kStallLimit = std::chrono::seconds(30);
    constexpr uint64_t kCapacities[] = {1, 2, 3, 7, 64, 1000, 0, 5};
    MessageQueue queue(3);

    using queue_test::WakeSignals;
    WakeSignals signals(kStallLimit);

    std::thread writer([&] {
        size_t next_capacity = 0;
        for (uint64_t seq = 0; seq < kMessages;) {
            if (seq % 997 == 0) {
                const auto change =
                    queue.set_capacity(kCapacities[next_capacity++ % std::size(kCapacities)]);
                if (change.wake_reader) signals.signal(WakeSignals::Side::reader);
                if (change.wake_writer) signals.signal(WakeSignals::Side::writer);
            }
            Message msg = numbered(seq);
            switch (queue.push(msg)) {
                case PushResult::ok:
                    ++seq;
                    break;
                case PushResult::ok_wake_reader:
                    ++seq;
                    signals.signal(WakeSignals::Side::reader);
                    break;
                case PushResult::full:
                    if (!signals.wait(WakeSignals::Side::writer)) return;
                    break;
            }
        }
    });

    uint64_t expected = 0;
    bool in_order = true;
    while (expected < kMessages) {
        Message out;
        const PopResult result = queue.pop(out);
        if (result == PopResult::empty || result == PopResult::empty_wake_writer) {
            if (result == PopResult::empty_wake_writer) signals.signal(WakeSignals::Side::writer);
            if (!signals.wait(WakeSignals::Side::reader)) break;
            continue;
        }
        in_order = in_order && number_of(out) == expected;
        ++expected;
        if (result == PopResult::ok_wake_writer) signals.signal(WakeSignals::Side::writer);
    }
    writer.join();

    EXPECT_FALSE(signals.stalled())
        << "a wake-up was lost: stalled after " << expected << " messages";
    EXPECT_TRUE(in_order);
    EXPECT_EQ(expected, kMessages);
}

}  // namespace
}  // namespace sculpin
