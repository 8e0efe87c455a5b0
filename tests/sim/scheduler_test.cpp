#include "sim/scheduler.hpp"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace sculpin::sim {
namespace {

TEST(SchedulerTest, RunsEventsByTimeThenBySchedulingOrder) {
    Scheduler scheduler;
    std::vector<std::string> ran;
    scheduler.at(20, [&] { ran.push_back("b@20"); });
    scheduler.at(10, [&] { ran.push_back("a@10"); });
    scheduler.at(20, [&] { ran.push_back("c@20"); });
    scheduler.at(10, [&] { ran.push_back("d@10"); });
    EXPECT_EQ(scheduler.run_until_quiet(), 4u);
    EXPECT_EQ(ran, (std::vector<std::string>{"a@10", "d@10", "b@20", "c@20"}));
    EXPECT_EQ(scheduler.now(), 20);
    EXPECT_EQ(scheduler.events_run(), 4u);
}

TEST(SchedulerTest, EventsScheduledByAnEventRunInOrderToo) {
    Scheduler scheduler;
    std::vector<int> ran;
    scheduler.at(5, [&] {
        ran.push_back(1);
        scheduler.after(0, [&] { ran.push_back(3); });
        scheduler.after(1, [&] { ran.push_back(4); });
    });
    scheduler.at(5, [&] { ran.push_back(2); });
    scheduler.run_until_quiet();
    EXPECT_EQ(ran, (std::vector<int>{1, 2, 3, 4}));
    EXPECT_EQ(scheduler.now(), 6);
}

// Events for "now" skip the heap (a FIFO beside it): they must still run in (time,
// sequence) order with timed events that reach the same time.
TEST(SchedulerTest, ZeroDelayEventsKeepTimeThenSequenceOrderWithTimedOnes) {
    Scheduler scheduler;
    std::vector<std::string> ran;
    scheduler.at(0, [&] { ran.push_back("now-1"); });
    scheduler.at(10, [&] {
        ran.push_back("t10-a");
        scheduler.after(0, [&] {
            ran.push_back("t10-a-post");
            scheduler.after(0, [&] { ran.push_back("t10-a-post-post"); });
        });
    });
    scheduler.at(0, [&] {
        ran.push_back("now-2");
        scheduler.after(0, [&] { ran.push_back("now-2-post"); });
        scheduler.at(10, [&] { ran.push_back("t10-c"); });  // after t10-a and t10-b
    });
    scheduler.at(10, [&] { ran.push_back("t10-b"); });
    const EventId cancelled = scheduler.after(0, [&] { ran.push_back("cancelled"); });
    scheduler.cancel(cancelled);
    EXPECT_EQ(scheduler.pending(), 4u);
    scheduler.run_until_quiet();
    EXPECT_EQ(ran, (std::vector<std::string>{"now-1", "now-2", "now-2-post", "t10-a", "t10-b",
                                             "t10-c", "t10-a-post", "t10-a-post-post"}));
    EXPECT_TRUE(scheduler.empty());
    EXPECT_EQ(scheduler.pending(), 0u);
}

TEST(SchedulerTest, ManyZeroDelayEventsGrowTheFifoAndStayInOrder) {
    Scheduler scheduler;
    std::vector<int> ran;
    scheduler.at(3, [&] {
        for (int i = 0; i < 1000; ++i) {
            const EventId id = scheduler.after(0, [&ran, i] { ran.push_back(i); });
            if (i % 7 == 0) scheduler.cancel(id);
        }
    });
    scheduler.run_until(3);
    std::vector<int> expected;
    for (int i = 0; i < 1000; ++i)
        if (i % 7 != 0) expected.push_back(i);
    EXPECT_EQ(ran, expected);
    EXPECT_EQ(scheduler.now(), 3);
}

TEST(SchedulerTest, CancelledEventsDoNotRunAndReleaseTheirCapturesAtOnce) {
    Scheduler scheduler;
    auto token = std::make_shared<int>(7);
    int runs = 0;
    const EventId doomed = scheduler.at(10, [&runs, token] { ++runs; });
    scheduler.at(20, [&runs] { ++runs; });
    EXPECT_EQ(scheduler.pending(), 2u);
    scheduler.cancel(doomed);
    EXPECT_EQ(token.use_count(), 1);
    EXPECT_EQ(scheduler.pending(), 1u);
    EXPECT_EQ(scheduler.next_time(), 20);
    scheduler.run_until_quiet();
    EXPECT_EQ(runs, 1);
    EXPECT_TRUE(scheduler.empty());
}

TEST(SchedulerTest, CancellingAnEventThatRanOrAStaleIdIsANoOp) {
    Scheduler scheduler;
    int first = 0;
    int second = 0;
    const EventId old_id = scheduler.at(1, [&] { ++first; });
    scheduler.run_until_quiet();
    // The pool reuses the slot; the old id must not reach the new event.
    const EventId new_id = scheduler.at(2, [&] { ++second; });
    EXPECT_NE(old_id, new_id);
    scheduler.cancel(old_id);
    scheduler.cancel(old_id);
    scheduler.cancel(0);
    scheduler.cancel(~EventId{0});
    scheduler.run_until_quiet();
    EXPECT_EQ(first, 1);
    EXPECT_EQ(second, 1);
}

TEST(SchedulerTest, CancelFromInsideTheRunningEventIsANoOp) {
    Scheduler scheduler;
    EventId self = 0;
    int runs = 0;
    self = scheduler.at(1, [&] {
        ++runs;
        scheduler.cancel(self);
        scheduler.after(1, [&] { ++runs; });
    });
    scheduler.run_until_quiet();
    EXPECT_EQ(runs, 2);
}

TEST(SchedulerTest, LargeCapturesWorkAndAreDestroyedOnce) {
    Scheduler scheduler;
    auto token = std::make_shared<int>(1);
    std::array<int64_t, 32> big{};  // far larger than the inline buffer
    big[31] = 42;
    int64_t seen = 0;
    scheduler.at(3, [&seen, big, token] { seen = big[31] + *token; });
    const EventId cancelled = scheduler.at(4, [big, token] { (void)big; });
    EXPECT_EQ(token.use_count(), 3);
    scheduler.cancel(cancelled);
    EXPECT_EQ(token.use_count(), 2);
    scheduler.run_until_quiet();
    EXPECT_EQ(seen, 43);
    EXPECT_EQ(token.use_count(), 1);
}

TEST(SchedulerTest, ManyEventsStayInOrderWhileThePoolGrowsAndIsReused) {
    Scheduler scheduler;
    std::vector<TimeNs> times;
    // A deterministic shuffle of times, some cancelled, scheduled in waves.
    std::vector<EventId> ids;
    uint64_t x = 12345;
    for (int wave = 0; wave < 3; ++wave) {
        for (int i = 0; i < 500; ++i) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            const TimeNs t = scheduler.now() + static_cast<TimeNs>(x >> 54);
            ids.push_back(
                scheduler.at(t, [&times, &scheduler] { times.push_back(scheduler.now()); }));
        }
        for (size_t i = 0; i < ids.size(); i += 7) scheduler.cancel(ids[i]);
        ids.clear();
        scheduler.run_until(scheduler.now() + 300);
    }
    scheduler.run_until_quiet();
    ASSERT_FALSE(times.empty());
    for (size_t i = 1; i < times.size(); ++i) EXPECT_LE(times[i - 1], times[i]);
    EXPECT_EQ(times.size(), 3u * (500 - 72));
}

