#include "sim/ledger.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sculpin::sim {
namespace {

TraceEvent message_event(TraceKind kind, std::string node, uint64_t message,
                         std::string detail = "", int64_t value = 0, int64_t time_ns = 0) {
    TraceEvent event;
    event.time_ns = time_ns;
    event.kind = kind;
    event.node = std::move(node);
    event.socket = 1;
    event.message = message;
    event.detail = std::move(detail);
    event.value = value;
    return event;
}

TraceEvent log_event(std::string node, std::string line) {
    TraceEvent event;
    event.kind = TraceKind::log;
    event.node = std::move(node);
    event.detail = std::move(line);
    return event;
}

TEST(LedgerTest, StartsEmptyAndBalanced) {
    Ledger ledger;
    EXPECT_EQ(ledger.sent(), 0);
    EXPECT_EQ(ledger.in_flight(), 0);
    EXPECT_EQ(ledger.balance_error(), "");
    EXPECT_TRUE(ledger.balanced_at_end(0));
    EXPECT_EQ(ledger.summary(), "sent 0, delivered 0, dropped 0, in flight 0");
}

TEST(LedgerTest, FanOutOfOneSendIntoThreeCopiesBalancesWhenAllAreAccountedFor) {
    Ledger ledger;
    ledger.observe(message_event(TraceKind::send, "pub", 1, "update", 6));
    ledger.observe(message_event(TraceKind::fork, "pub", 1, "", 2));
    EXPECT_EQ(ledger.in_flight(), 3);  // one send, two extra copies
    ledger.observe(message_event(TraceKind::deliver, "sub-a", 1));
    ledger.observe(message_event(TraceKind::deliver, "sub-b", 1));
    EXPECT_EQ(ledger.in_flight(), 1);
    ledger.observe(message_event(TraceKind::drop, "pub", 1, "hwm"));

    EXPECT_EQ(ledger.sent(), 1);
    EXPECT_EQ(ledger.forked(), 2);
    EXPECT_EQ(ledger.delivered(), 2);
    EXPECT_EQ(ledger.dropped("hwm"), 1);
    EXPECT_EQ(ledger.dropped("crash"), 0);
    EXPECT_EQ(ledger.dropped_total(), 1);
    EXPECT_EQ(ledger.in_flight(), 0);
    EXPECT_EQ(ledger.balance_error(), "");
    EXPECT_TRUE(ledger.balanced_at_end(0));
    EXPECT_FALSE(ledger.balanced_at_end(1));
}

TEST(LedgerTest, CountsMessagesStillInFlight) {
    Ledger ledger;
    ledger.observe(message_event(TraceKind::send, "a", 1));
    ledger.observe(message_event(TraceKind::send, "a", 2));
    ledger.observe(message_event(TraceKind::deliver, "b", 1));
    EXPECT_EQ(ledger.in_flight(), 1);
    EXPECT_EQ(ledger.balance_error(), "");
    EXPECT_TRUE(ledger.balanced_at_end(1));
    EXPECT_FALSE(ledger.balanced_at_end(0));
}

TEST(LedgerTest, KeepsDropsPerReasonInNameOrder) {
    Ledger ledger;
    for (uint64_t id = 1; id <= 4; ++id) ledger.observe(message_event(TraceKind::send, "a", id));
    ledger.observe(message_event(TraceKind::drop, "a", 1, "hwm"));
    ledger.observe(message_event(TraceKind::drop, "a", 2, "crash"));
    ledger.observe(message_event(TraceKind::drop, "a", 3, "hwm"));
    const std::map<std::string, int64_t> expected{{"crash", 1}, {"hwm", 2}};
    EXPECT_EQ(ledger.dropped_by_reason(), expected);
    EXPECT_EQ(ledger.dropped_total(), 3);
    EXPECT_EQ(ledger.summary(), "sent 4, delivered 0, dropped 3 (crash 1, hwm 2), in flight 1");
}

TEST(LedgerTest, ReportsADeliveryOfAMessageThatWasNeverSent) {
    Ledger ledger;
    ledger.observe(message_event(TraceKind::send, "a", 1));
    ledger.observe(log_event("b", "waiting"));
    ledger.observe(message_event(TraceKind::deliver, "b", 42, "", 0, 5000));
    const std::string error = ledger.balance_error();
    EXPECT_NE(error.find("message 42"), std::string::npos) << error;
    EXPECT_NE(error.find("event 2"), std::string::npos) << error;
    EXPECT_NE(error.find("deliver"), std::string::npos) << error;
    EXPECT_NE(error.find("never sent"), std::string::npos) << error;
    EXPECT_FALSE(ledger.balanced_at_end(ledger.in_flight()));
}

TEST(LedgerTest, NamesTheFirstOffenceWhenThereAreSeveral) {
    Ledger ledger;
    ledger.observe(message_event(TraceKind::drop, "a", 7, "hwm"));
    ledger.observe(message_event(TraceKind::deliver, "b", 8));
    EXPECT_NE(ledger.balance_error().find("message 7 was dropped but never sent"),
              std::string::npos)
        << ledger.balance_error();
}

TEST(LedgerTest, ReportsAForkOfAnUnknownMessage) {
    Ledger ledger;
    ledger.observe(message_event(TraceKind::fork, "pub", 3, "", 2));
    EXPECT_NE(ledger.balance_error().find("message 3 was forked but never sent"),
              std::string::npos);
}

TEST(LedgerTest, ReportsAMessageDeliveredMoreOftenThanItHadCopies) {
    Ledger ledger;
    ledger.observe(message_event(TraceKind::send, "a", 1));
    ledger.observe(message_event(TraceKind::send, "a", 2));
    ledger.observe(message_event(TraceKind::deliver, "b", 1));
    ledger.observe(message_event(TraceKind::deliver, "b", 1));
    EXPECT_EQ(ledger.in_flight(), 0);  // the totals alone would not notice
    EXPECT_NE(ledger.balance_error().find("message 1 was delivered more often"), std::string::npos)
        << ledger.balance_error();
}

TEST(LedgerTest, ReportsAMessageIdSentTwice) {
    Ledger ledger;
    ledger.observe(message_event(TraceKind::send, "a", 1));
    ledger.observe(message_event(TraceKind::send, "b", 1));
    EXPECT_NE(ledger.balance_error().find("message 1 was sent twice"), std::string::npos);
}

TEST(LedgerTest, ReportsADropWithoutAMessageId) {
    Ledger ledger;
    ledger.observe(message_event(TraceKind::drop, "a", 0, "hwm"));
    EXPECT_EQ(ledger.dropped("hwm"), 1);
    EXPECT_NE(ledger.balance_error().find("message 0"), std::string::npos);
}

TEST(LedgerTest, CountsDeliveriesFromSenderNodeToReceiverNode) {
    Ledger ledger;
    ledger.observe(message_event(TraceKind::send, "vent", 1));
    ledger.observe(message_event(TraceKind::send, "vent", 2));
    ledger.observe(message_event(TraceKind::send, "vent", 3));
    ledger.observe(message_event(TraceKind::send, "worker-1", 4));
    ledger.observe(message_event(TraceKind::deliver, "worker-1", 1));
    ledger.observe(message_event(TraceKind::deliver, "worker-1", 2));
    ledger.observe(message_event(TraceKind::deliver, "worker-2", 3));
    ledger.observe(message_event(TraceKind::deliver, "sink", 4));
    EXPECT_EQ(ledger.delivered_between("vent", "worker-1"), 2);
    EXPECT_EQ(ledger.delivered_between("vent", "worker-2"), 1);
    EXPECT_EQ(ledger.delivered_between("worker-1", "sink"), 1);
    EXPECT_EQ(ledger.delivered_between("worker-1", "vent"), 0);  // direction matters
    EXPECT_EQ(ledger.delivered_between("nobody", "sink"), 0);
    EXPECT_EQ(ledger.balance_error(), "");
}

TEST(LedgerTest, StoryListsTheIndicesOfEventsThatMentionTheMessage) {
    Ledger ledger;
    ledger.observe(log_event("a", "start"));                             // 0
    ledger.observe(message_event(TraceKind::send, "a", 1));              // 1
    ledger.observe(message_event(TraceKind::send, "a", 2));              // 2
    ledger.observe(message_event(TraceKind::fork, "a", 1, "", 1));       // 3
    ledger.observe(log_event("b", "tick"));                              // 4
    ledger.observe(message_event(TraceKind::deliver, "b", 1));           // 5
    ledger.observe(message_event(TraceKind::drop, "c", 1, "filtered"));  // 6
    EXPECT_EQ(ledger.story(1), (std::vector<size_t>{1, 3, 5, 6}));
    EXPECT_EQ(ledger.story(2), (std::vector<size_t>{2}));
    EXPECT_TRUE(ledger.story(3).empty());
    EXPECT_TRUE(ledger.story(0).empty());
    EXPECT_EQ(ledger.events_observed(), 7u);
}

TEST(LedgerTest, HandlesIdsFarBeyondTheDenseRange) {
    Ledger ledger;
    const uint64_t far = 1'000'000'000'000ULL;
    ledger.observe(message_event(TraceKind::send, "a", far));
    ledger.observe(message_event(TraceKind::send, "a", 1));
    ledger.observe(message_event(TraceKind::deliver, "b", far));
    EXPECT_EQ(ledger.story(far), (std::vector<size_t>{0, 2}));
    EXPECT_EQ(ledger.story(1), (std::vector<size_t>{1}));
    EXPECT_EQ(ledger.delivered_between("a", "b"), 1);
    EXPECT_EQ(ledger.balance_error(), "");
}

TEST(LedgerTest, IgnoresEventsThatCarryNoMessage) {
    Ledger ledger;
    TraceEvent wire;
    wire.kind = TraceKind::wire;
    wire.node = "a";
    wire.peer = "b";
    wire.value = 100;
    ledger.observe(wire);
    ledger.observe(log_event("a", "hello"));
    EXPECT_EQ(ledger.in_flight(), 0);
    EXPECT_EQ(ledger.balance_error(), "");
    EXPECT_EQ(ledger.events_observed(), 2u);
}

}  // namespace
}  // namespace sculpin::sim
