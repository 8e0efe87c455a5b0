// PUSH and PULL (RFC 30), in the spirit of libzmq's test_spec_pushpull.
#include <gtest/gtest.h>

#include "socket_harness.hpp"

namespace sculpin::test {
namespace {

TEST(PushPull, PushRoutesRoundRobinToConnectedPulls) {
    Harness h;
    Socket& push = h.make(SocketType::push);
    std::vector<Socket*> pulls;
    for (int i = 0; i < 3; ++i) {
        pulls.push_back(&h.make(SocketType::pull));
        h.connect(push, *pulls.back());
    }
    for (const char* s : {"1", "2", "3", "4", "5", "6"}) ASSERT_EQ(send(push, {s}), 0);
    h.pump();
    EXPECT_EQ(recv_all(*pulls[0]), (std::vector<std::string>{"1", "4"}));
    EXPECT_EQ(recv_all(*pulls[1]), (std::vector<std::string>{"2", "5"}));
    EXPECT_EQ(recv_all(*pulls[2]), (std::vector<std::string>{"3", "6"}));
}

TEST(PushPull, PullFairQueuesFromItsPushers) {
    Harness h;
    Socket& pull = h.make(SocketType::pull);
    std::vector<Socket*> pushes;
    for (int i = 0; i < 3; ++i) {
        pushes.push_back(&h.make(SocketType::push));
        h.connect(*pushes.back(), pull);
    }
    for (int round = 0; round < 2; ++round)
        for (int i = 0; i < 3; ++i)
            ASSERT_EQ(send(*pushes[i], {std::to_string(i) + "." + std::to_string(round)}), 0);
    h.pump();
    // One from each first, then the second batch.
    EXPECT_EQ(recv_all(pull), (std::vector<std::string>{"0.0", "1.0", "2.0", "0.1", "1.1", "2.1"}));
}

TEST(PushPull, PushWithNoPeerReturnsEagain) {
    Harness h;
    Socket& push = h.make(SocketType::push);
    EXPECT_EQ(send(push, {"lost?"}), EAGAIN);
    EXPECT_FALSE(push.can_send());
    EXPECT_TRUE(h.drops().empty());
}

TEST(PushPull, PushAtHighWaterMarkReturnsEagainAndDropsNothing) {
    Harness h;
    Socket& push = h.make(SocketType::push);
    Socket& pull = h.make(SocketType::pull);
    h.connect(push, pull, 2);
    EXPECT_EQ(send(push, {"1"}), 0);
    EXPECT_EQ(send(push, {"2"}), 0);
    EXPECT_FALSE(push.can_send());
    Message third{"3"};
    EXPECT_EQ(push.send(third), EAGAIN);
    EXPECT_EQ(third, (Message{"3"}));  // untouched, for the retry
    EXPECT_TRUE(h.drops().empty());

    // The reader drains to the low-water mark: the pusher is told and sends again.
    h.pump();
    EXPECT_EQ(recv(pull), "1");
    h.pump();
    EXPECT_TRUE(push.can_send());
    EXPECT_EQ(push.send(third), 0);
    h.pump();
    EXPECT_EQ(recv_all(pull), (std::vector<std::string>{"2", "3"}));
}

TEST(PushPull, FullPullIsSkippedWhileOthersTakeTheLoad) {
    Harness h;
    Socket& push = h.make(SocketType::push);
    Socket& slow = h.make(SocketType::pull);
    Socket& fast = h.make(SocketType::pull);
    h.connect(push, slow, 1);
    h.connect(push, fast, 100);
    for (const char* s : {"1", "2", "3", "4"}) ASSERT_EQ(send(push, {s}), 0);
    h.pump();
    EXPECT_EQ(recv_all(slow), std::vector<std::string>{"1"});
    EXPECT_EQ(recv_all(fast), (std::vector<std::string>{"2", "3", "4"}));
}

TEST(PushPull, PushCannotReceiveAndPullCannotSend) {
    Harness h;
    Socket& push = h.make(SocketType::push);
    Socket& pull = h.make(SocketType::pull);
    h.connect(push, pull);
    EXPECT_EQ(recv(push), "ENOTSUP");
    EXPECT_EQ(send(pull, {"x"}), ENOTSUP);
    EXPECT_FALSE(push.can_recv());
    EXPECT_FALSE(pull.can_send());
}

TEST(PushPull, MultipartMessagesTravelWhole) {
    Harness h;
    Socket& push = h.make(SocketType::push);
    Socket& pull = h.make(SocketType::pull);
    h.connect(push, pull);
    ASSERT_EQ(send(push, {"a", "b", "c"}), 0);
    h.pump();
    EXPECT_EQ(recv(pull), "a|b|c");
}

TEST(PushPull, PullPollsInOnlyWhenAMessageIsThere) {
    Harness h;
    Socket& push = h.make(SocketType::push);
    Socket& pull = h.make(SocketType::pull);
    h.connect(push, pull);
    EXPECT_FALSE(pull.can_recv());
    ASSERT_EQ(send(push, {"x"}), 0);
    // Polling armed the pipe's wake-up: the arrival is signalled.
    EXPECT_EQ(h.pump(), 1u);
    EXPECT_TRUE(pull.can_recv());
    EXPECT_EQ(recv(pull), "x");
    EXPECT_FALSE(pull.can_recv());
}

TEST(PushPull, ConflatingPullKeepsOnlyTheNewestMessage) {
    Harness h;
    Socket& push = h.make(SocketType::push);
    Socket& pull = h.make(SocketType::pull);
    ASSERT_EQ(set_int(pull, option::conflate, 1), 0);
    h.connect(push, pull);
    for (const char* s : {"1", "2", "3"}) ASSERT_EQ(send(push, {s}), 0);
    h.pump();
    EXPECT_EQ(recv(pull), "3");
    EXPECT_EQ(recv(pull), "EAGAIN");
    EXPECT_EQ(h.drops(pull, DropReason::conflated), (std::vector<std::string>{"1", "2"}));
}

TEST(PushPull, ClosedPullerIsDetachedAndPushMovesOn) {
    Harness h;
    Socket& push = h.make(SocketType::push);
    Socket& gone = h.make(SocketType::pull);
    Socket& stays = h.make(SocketType::pull);
    h.connect(push, gone);
    h.connect(push, stays);
    ASSERT_EQ(send(push, {"1"}), 0);
    ASSERT_EQ(send(push, {"2"}), 0);
    const int gone_handle = h.handle(gone);
    h.close(gone);
    // The closing socket reports what it never read.
    EXPECT_EQ(h.drops(gone_handle, DropReason::closed), std::vector<std::string>{"1"});
    h.pump();
    EXPECT_EQ(push.pipe_count(), 1u);
    for (const char* s : {"3", "4"}) ASSERT_EQ(send(push, {s}), 0);
    h.pump();
    EXPECT_EQ(recv_all(stays), (std::vector<std::string>{"2", "3", "4"}));
}

TEST(PushPull, MessagesSentBeforeThePusherClosedAreStillDelivered) {
    Harness h;
    Socket& push = h.make(SocketType::push);
    Socket& pull = h.make(SocketType::pull);
    h.connect(push, pull);
    ASSERT_EQ(send(push, {"1"}), 0);
    ASSERT_EQ(send(push, {"2"}), 0);
    h.close(push);
    h.pump();
    EXPECT_EQ(pull.pipe_count(), 1u);  // still holds messages
    EXPECT_EQ(recv_all(pull), (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(pull.pipe_count(), 0u);  // finished, so dropped
    EXPECT_TRUE(h.drops().empty());
}

TEST(PushPull, DetachingDropsUnreadMessagesWithReasonClosed) {
    Harness h;
    Socket& push = h.make(SocketType::push);
    Socket& pull = h.make(SocketType::pull);
    const auto link = h.connect(push, pull);
    for (const char* s : {"1", "2", "3"}) ASSERT_EQ(send(push, {s}), 0);
    pull.detach(link.b_end);
    EXPECT_EQ(h.drops(pull, DropReason::closed), (std::vector<std::string>{"1", "2", "3"}));
    h.pump();
    EXPECT_EQ(push.pipe_count(), 0u);
    EXPECT_EQ(send(push, {"4"}), EAGAIN);
}

}  // namespace
}  // namespace sculpin::test