TEST(SchedulerTest, RunUntilMovesTheClockEvenWithoutEvents) {
    Scheduler scheduler;
    scheduler.run_until(1000);
    EXPECT_EQ(scheduler.now(), 1000);
    bool ran = false;
    scheduler.after(10, [&] { ran = true; });
    scheduler.run_until(1009);
    EXPECT_FALSE(ran);
    scheduler.run_until(1010);
    EXPECT_TRUE(ran);
}

TEST(SchedulerTest, ARunningEventKeepsItsCapturesWhileItSchedulesManyMore) {
    // An action runs in its slot; while it runs it adds far more events than one chunk of
    // slots holds, so new chunks are made. Its captures must stay intact throughout, and
    // be released once it returns.
    Scheduler scheduler;
    auto token = std::make_shared<std::string>("captured");
    std::vector<std::string> seen;
    int later_runs = 0;
    scheduler.at(1, [&, token] {
        for (int i = 0; i < 1000; ++i) scheduler.after(i % 3, [&later_runs] { ++later_runs; });
        seen.push_back(*token);  // still readable after the pool grew under us
    });
    EXPECT_EQ(token.use_count(), 2);
    EXPECT_TRUE(scheduler.step());
    EXPECT_EQ(seen, std::vector<std::string>{"captured"});
    EXPECT_EQ(token.use_count(), 1);  // released as soon as it ran
    EXPECT_EQ(scheduler.run_until_quiet(), 1000u);
    EXPECT_EQ(later_runs, 1000);
    EXPECT_EQ(scheduler.pending(), 0u);
}

TEST(SchedulerTest, TheSlotOfARunningEventIsNotReusedUntilItReturns) {
    // The event scheduled from inside a running one gets a different slot, so cancelling
    // the running event's (stale) id cannot touch it.
    Scheduler scheduler;
    EventId self = 0;
    bool inner_ran = false;
    self = scheduler.at(1, [&] {
        scheduler.after(1, [&] { inner_ran = true; });
        scheduler.cancel(self);
    });
    scheduler.run_until_quiet();
    EXPECT_TRUE(inner_ran);
}

TEST(InlineActionTest, EmplaceReplacesTheCallableAndReleasesTheOld) {
    auto old_token = std::make_shared<int>(1);
    int calls = 0;
    InlineAction action([old_token] { (void)old_token; });
    EXPECT_EQ(old_token.use_count(), 2);
    action.emplace([&calls] { ++calls; });
    EXPECT_EQ(old_token.use_count(), 1);
    action();
    EXPECT_EQ(calls, 1);
}

TEST(InlineActionTest, MovesKeepTheCallable) {
    int calls = 0;
    InlineAction a([&calls] { ++calls; });
    InlineAction b(std::move(a));
    EXPECT_FALSE(static_cast<bool>(a));  // NOLINT: testing the moved-from state
    ASSERT_TRUE(static_cast<bool>(b));
    b();
    InlineAction c;
    c = std::move(b);
    c();
    EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace sculpin::sim
