// A single-producer, single-consumer queue of Messages with a high-water mark.
//
// It is the one queue under every pipe, in both runtimes. The producer and the consumer
// may be on different threads (real runtime) or the same one (simulation); it needs no
// lock, only atomics. Storage grows in fixed chunks, so a push is a move into a slot,
// not an allocation, except once per kChunkSlots messages beyond the most the queue has
// held before (emptied chunks are kept for reuse, up to kSpareChunks).
//
// Sleep/wake protocol: a reader that finds the queue empty arms `reader_waiting`; the
// writer that next publishes disarms it and reports that the reader must be woken. The
// same for a writer that finds the queue full and the reader that frees space. The
// queue never calls anyone: it tells its caller to wake the other side.
//
// Credit: the writer does not see each read as it happens. The reader counts its reads
// privately and credits them to the writer (the count the writer's capacity check uses)
// in batches of the low-water mark, (capacity + 1) / 2, as libzmq 4.3's pipe does (its
// reader sends activate_write every LWM messages). So the writer counts as queued up to
// LWM - 1 messages that were already read, and finds the queue full earlier and for
// longer than its true size says; and the reader pays for a shared store only once a
// batch. A blocked writer is woken by the credit that gives it room.
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
    // be woken once the reader credits enough reads to make room.
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

    enum class PopResult { ok, ok_wake_writer, empty, empty_wake_writer };
    // Consumer side. On `empty` the reader is armed to be woken by the next push.
    // empty_wake_writer: empty too, but the reads it credited on the way (see
    // set_capacity) gave a blocked writer room, and the caller must wake it.
    PopResult pop(Message& out);
    // Consumer side: is a message ready? Does not arm anything.
    bool readable() const noexcept {
        return read_index_.load(std::memory_order_relaxed) <
               written_.load(std::memory_order_acquire);
    }

    // Messages published and not yet read (not the writer's credited view of it).
    uint64_t size() const noexcept {
        return written_.load(std::memory_order_acquire) -
               read_index_.load(std::memory_order_acquire);
    }
    // The reads the writer has been told of: the writer is full while its writes minus
    // these reach the capacity.
    uint64_t credited_reads() const noexcept { return credited_.load(std::memory_order_acquire); }
    uint64_t capacity() const noexcept { return capacity_.load(std::memory_order_relaxed); }
    // Queued messages that carry a trace id. Walks the queue: for a single-threaded
    // runtime (the simulator's ledger check), not for a queue in use by two threads.
    size_t count_traced() const;
    // Changing the capacity is allowed from either side at any time (a new SNDHWM or
    // RCVHWM, an inproc bind completing a connect). wake_writer: a writer that was
    // waiting for room now has it. wake_reader: the credit batch shrank while the reader
    // slept on an empty queue, holding uncredited reads that may now keep the writer
    // full; woken, its next pop() credits them. Each is disarmed here; the caller wakes.
    struct CapacityChange {
        bool wake_writer = false;
        bool wake_reader = false;
    };
    CapacityChange set_capacity(uint64_t capacity_messages);
    // How many reads the reader credits at once for a capacity (0: unlimited, for which
    // a chunk's worth keeps the count current at no cost).
    static uint64_t credit_batch(uint64_t capacity_messages) noexcept {
        return capacity_messages == 0 ? kChunkSlots : (capacity_messages + 1) / 2;
    }

private:
    struct Chunk {
        Message slots[kChunkSlots];
        Chunk* next = nullptr;
    };
    Chunk* new_chunk();
    void recycle(Chunk* chunk);
    PushResult publish(Message& msg);
    void store(Message& msg);
    // Consumer side: tells the writer of every read so far. true: a waiting writer now
    // has room and was disarmed.
    bool credit_reads(uint64_t reads);

    std::atomic<uint64_t> capacity_;

    // Producer-owned.
    alignas(64) Chunk* write_chunk_;
    uint64_t write_index_ = 0;
    uint64_t spare_take_ = 0;
    // Shared.
    alignas(64) std::atomic<uint64_t> written_{0};
    std::atomic<bool> reader_waiting_{false};
    alignas(64) std::atomic<uint64_t> credited_{0};
    std::atomic<bool> writer_waiting_{false};
    // Emptied chunks the reader hands back for the writer to reuse: a single-producer,
    // single-consumer ring where a slot's nullness says whose turn it is.
    static constexpr size_t kSpareChunks = 16;
    std::atomic<Chunk*> spares_[kSpareChunks] = {};
    // Consumer-owned (read_index_ is atomic only so that size() may be asked anywhere).
    alignas(64) Chunk* read_chunk_;
    std::atomic<uint64_t> read_index_{0};
    uint64_t credited_index_ = 0;  // the reader's own copy of credited_
    uint64_t spare_give_ = 0;
};

}  // namespace sculpin
