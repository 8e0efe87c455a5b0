// The simulator's clock and event queue. Virtual time is an integer count of
// nanoseconds; events fire in (time, sequence) order, where the sequence number is
// assigned when the event is scheduled, so ties always break the same way. One thread,
// no wall clock: the same schedule calls give the same run, everywhere.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_set>
#include <vector>

namespace sculpin::sim {

using TimeNs = int64_t;
constexpr TimeNs kNsPerMs = 1'000'000;
constexpr TimeNs kNsPerSecond = 1'000'000'000;
constexpr TimeNs kForever = INT64_MAX;

using EventId = uint64_t;

class Scheduler {
public:
    using Action = std::function<void()>;

    TimeNs now() const noexcept { return now_ns_; }

    EventId at(TimeNs time_ns, Action action);
    EventId after(TimeNs delay_ns, Action action) {
        return at(now_ns_ + delay_ns, std::move(action));
    }
    // Cancelling an event that already ran (or was cancelled) is a no-op.
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
    size_t pending() const noexcept { return heap_.size() - cancelled_.size(); }

private:
    struct Entry {
        TimeNs time_ns;
        EventId seq;
        uint32_t slot;  // index into actions_
    };
    static bool later(const Entry& a, const Entry& b) {
        return a.time_ns != b.time_ns ? a.time_ns > b.time_ns : a.seq > b.seq;
    }
    void drop_cancelled_top();

    TimeNs now_ns_ = 0;
    EventId next_seq_ = 1;
    uint64_t events_run_ = 0;
    std::vector<Entry> heap_;
    // Pooled action storage: slots are reused, so steady-state scheduling does not grow.
    std::vector<Action> actions_;
    std::vector<uint32_t> free_slots_;
    // Looked up only, never iterated: its order cannot reach the trace.
    std::unordered_set<EventId> cancelled_;
};

}  // namespace sculpin::sim
