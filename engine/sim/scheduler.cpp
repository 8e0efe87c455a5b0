#include "sim/scheduler.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

namespace sculpin::sim {

namespace {
constexpr EventId make_id(uint32_t slot, uint32_t generation) {
    return (static_cast<EventId>(slot) + 1) << 32 | generation;
}
}  // namespace

uint32_t Scheduler::acquire_slot() {
    if (!free_slots_.empty()) {
        const uint32_t slot = free_slots_.back();
        free_slots_.pop_back();
        return slot;
    }
    assert(slot_count_ < std::numeric_limits<uint32_t>::max() - 1 && "event pool full");
    if (slot_count_ % kSlotsPerChunk == 0)
        slot_chunks_.push_back(std::make_unique<Slot[]>(kSlotsPerChunk));
    return slot_count_++;
}

EventId Scheduler::enqueue(TimeNs time_ns, uint32_t slot) {
    assert(time_ns >= now_ns_ && "cannot schedule in the past");
    Slot& s = slot_at(slot);
    s.cancelled = false;
    const Entry entry{time_ns, next_seq_++, slot};
    if (time_ns == now_ns_) {
        push_now(entry);
    } else {
        heap_.push_back(entry);
        std::push_heap(heap_.begin(), heap_.end(), later);
    }
    return make_id(slot, s.generation);
}

void Scheduler::push_now(const Entry& entry) {
    if (now_queue_size() == now_ring_.size()) {
        // Full (or never used): double, keeping the entries in order from index 0.
        std::vector<Entry> grown(std::max<size_t>(64, now_ring_.size() * 2));
        const size_t mask = now_ring_.size() - 1;
        for (size_t i = now_head_; i != now_tail_; ++i) grown[i - now_head_] = now_ring_[i & mask];
        now_tail_ -= now_head_;
        now_head_ = 0;
        now_ring_.swap(grown);
    }
    assert((now_queue_size() == 0 ||
            now_ring_[(now_tail_ - 1) & (now_ring_.size() - 1)].time_ns == entry.time_ns) &&
           "the ring holds one time only");
    now_ring_[now_tail_ & (now_ring_.size() - 1)] = entry;
    ++now_tail_;
}

void Scheduler::cancel(EventId id) {
    const EventId slot_plus_one = id >> 32;
    if (slot_plus_one == 0 || slot_plus_one > slot_count_) return;
    Slot& s = slot_at(static_cast<uint32_t>(slot_plus_one - 1));
    // A free slot has no action; a reused one has a newer generation.
    if (s.generation != static_cast<uint32_t>(id) || s.cancelled || !s.action) return;
    s.cancelled = true;
    s.action.reset();
    ++cancelled_pending_;
}

void Scheduler::release(uint32_t slot) {
    Slot& s = slot_at(slot);
    s.action.reset();
    s.cancelled = false;
    ++s.generation;
    free_slots_.push_back(slot);
}

void Scheduler::drop_cancelled_top() {
    while (!heap_.empty() && slot_at(heap_.front().slot).cancelled) {
        const uint32_t slot = heap_.front().slot;
        std::pop_heap(heap_.begin(), heap_.end(), later);
        heap_.pop_back();
        --cancelled_pending_;
        release(slot);
    }
}

const Scheduler::Entry* Scheduler::next_entry() {
    drop_cancelled_top();
    const Entry* ring = nullptr;
    while (now_head_ != now_tail_) {
        const Entry& front = now_ring_[now_head_ & (now_ring_.size() - 1)];
        if (!slot_at(front.slot).cancelled) {
            ring = &front;
            break;
        }
        const uint32_t slot = front.slot;
        ++now_head_;
        --cancelled_pending_;
        release(slot);
    }
    const Entry* top = heap_.empty() ? nullptr : &heap_.front();
    if (ring == nullptr) return top;
    if (top == nullptr) return ring;
    return later(*ring, *top) ? top : ring;
}

void Scheduler::pop_entry(const Entry* entry) {
    if (!heap_.empty() && entry == &heap_.front()) {
        std::pop_heap(heap_.begin(), heap_.end(), later);
        heap_.pop_back();
    } else {
        assert(now_head_ != now_tail_ && entry == &now_ring_[now_head_ & (now_ring_.size() - 1)]);
        ++now_head_;
    }
}

bool Scheduler::step() {
    const Entry* next = next_entry();
    if (next == nullptr) return false;
    run_entry(next);
    return true;
}

void Scheduler::run_entry(const Entry* next) {
    const Entry entry = *next;
    pop_entry(next);
    // Run where it lies (slots never move). Its id goes stale first, so that the action
    // cancelling its own event is a no-op; the slot is free again once it returns.
    Slot& s = slot_at(entry.slot);
    ++s.generation;
    now_ns_ = entry.time_ns;
    ++events_run_;
    s.action();
    s.action.reset();
    free_slots_.push_back(entry.slot);
}

TimeNs Scheduler::next_time() {
    const Entry* next = next_entry();
    return next == nullptr ? kForever : next->time_ns;
}

bool Scheduler::empty() {
    return next_time() == kForever;
}

void Scheduler::run_until(TimeNs time_ns) {
    // One look at the queue per event (next_time() then step() would look twice).
    for (const Entry* next = next_entry(); next != nullptr && next->time_ns <= time_ns;
         next = next_entry())
        run_entry(next);
    if (time_ns > now_ns_ && time_ns != kForever) now_ns_ = time_ns;
}

uint64_t Scheduler::run_until_quiet(TimeNs limit_ns) {
    const uint64_t before = events_run_;
    while (next_time() <= limit_ns && step()) {
    }
    return events_run_ - before;
}

}  // namespace sculpin::sim
