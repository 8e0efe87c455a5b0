// The simulator's clock and event queue. Virtual time is an integer count of
// nanoseconds; events fire in (time, sequence) order, where the sequence number is
// assigned when the event is scheduled, so ties always break the same way. One thread,
// no wall clock: the same schedule calls give the same run, everywhere.
//
// The queue is built for millions of events per second: an event's action lives in a
// pooled slot (a small-buffer callable, so scheduling one allocates nothing unless its
// captures are unusually large), the heap holds only (time, sequence, slot), and a
// cancelled event is marked in its slot rather than looked up in a set on every step.
//
// Most events are scheduled for "now" (a node posting work to itself). Those skip the heap:
// they go to a FIFO ring beside it. Every entry in the ring has the current time and a
// sequence number larger than anything scheduled before it, so the ring is already in
// (time, sequence) order; step() takes whichever of the ring's front and the heap's top
// comes first by (time, sequence). The order of events is exactly the heap-only order.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace sculpin::sim {

using TimeNs = int64_t;
constexpr TimeNs kNsPerMs = 1'000'000;
constexpr TimeNs kNsPerSecond = 1'000'000'000;
constexpr TimeNs kForever = INT64_MAX;

// Names one scheduled event, for cancel(): its slot and the slot's generation. Never 0.
using EventId = uint64_t;

// A move-only void() callable kept inline in a fixed buffer. Callables that do not fit
// (or cannot be moved without throwing) are kept on the heap, behind the same interface.
class InlineAction {
public:
    static constexpr size_t kInlineBytes = 48;

    InlineAction() noexcept = default;
    template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, InlineAction>>>
    InlineAction(F&& fn) {  // NOLINT: implicit, like std::function
        emplace(std::forward<F>(fn));
    }
    // Replaces the action with `fn`, built in place (no InlineAction in between to move).
    template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, InlineAction>>>
    void emplace(F&& fn) {
        reset();
        using Fn = std::decay_t<F>;
        if constexpr (fits_inline<Fn>()) {
            ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(fn));
            ops_ = &kInlineOps<Fn>;
        } else {
            ::new (static_cast<void*>(storage_)) Fn*(new Fn(std::forward<F>(fn)));
            ops_ = &kBoxedOps<Fn>;
        }
    }
    InlineAction(InlineAction&& other) noexcept { take(other); }
    InlineAction& operator=(InlineAction&& other) noexcept {
        if (this != &other) {
            reset();
            take(other);
        }
        return *this;
    }
    InlineAction(const InlineAction&) = delete;
    InlineAction& operator=(const InlineAction&) = delete;
    ~InlineAction() { reset(); }

    explicit operator bool() const noexcept { return ops_ != nullptr; }
    void operator()() {
        assert(ops_ != nullptr && "calling an empty action");
        ops_->invoke(storage_);
    }
    void reset() noexcept {
        if (ops_ != nullptr) ops_->destroy(storage_);
        ops_ = nullptr;
    }

private:
    struct Ops {
        void (*invoke)(void* storage);
        void (*move_to)(void* from, void* to) noexcept;  // and destroys `from`
        void (*destroy)(void* storage) noexcept;
    };
    template <class Fn>
    static constexpr bool fits_inline() {
        return sizeof(Fn) <= kInlineBytes && alignof(Fn) <= alignof(std::max_align_t) &&
               std::is_nothrow_move_constructible_v<Fn>;
    }
    template <class Fn>
    static constexpr Ops kInlineOps = {
        [](void* s) { (*std::launder(static_cast<Fn*>(s)))(); },
        [](void* from, void* to) noexcept {
            Fn* source = std::launder(static_cast<Fn*>(from));
            ::new (to) Fn(std::move(*source));
            source->~Fn();
        },
        [](void* s) noexcept { std::launder(static_cast<Fn*>(s))->~Fn(); },
    };
    template <class Fn>
    static constexpr Ops kBoxedOps = {
        [](void* s) { (**std::launder(static_cast<Fn**>(s)))(); },
        [](void* from, void* to) noexcept {
            ::new (to) Fn*(*std::launder(static_cast<Fn**>(from)));
        },
        [](void* s) noexcept { delete *std::launder(static_cast<Fn**>(s)); },
    };
    void take(InlineAction& other) noexcept {
        ops_ = other.ops_;
        if (ops_ != nullptr) ops_->move_to(other.storage_, storage_);
        other.ops_ = nullptr;
    }

    alignas(std::max_align_t) unsigned char storage_[kInlineBytes];
    const Ops* ops_ = nullptr;
};

