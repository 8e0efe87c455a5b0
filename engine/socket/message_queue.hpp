// A single-producer, single-consumer queue of Messages with a high-water mark.
//
// It is the one queue under every pipe, in both runtimes. The producer and the consumer
// may be on different threads (real runtime) or the same one (simulation); it needs no
// lock, only atomics. Storage grows in fixed chunks, so a push is a move into a slot,
// not an allocation, except once per kChunkSlots messages (and a spare chunk is kept).
//
// Sleep/wake protocol: a reader that finds the queue empty arms `reader_waiting`; the
// writer that next publishes disarms it and reports that the reader must be woken. The
// same for a writer that finds the queue full and the reader that frees space. The
// queue never calls anyone: it tells its caller to wake the other side.
#pragma once

#include <atomic>
#include <cassert>
#include <cstdint>

#include "core/message.hpp"

namespace sculpin {

class MessageQueue {
public:
    static constexpr size_t kChunkSlots = 64;

    // capacity_messages == 0 means unlimited.
    explicit MessageQueue(uint64_t capacity_messages);
    ~MessageQueue();
    MessageQueue(const MessageQueue&) = delete;
    MessageQueue& operator=(const MessageQueue&) = delete;

    enum class PushResult { ok, ok_wake_reader, full };
    // Producer side. On `full` the message is left untouched and the writer is armed to
    // be woken once the queue drains to its low-water mark.
    PushResult push(Message& msg);
    // Producer side: push ignoring the capacity (subscriptions, the routing-id handshake).
    PushResult push_forced(Message& msg);
    // Producer side, for batches: like push(), but the message stays invisible to the
    // reader until publish(), so a batch costs one publication and at most one wake-up.
    // Returns ok or full (never ok_wake_reader).
    PushResult push_unpublished(Message& msg);
    // Makes every pushed message visible. ok_wake_reader: the reader was asleep.
    PushResult publish();
    bool full() const noexcept;
    // Producer side: is there room? When there is not, the writer is armed exactly as a
    // failed push() arms it, so a poller that only asks still gets woken when it drains.
    bool check_room();

    enum class PopResult { ok, ok_wake_writer, empty };
    // Consumer side. On `empty` the reader is armed to be woken by the next push.
    PopResult pop(Message& out);
    // Consumer side: is a message ready? Does not arm anything.
    bool readable() const noexcept {
        return read_index_ < written_.load(std::memory_order_acquire);
    }

    uint64_t size() const noexcept {
        return written_.load(std::memory_order_acquire) - read_.load(std::memory_order_acquire);
    }
    uint64_t capacity() const noexcept { return capacity_.load(std::memory_order_relaxed); }
    // Queued messages that carry a trace id. Walks the queue: for a single-threaded
    // runtime (the simulator's ledger check), not for a queue in use by two threads.
    size_t count_traced() const;
    // Changing the capacity is allowed from either side at any time (a new SNDHWM or
    // RCVHWM, an inproc bind completing a connect). true: a writer that was waiting for
    // room now has it and must be woken by the caller (it is disarmed here).
    bool set_capacity(uint64_t capacity_messages);

private:
    struct Chunk {
        Message slots[kChunkSlots];
        Chunk* next = nullptr;
    };
    Chunk* new_chunk();
    void recycle(Chunk* chunk);
    PushResult publish(Message& msg);
    void store(Message& msg);

    std::atomic<uint64_t> capacity_;
    uint64_t low_water_mark() const noexcept {
        const uint64_t capacity = capacity_.load(std::memory_order_relaxed);
        return capacity == 0 ? 0 : (capacity + 1) / 2;
    }

    // Producer-owned.
    alignas(64) Chunk* write_chunk_;
    uint64_t write_index_ = 0;
    // Shared.
    alignas(64) std::atomic<uint64_t> written_{0};
    std::atomic<bool> reader_waiting_{false};
    alignas(64) std::atomic<uint64_t> read_{0};
    std::atomic<bool> writer_waiting_{false};
    std::atomic<Chunk*> spare_{nullptr};
    // Consumer-owned.
    alignas(64) Chunk* read_chunk_;
    uint64_t read_index_ = 0;
};

}  // namespace sculpin
