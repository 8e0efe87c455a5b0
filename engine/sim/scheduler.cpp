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

EventId Scheduler::at(TimeNs time_ns, Action action) {
    assert(time_ns >= now_ns_ && "cannot schedule in the past");
    uint32_t slot;
    if (!free_slots_.empty()) {
        slot = free_slots_.back();
        free_slots_.pop_back();
    } else {
        assert(slots_.size() < std::numeric_limits<uint32_t>::max() - 1 && "event pool full");
        slot = static_cast<uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    Slot& s = slots_[slot];
    s.action = std::move(action);
    s.cancelled = false;
    heap_.push_back({time_ns, next_seq_++, slot});
    std::push_heap(heap_.begin(), heap_.end(), later);
    return make_id(slot, s.generation);
}

void Scheduler::cancel(EventId id) {
    const EventId slot_plus_one = id >> 32;
    if (slot_plus_one == 0 || slot_plus_one > slots_.size()) return;
    Slot& s = slots_[slot_plus_one - 1];
    // A free slot has no action; a reused one has a newer generation.
    if (s.generation != static_cast<uint32_t>(id) || s.cancelled || !s.action) return;
    s.cancelled = true;
    s.action.reset();
    ++cancelled_in_heap_;
}

void Scheduler::release(uint32_t slot) {
    Slot& s = slots_[slot];
    s.action.reset();
    s.cancelled = false;
    ++s.generation;
    free_slots_.push_back(slot);
}

void Scheduler::drop_cancelled_top() {
    while (!heap_.empty() && slots_[heap_.front().slot].cancelled) {
        const uint32_t slot = heap_.front().slot;
        std::pop_heap(heap_.begin(), heap_.end(), later);
        heap_.pop_back();
        --cancelled_in_heap_;
        release(slot);
    }
}

bool Scheduler::step() {
    drop_cancelled_top();
    if (heap_.empty()) return false;
    const Entry entry = heap_.front();
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    // Out of the pool before it runs: the action may schedule events, which may grow
    // (and move) the pool.
    Action action = std::move(slots_[entry.slot].action);
    release(entry.slot);
    now_ns_ = entry.time_ns;
    ++events_run_;
    action();
    return true;
}

TimeNs Scheduler::next_time() {
    drop_cancelled_top();
    return heap_.empty() ? kForever : heap_.front().time_ns;
}

bool Scheduler::empty() {
    return next_time() == kForever;
}

void Scheduler::run_until(TimeNs time_ns) {
    // step() ends the loop when the queue is empty (next_time() is then kForever, which
    // is not past a limit of kForever).
    while (next_time() <= time_ns && step()) {
    }
    if (time_ns > now_ns_ && time_ns != kForever) now_ns_ = time_ns;
}

uint64_t Scheduler::run_until_quiet(TimeNs limit_ns) {
    const uint64_t before = events_run_;
    while (next_time() <= limit_ns && step()) {
    }
    return events_run_ - before;
}

}  // namespace sculpin::sim
