#include "sim/scheduler.hpp"

#include <algorithm>
#include <cassert>

namespace sculpin::sim {

EventId Scheduler::at(TimeNs time_ns, Action action) {
    assert(time_ns >= now_ns_ && "cannot schedule in the past");
    uint32_t slot;
    if (!free_slots_.empty()) {
        slot = free_slots_.back();
        free_slots_.pop_back();
        actions_[slot] = std::move(action);
    } else {
        slot = static_cast<uint32_t>(actions_.size());
        actions_.push_back(std::move(action));
    }
    const EventId id = next_seq_++;
    heap_.push_back({time_ns, id, slot});
    std::push_heap(heap_.begin(), heap_.end(), later);
    return id;
}

void Scheduler::cancel(EventId id) {
    // Only remember ids still in the queue (a linear check would be costly; the id space
    // is monotonic, so anything >= next_seq_ was never scheduled).
    if (id == 0 || id >= next_seq_) return;
    cancelled_.insert(id);
}

void Scheduler::drop_cancelled_top() {
    while (!heap_.empty()) {
        auto it = cancelled_.find(heap_.front().seq);
        if (it == cancelled_.end()) return;
        cancelled_.erase(it);
        const uint32_t slot = heap_.front().slot;
        std::pop_heap(heap_.begin(), heap_.end(), later);
        heap_.pop_back();
        actions_[slot] = nullptr;
        free_slots_.push_back(slot);
    }
}

bool Scheduler::step() {
    drop_cancelled_top();
    if (heap_.empty()) return false;
    const Entry entry = heap_.front();
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    Action action = std::move(actions_[entry.slot]);
    actions_[entry.slot] = nullptr;
    free_slots_.push_back(entry.slot);
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
    while (next_time() <= time_ns) step();
    if (time_ns > now_ns_ && time_ns != kForever) now_ns_ = time_ns;
}

uint64_t Scheduler::run_until_quiet(TimeNs limit_ns) {
    const uint64_t before = events_run_;
    while (next_time() <= limit_ns) step();
    return events_run_ - before;
}

}  // namespace sculpin::sim