class Scheduler {
public:
    using Action = InlineAction;

    TimeNs now() const noexcept { return now_ns_; }

    EventId at(TimeNs time_ns, Action action) {
        const uint32_t slot = acquire_slot();
        slot_at(slot).action = std::move(action);
        return enqueue(time_ns, slot);
    }
    EventId after(TimeNs delay_ns, Action action) {
        return at(now_ns_ + delay_ns, std::move(action));
    }
    // A callable is built straight into its event's slot: no Action to move in between.
    template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Action>>>
    EventId at(TimeNs time_ns, F&& fn) {
        const uint32_t slot = acquire_slot();
        slot_at(slot).action.emplace(std::forward<F>(fn));
        return enqueue(time_ns, slot);
    }
    template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Action>>>
    EventId after(TimeNs delay_ns, F&& fn) {
        return at(now_ns_ + delay_ns, std::forward<F>(fn));
    }
    // Cancelling an event that already ran (or was cancelled) is a no-op. The action is
    // destroyed at once, so whatever it captured is released at once.
    void cancel(EventId id);

    // Runs the next event. false when none is left.
    bool step();
    // Runs every event up to and including `time_ns`, then sets the clock to it.
    void run_until(TimeNs time_ns);
    // Runs until no event is left or `limit_ns` is reached; returns the events run.
    uint64_t run_until_quiet(TimeNs limit_ns = kForever);

    // Time of the next pending event, or kForever.
    TimeNs next_time();
    bool empty();
    uint64_t events_run() const noexcept { return events_run_; }
    size_t pending() const noexcept { return heap_.size() + now_queue_size() - cancelled_pending_; }

private:
    struct Entry {
        TimeNs time_ns;
        uint64_t seq;
        uint32_t slot;  // index of its Slot (see slot_at)
    };
    // A slot's action runs where it lies (not moved out first), so slots must not move
    // while it runs, though the action may schedule events and need more slots: they live
    // in fixed-size chunks that are never moved or freed before the scheduler.
    static constexpr uint32_t kSlotsPerChunk = 256;
    struct Slot {
        Action action;
        // Bumped whenever the slot is freed, so that a stale EventId cannot cancel the
        // slot's next event. (It wraps after 2^32 reuses of one slot: far beyond any run.)
        uint32_t generation = 0;
        bool cancelled = false;
    };
    static bool later(const Entry& a, const Entry& b) {
        return a.time_ns != b.time_ns ? a.time_ns > b.time_ns : a.seq > b.seq;
    }
    Slot& slot_at(uint32_t slot) noexcept {
        assert(slot < slot_count_);
        return slot_chunks_[slot / kSlotsPerChunk][slot % kSlotsPerChunk];
    }
    // A free slot (its action empty, not cancelled), reused or new.
    uint32_t acquire_slot();
    // Puts the event in `slot` into the queue at `time_ns`; returns its id.
    EventId enqueue(TimeNs time_ns, uint32_t slot);
    void release(uint32_t slot);
    void drop_cancelled_top();
    // The next entry to run (ring front or heap top), or nullptr; cancelled ones dropped.
    const Entry* next_entry();
    void pop_entry(const Entry* entry);
    // Takes `next` (what next_entry() returned) off the queue and runs it.
    void run_entry(const Entry* next);
    size_t now_queue_size() const noexcept { return now_tail_ - now_head_; }
    void push_now(const Entry& entry);

    TimeNs now_ns_ = 0;
    uint64_t next_seq_ = 1;
    uint64_t events_run_ = 0;
    size_t cancelled_pending_ = 0;  // cancelled entries still in the heap or the ring
    std::vector<Entry> heap_;
    // The ring of events at the current time: a power-of-two buffer indexed by
    // free-running head/tail counters (masked), grown by doubling when full.
    std::vector<Entry> now_ring_;
    size_t now_head_ = 0;
    size_t now_tail_ = 0;
    // Pooled slots: reused, so steady-state scheduling does not grow or allocate.
    std::vector<std::unique_ptr<Slot[]>> slot_chunks_;
    uint32_t slot_count_ = 0;
    std::vector<uint32_t> free_slots_;
};

}  // namespace sculpin::sim
