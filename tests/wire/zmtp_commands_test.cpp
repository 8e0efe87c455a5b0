// Commands after the handshake: SUBSCRIBE/CANCEL (and their 3.0 downgrade to data
// messages), PING/PONG heartbeats with TTL and timeout, ERROR, unknown commands.
#include <gtest/gtest.h>

#include <string>

#include "zmtp_test_support.hpp"

namespace sculpin::wire::test {
namespace {

Message subscription(char prefix, std::string_view topic) {
    std::string body(1, prefix);
    body += topic;
    return Message{std::string_view(body)};
}

TEST(ZmtpCommands, SubSendsSubscribeAndCancelCommandsToA31Peer) {
    Pair p(config_for(SocketType::sub), config_for(SocketType::pub));
    ASSERT_TRUE(p.a.ready() && p.b.ready());
    p.a.send_message(subscription('\x01', "weather"));
    p.a.send_message(subscription('\x00', "weather"));
    const Bytes wire = take_output(p.a);
    Bytes expected = command("SUBSCRIBE", bytes_of("weather"));
    expected += command("CANCEL", bytes_of("weather"));
    EXPECT_EQ(wire, expected);

    ASSERT_TRUE(p.b.feed(wire, 0));
    const auto got = pop_all(p.b);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], subscription('\x01', "weather"));
    EXPECT_EQ(got[1], subscription('\x00', "weather"));
}

TEST(ZmtpCommands, XsubSubscribesWithCommandsAndEmptyTopicWorks) {
    Pair p(config_for(SocketType::xsub), config_for(SocketType::xpub));
    p.a.send_message(subscription('\x01', ""));
    EXPECT_EQ(take_output(p.a), command("SUBSCRIBE", {}));
}

TEST(ZmtpCommands, XsubNonSubscriptionMessagesStayDataMessages) {
    Pair p(config_for(SocketType::xsub), config_for(SocketType::xpub));
    p.a.send_message(Message{"\x02hello"});
    p.a.send_message(Message{"\x01two", "frames"});  // multipart: not a subscription
    Bytes expected = data_frame("\x02hello");
    expected += data_frame("\x01two", true);
    expected += data_frame("frames");
    EXPECT_EQ(take_output(p.a), expected);
}

TEST(ZmtpCommands, PubSendsSubscriptionLookingMessagesAsData) {
    Pair p(config_for(SocketType::pub), config_for(SocketType::sub));
    p.a.send_message(Message{"\x01not-a-subscription"});
    EXPECT_EQ(take_output(p.a), data_frame("\x01not-a-subscription"));
}

