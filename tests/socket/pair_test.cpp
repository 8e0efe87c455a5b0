// PAIR (RFC 31).
#include <gtest/gtest.h>

#include "socket_harness.hpp"

namespace sculpin::test {
namespace {

TEST(Pair, MessagesFlowBothWays) {
    Harness h;
    Socket& a = h.make(SocketType::pair);
    Socket& b = h.make(SocketType::pair);
    h.connect(a, b);
    ASSERT_EQ(send(a, {"ping"}), 0);
    ASSERT_EQ(send(b, {"pong", "2"}), 0);
    h.pump();
    EXPECT_EQ(recv(b), "ping");
    EXPECT_EQ(recv(a), "pong|2");
}

TEST(Pair, SecondPeerIsRefused) {
    Harness h;
    Socket& a = h.make(SocketType::pair);
    Socket& b = h.make(SocketType::pair);
    Socket& intruder = h.make(SocketType::pair);
    h.connect(a, b);
    h.connect(intruder, a);
    h.pump();
    EXPECT_EQ(a.pipe_count(), 1u);
    EXPECT_EQ(intruder.pipe_count(), 0u);
    ASSERT_EQ(send(a, {"for b"}), 0);
    h.pump();
    EXPECT_EQ(recv(b), "for b");
    EXPECT_EQ(send(intruder, {"x"}), EAGAIN);
}

TEST(Pair, SendBlocksWithoutPeerOrWhenFull) {
    Harness h;
    Socket& a = h.make(SocketType::pair);
    EXPECT_EQ(send(a, {"x"}), EAGAIN);
    EXPECT_FALSE(a.can_send());
    Socket& b = h.make(SocketType::pair);
    h.connect(a, b, 1);
    EXPECT_TRUE(a.can_send());
    ASSERT_EQ(send(a, {"1"}), 0);
    EXPECT_FALSE(a.can_send());
    EXPECT_EQ(send(a, {"2"}), EAGAIN);
    EXPECT_TRUE(h.drops().empty());
    EXPECT_EQ(recv(b), "1");
    h.pump();
    EXPECT_EQ(send(a, {"2"}), 0);
}

TEST(Pair, PeerLeavingFreesThePlaceForANewOne) {
    Harness h;
    Socket& a = h.make(SocketType::pair);
    Socket& b = h.make(SocketType::pair);
    h.connect(a, b);
    h.close(b);
    h.pump();
    EXPECT_EQ(a.pipe_count(), 0u);
    Socket& c = h.make(SocketType::pair);
    h.connect(a, c);
    ASSERT_EQ(send(a, {"hi c"}), 0);
    h.pump();
    EXPECT_EQ(recv(c), "hi c");
}

}  // namespace
}  // namespace sculpin::test