TEST(ZmtpCommands, LargeSubscriptionTopicIsReferencedNotCopied) {
    Pair p(config_for(SocketType::sub), config_for(SocketType::pub));
    Frame topic = Frame::with_size(20'000);
    topic.mutable_data()[0] = 0x01;
    for (size_t i = 1; i < topic.size(); ++i) topic.mutable_data()[i] = 't';
    p.a.send_message(Message(topic));
    OutputSlice slices[4];
    ASSERT_EQ(p.a.output_slices(slices, 4), 2u);
    EXPECT_EQ(slices[1].data, topic.data() + 1);
    EXPECT_EQ(slices[1].size_bytes, topic.size() - 1);
    pump(p.a, p.b);
    Message got;
    ASSERT_TRUE(p.b.pop_message(got));
    EXPECT_EQ(got[0], topic);
}

TEST(ZmtpCommands, SubscriptionsGoAsDataMessagesToA30Peer) {
    ZmtpConnection conn(config_for(SocketType::sub));
    handshake_with_raw_peer(conn, "PUB", /*peer_minor=*/0);
    take_output(conn);
    conn.send_message(subscription('\x01', "news"));
    conn.send_message(subscription('\x00', "news"));
    Bytes expected = data_frame("\x01news");
    expected += data_frame(std::string_view("\x00news", 5));
    EXPECT_EQ(take_output(conn), expected);
}

TEST(ZmtpCommands, SubscriptionsFromA30PeerArriveAsTheDataMessagesTheyAre) {
    ZmtpConnection conn(config_for(SocketType::xpub));
    handshake_with_raw_peer(conn, "SUB", 0);
    ASSERT_TRUE(conn.feed(data_frame("\x01news"), 0));
    Message got;
    ASSERT_TRUE(conn.pop_message(got));
    EXPECT_EQ(got, subscription('\x01', "news"));
}

TEST(ZmtpCommands, PingIsAnsweredWithPongCarryingTheSameContext) {
    ZmtpConnection conn(config_for(SocketType::dealer));
    handshake_with_raw_peer(conn, "ROUTER");
    take_output(conn);
    ASSERT_TRUE(conn.feed(ping(0, "ctx-0123456789ab"), 0));  // 16 bytes: the maximum
    EXPECT_EQ(take_output(conn), command("PONG", bytes_of("ctx-0123456789ab")));
    ASSERT_TRUE(conn.feed(ping(0, ""), 0));
    EXPECT_EQ(take_output(conn), command("PONG", {}));
    EXPECT_EQ(conn.pending_messages(), 0u);  // commands are not messages
}

TEST(ZmtpCommands, PingWithOversizedContextIsAnsweredWithItsFirst16Bytes) {
    // As libzmq: the context is cut to RFC 37's 16 bytes, the connection stays up.
    ZmtpConnection conn(config_for(SocketType::dealer));
    handshake_with_raw_peer(conn, "ROUTER");
    take_output(conn);
    ASSERT_TRUE(conn.feed(ping(0, "seventeen bytes!!"), 0)) << conn.error();
    EXPECT_EQ(take_output(conn), command("PONG", bytes_of("seventeen bytes!")));
}

TEST(ZmtpCommands, PingWithoutTtlIsAProtocolError) {
    ZmtpConnection conn(config_for(SocketType::dealer));
    handshake_with_raw_peer(conn, "ROUTER");
    EXPECT_FALSE(conn.feed(command("PING", bytes_of("x")), 0));
    EXPECT_TRUE(contains(conn.error(), "PING")) << conn.error();
}

TEST(ZmtpCommands, PingFromA30PeerIsAnsweredAsLibzmqDoes) {
    // libzmq heartbeats whatever minor version the peer announced (its own tests mock a
    // 3.0 peer that pings): so do we.
    ZmtpConnection conn(config_for(SocketType::dealer));
    handshake_with_raw_peer(conn, "ROUTER", 0);
    take_output(conn);
    ASSERT_TRUE(conn.feed(ping(10, "x"), 0));
    EXPECT_EQ(take_output(conn), command("PONG", bytes_of("x")));
    EXPECT_EQ(conn.next_deadline_ms(), 1000);  // the peer's TTL: 10 deciseconds
}

TEST(ZmtpCommands, HeartbeatSendsPingEveryIntervalWithOurTtl) {
    ZmtpConfig config = config_for(SocketType::dealer);
    config.heartbeat_ivl_ms = 1000;
    config.heartbeat_ttl_ms = 2500;  // 25 deciseconds
    config.heartbeat_timeout_ms = 10'000;
    ZmtpConnection conn(config);
    handshake_with_raw_peer(conn, "ROUTER", 1, /*now_ms=*/500);
    take_output(conn);
    EXPECT_EQ(conn.next_deadline_ms(), 1500);
    ASSERT_TRUE(conn.on_timer(1500));
    EXPECT_EQ(take_output(conn), ping(25, ""));
    EXPECT_EQ(conn.next_deadline_ms(), 2500);
    ASSERT_TRUE(conn.feed(command("PONG", {}), 1600));
    ASSERT_TRUE(conn.on_timer(2500));
    EXPECT_EQ(take_output(conn), ping(25, ""));
}

TEST(ZmtpCommands, NoTrafficAfterAPingFailsWithHeartbeatTimeout) {
    ZmtpConfig config = config_for(SocketType::dealer);
    config.heartbeat_ivl_ms = 1000;  // timeout defaults to the interval
    ZmtpConnection conn(config);
    handshake_with_raw_peer(conn, "ROUTER", 1, 0);
    ASSERT_TRUE(conn.on_timer(1000));  // PING
    EXPECT_EQ(conn.next_deadline_ms(), 2000);
    ASSERT_TRUE(conn.on_timer(1999));
    EXPECT_FALSE(conn.on_timer(2000));
    EXPECT_EQ(conn.error(), "heartbeat timeout: no traffic from peer for 2000 ms");
    EXPECT_EQ(conn.next_deadline_ms(), INT64_MAX);
}

TEST(ZmtpCommands, AnyTrafficResetsTheHeartbeatTimeout) {
    ZmtpConfig config = config_for(SocketType::dealer);
    config.heartbeat_ivl_ms = 1000;
    config.heartbeat_timeout_ms = 300;
    ZmtpConnection conn(config);
    handshake_with_raw_peer(conn, "ROUTER", 1, 0);
    ASSERT_TRUE(conn.on_timer(1000));  // PING
    EXPECT_EQ(conn.next_deadline_ms(), 1300);
    ASSERT_TRUE(conn.feed(data_frame("still here"), 1200));  // a message, not a PONG
    EXPECT_EQ(conn.next_deadline_ms(), 2000);                // only the next PING is due
    ASSERT_TRUE(conn.on_timer(2000));
    EXPECT_FALSE(conn.on_timer(2300));
    EXPECT_TRUE(contains(conn.error(), "heartbeat timeout")) << conn.error();
}

TEST(ZmtpCommands, BackToBackHeartbeatsKeepAHealthyConnectionAlive) {
    ZmtpConfig ca = config_for(SocketType::push);
    ca.heartbeat_ivl_ms = 100;
    ZmtpConfig cb = config_for(SocketType::pull);
    cb.heartbeat_ivl_ms = 150;
    Pair p(ca, cb);
    for (int64_t now = 0; now <= 10'000; now += 10) {
        if (p.a.next_deadline_ms() <= now) {
            ASSERT_TRUE(p.a.on_timer(now)) << p.a.error();
        }
        if (p.b.next_deadline_ms() <= now) {
            ASSERT_TRUE(p.b.on_timer(now)) << p.b.error();
        }
        pump(p.a, p.b, now);
    }
    EXPECT_TRUE(p.a.ready() && p.b.ready());
}

TEST(ZmtpCommands, PeerPingTtlExpiresWithoutTraffic) {
    ZmtpConnection conn(config_for(SocketType::dealer));
    handshake_with_raw_peer(conn, "ROUTER", 1, 0);
    ASSERT_TRUE(conn.feed(ping(5, ""), 100));  // TTL 500 ms
    EXPECT_EQ(conn.next_deadline_ms(), 600);
    ASSERT_TRUE(conn.on_timer(599));
    EXPECT_FALSE(conn.on_timer(600));
    EXPECT_TRUE(contains(conn.error(), "heartbeat TTL expired")) << conn.error();
    EXPECT_TRUE(contains(conn.error(), "500 ms")) << conn.error();
}

TEST(ZmtpCommands, TrafficAfterThePeersPingDisarmsItsTtl) {
    ZmtpConnection conn(config_for(SocketType::dealer));
    handshake_with_raw_peer(conn, "ROUTER", 1, 0);
    ASSERT_TRUE(conn.feed(ping(5, ""), 100));
    ASSERT_TRUE(conn.feed(data_frame("hi"), 400));
    EXPECT_EQ(conn.next_deadline_ms(), INT64_MAX);
    EXPECT_TRUE(conn.on_timer(10'000));
}

TEST(ZmtpCommands, PingsGoToA30PeerToo) {
    ZmtpConfig config = config_for(SocketType::dealer);
    config.heartbeat_ivl_ms = 100;
    ZmtpConnection conn(config);
    handshake_with_raw_peer(conn, "ROUTER", 0, 0);
    take_output(conn);
    EXPECT_EQ(conn.next_deadline_ms(), 100);
    EXPECT_TRUE(conn.on_timer(100));
    EXPECT_EQ(take_output(conn), ping(0, ""));
    // No traffic for the timeout (the interval, as none is set): the connection ends.
    EXPECT_FALSE(conn.on_timer(200));
    EXPECT_TRUE(contains(conn.error(), "heartbeat timeout")) << conn.error();
}

TEST(ZmtpCommands, ErrorCommandAfterHandshakeFailsWithThePeersReason) {
    ZmtpConnection conn(config_for(SocketType::dealer));
    handshake_with_raw_peer(conn, "ROUTER");
    EXPECT_FALSE(conn.feed(error_command("going away"), 0));
    EXPECT_EQ(conn.error(), "peer sent ERROR: going away");
}

TEST(ZmtpCommands, ErrorReasonIsEscapedForLogs) {
    ZmtpConnection conn(config_for(SocketType::dealer));
    handshake_with_raw_peer(conn, "ROUTER");
    EXPECT_FALSE(conn.feed(error_command("bad\n\x1b[31m"), 0));
    EXPECT_EQ(conn.error(), "peer sent ERROR: bad\\x0a\\x1b[31m");
}

TEST(ZmtpCommands, UnknownCommandsAreIgnored) {
    ZmtpConnection conn(config_for(SocketType::dealer));
    handshake_with_raw_peer(conn, "ROUTER");
    take_output(conn);
    Bytes in = command("JOIN", bytes_of("group"));
    in += command("X-FUTURE", {});
    in += data_frame("after");
    ASSERT_TRUE(conn.feed(in, 0)) << conn.error();
    const auto got = pop_all(conn);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], (Message{"after"}));
    EXPECT_EQ(conn.output_size_bytes(), 0u);
}

TEST(ZmtpCommands, MalformedCommandNameIsAProtocolError) {
    ZmtpConnection conn(config_for(SocketType::dealer));
    handshake_with_raw_peer(conn, "ROUTER");
    EXPECT_FALSE(conn.feed(Bytes{0x04, 0x02, 0x09, 'P'}, 0));
    EXPECT_TRUE(contains(conn.error(), "malformed command")) << conn.error();
}

TEST(ZmtpCommands, SecondReadyIsAProtocolError) {
    ZmtpConnection conn(config_for(SocketType::dealer));
    handshake_with_raw_peer(conn, "ROUTER");
    EXPECT_FALSE(conn.feed(ready("ROUTER"), 0));
    EXPECT_TRUE(contains(conn.error(), "READY twice")) << conn.error();
}

TEST(ZmtpCommands, SendAfterFailureIsDroppedQuietly) {
    ZmtpConnection conn(config_for(SocketType::dealer));
    handshake_with_raw_peer(conn, "ROUTER");
    take_output(conn);
    ASSERT_FALSE(conn.feed(error_command("bye"), 0));
    conn.send_message(Message{"lost"});
    EXPECT_EQ(conn.output_size_bytes(), 0u);
    EXPECT_FALSE(conn.on_timer(0));
}

}  // namespace
}  // namespace sculpin::wire::test
