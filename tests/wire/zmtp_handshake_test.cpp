// Greeting and NULL handshake: who may talk to whom, what the peer learns, and how a
// peer that is not (or not the right kind of) ZMTP 3 peer is refused, with a reason.
#include <gtest/gtest.h>

#include <array>

#include "zmtp_test_support.hpp"

namespace sculpin::wire::test {
namespace {

constexpr std::array<SocketType, 11> kAllTypes = {
    SocketType::pair, SocketType::pub,    SocketType::sub,    SocketType::req,
    SocketType::rep,  SocketType::dealer, SocketType::router, SocketType::pull,
    SocketType::push, SocketType::xpub,   SocketType::xsub};

TEST(ZmtpHandshake, OurGreetingIsSignatureVersion31AndNullMechanism) {
    ZmtpConnection conn(config_for(SocketType::req));
    conn.start(0);
    const Bytes out = take_output(conn);
    ASSERT_EQ(out.size(), 64u);
    EXPECT_EQ(out, greeting(3, 1, "NULL"));
}

TEST(ZmtpHandshake, StagedGreetingSendsTheSignatureFirstAndTheRestAfterThePeers) {
    ZmtpConfig config = config_for(SocketType::dealer);
    config.staged_greeting = true;
    ZmtpConnection conn(config);
    conn.start(0);
    const Bytes full = greeting(3, 1, "NULL");
    EXPECT_EQ(take_output(conn), Bytes(full.begin(), full.begin() + 10));
    // Part of the peer's signature is not enough.
    ASSERT_TRUE(conn.feed(Bytes(full.begin(), full.begin() + 9), 0));
    EXPECT_EQ(conn.output_size_bytes(), 0u);
    ASSERT_TRUE(conn.feed(Bytes(full.begin() + 9, full.begin() + 10), 0));
    EXPECT_EQ(take_output(conn), Bytes(full.begin() + 10, full.end()));
    // The rest of the handshake is as usual: READY once the whole greeting is in.
    ASSERT_TRUE(conn.feed(Bytes(full.begin() + 10, full.end()), 0));
    EXPECT_GT(take_output(conn).size(), 0u);
}

TEST(ZmtpHandshake, StagedAndWholeGreetingsMeetInTheMiddle) {
    ZmtpConfig staged = config_for(SocketType::dealer);
    staged.staged_greeting = true;
    Pair pair(staged, config_for(SocketType::router));
    EXPECT_TRUE(pair.a.ready());
    EXPECT_TRUE(pair.b.ready());
}

TEST(ZmtpHandshake, EveryCompatiblePairBecomesReadyAndLearnsThePeerType) {
    int pairs = 0;
    for (SocketType x : kAllTypes) {
        for (SocketType y : kAllTypes) {
            if (!compatible(x, y)) continue;
            ASSERT_TRUE(compatible(y, x)) << zmtp_name(x) << "/" << zmtp_name(y);
            Pair p(config_for(x), config_for(y));
            ASSERT_TRUE(p.a.ready()) << zmtp_name(x) << "-" << zmtp_name(y) << ": " << p.a.error();
            ASSERT_TRUE(p.b.ready()) << zmtp_name(x) << "-" << zmtp_name(y) << ": " << p.b.error();
            EXPECT_EQ(p.a.peer().socket_type, y);
            EXPECT_EQ(p.b.peer().socket_type, x);
            EXPECT_EQ(p.a.peer().minor_version, 1);
            // And a message goes through both ways.
            p.a.send_message(Message{"hello"});
            p.b.send_message(Message{"world"});
            pump(p.a, p.b);
            Message got;
            ASSERT_TRUE(p.b.pop_message(got));
            EXPECT_EQ(got, (Message{"hello"}));
            ASSERT_TRUE(p.a.pop_message(got));
            EXPECT_EQ(got, (Message{"world"}));
            ++pairs;
        }
    }
    EXPECT_EQ(pairs, 21);  // RFC 37's table as ordered (self, peer) pairs
}

TEST(ZmtpHandshake, SocketTypeMismatchIsRefusedWithAReasonOnBothSides) {
    Pair p(config_for(SocketType::req), config_for(SocketType::pub));
    EXPECT_TRUE(p.a.failed());
    EXPECT_TRUE(p.b.failed());
    EXPECT_FALSE(p.a.ready());
    EXPECT_EQ(p.a.error(), "socket type mismatch: REQ cannot connect to PUB");
    EXPECT_EQ(p.b.error(), "socket type mismatch: PUB cannot connect to REQ");
}

TEST(ZmtpHandshake, RefusalSendsAnErrorCommandThatThePeerReports) {
    ZmtpConnection conn(config_for(SocketType::req));
    conn.start(0);
    take_output(conn);
    EXPECT_FALSE(conn.feed(peer_handshake("PUB"), 0));
    const Bytes out = take_output(conn);
    const Bytes expected = error_command("socket type mismatch: REQ cannot connect to PUB");
    EXPECT_TRUE(contains(out, expected));

    // A peer that receives that ERROR before judging our READY reports it.
    ZmtpConnection other(config_for(SocketType::sub));
    other.start(0);
    Bytes in = greeting();
    in += error_command("socket type mismatch: REQ cannot connect to PUB");
    EXPECT_FALSE(other.feed(in, 0));
    EXPECT_EQ(other.error(), "peer sent ERROR: socket type mismatch: REQ cannot connect to PUB");
}

TEST(ZmtpHandshake, MissingSocketTypeIsRefused) {
    ZmtpConnection conn(config_for(SocketType::dealer));
    conn.start(0);
    Bytes in = greeting();
    in += command("READY", property("Identity", "x"));
    EXPECT_FALSE(conn.feed(in, 0));
    EXPECT_TRUE(contains(conn.error(), "no Socket-Type"));
}

TEST(ZmtpHandshake, UnknownSocketTypeIsRefused) {
    ZmtpConnection conn(config_for(SocketType::dealer));
    conn.start(0);
    Bytes in = greeting();
    in += ready("TOASTER");
    EXPECT_FALSE(conn.feed(in, 0));
    EXPECT_TRUE(contains(conn.error(), "unknown socket type \"TOASTER\"")) << conn.error();
}

TEST(ZmtpHandshake, IdentityPropertyIsExchanged) {
    Pair p(config_for(SocketType::dealer, "client-7"), config_for(SocketType::router, "broker"));
    ASSERT_TRUE(p.a.ready() && p.b.ready());
    EXPECT_EQ(p.b.peer().routing_id, "client-7");
    EXPECT_EQ(p.a.peer().routing_id, "broker");
    EXPECT_EQ(p.b.peer().properties.at("Socket-Type"), "DEALER");
    EXPECT_EQ(p.b.peer().properties.at("Identity"), "client-7");
}

TEST(ZmtpHandshake, RoutingTypesSendAnEmptyIdentityLikeLibzmq) {
    Pair p(config_for(SocketType::req), config_for(SocketType::rep));
    ASSERT_TRUE(p.b.ready());
    EXPECT_EQ(p.b.peer().properties.count("Identity"), 1u);
    EXPECT_EQ(p.b.peer().routing_id, "");
    EXPECT_EQ(p.a.peer().properties.count("Identity"), 0u);  // REP sends none
}

TEST(ZmtpHandshake, PropertyNamesAreCaseInsensitiveAndAllAreKept) {
    ZmtpConnection conn(config_for(SocketType::router));
    conn.start(0);
    Bytes props = property("socket-type", "DEALER");
    props += property("IDENTITY", "abc");
    props += property("X-Custom", "value");
    Bytes in = greeting();
    in += command("READY", props);
    ASSERT_TRUE(conn.feed(in, 0)) << conn.error();
    EXPECT_EQ(conn.peer().socket_type, SocketType::dealer);
    EXPECT_EQ(conn.peer().routing_id, "abc");
    EXPECT_EQ(conn.peer().properties.at("X-Custom"), "value");
}

TEST(ZmtpHandshake, WrongSignatureFailsAtTheFirstByte) {
    ZmtpConnection conn(config_for(SocketType::req));
    conn.start(0);
    const Bytes http = bytes_of("GET / HTTP/1.1\r\n");
    EXPECT_FALSE(conn.feed(http, 0));
    EXPECT_EQ(conn.error(), "bad greeting: byte 0 is 0x47, expected 0xff (not a ZMTP peer?)");
    EXPECT_FALSE(conn.feed(http, 0));  // stays failed
}

TEST(ZmtpHandshake, WrongSignatureEndIsRefused) {
    ZmtpConnection conn(config_for(SocketType::req));
    conn.start(0);
    Bytes g = greeting();
    g[9] = 0x01;  // what a ZMTP 1.0 peer's identity frame would put there
    EXPECT_FALSE(conn.feed(g, 0));
    EXPECT_TRUE(contains(conn.error(), "byte 9 is 0x01, expected 0x7f")) << conn.error();
}

TEST(ZmtpHandshake, Zmtp20GreetingIsRefusedWithoutWaitingFor64Bytes) {
    ZmtpConnection conn(config_for(SocketType::req));
    conn.start(0);
    // ZMTP 2.0: signature, revision 0x01, socket type; then the peer waits for us.
    Bytes g = greeting(1, 0);
    g.resize(12);
    g[11] = 3;  // REQ
    EXPECT_FALSE(conn.feed(g, 0));
    EXPECT_EQ(conn.error(), "peer speaks ZMTP 1.0/2.0 (greeting major version 1), unsupported");
}

TEST(ZmtpHandshake, OtherSecurityMechanismIsRefusedByName) {
    ZmtpConnection conn(config_for(SocketType::req));
    conn.start(0);
    EXPECT_FALSE(conn.feed(greeting(3, 1, "CURVE"), 0));
    EXPECT_EQ(conn.error(), "peer wants security mechanism \"CURVE\", this socket uses NULL");
}

TEST(ZmtpHandshake, GarbageInputFailsCleanly) {
    // A deterministic spread of junk: none of it may crash, hang or be accepted.
    uint32_t state = 12345;
    for (int run = 0; run < 200; ++run) {
        ZmtpConnection conn(config_for(SocketType::dealer));
        conn.start(0);
        Bytes junk(1 + run % 97);
        for (auto& b : junk) {
            state = state * 1103515245u + 12345u;
            b = static_cast<uint8_t>(state >> 16);
        }
        if (junk[0] == 0xff) junk[0] = 0x00;
        EXPECT_FALSE(conn.feed(junk, 0));
        EXPECT_FALSE(conn.error().empty());
        EXPECT_FALSE(conn.ready());
    }
}

TEST(ZmtpHandshake, GarbageAfterAValidGreetingFailsCleanly) {
    ZmtpConnection conn(config_for(SocketType::dealer));
    conn.start(0);
    Bytes in = greeting();
    in += Bytes{0xf3, 0x12, 0x00};
    EXPECT_FALSE(conn.feed(in, 0));
    EXPECT_TRUE(contains(conn.error(), "reserved bits")) << conn.error();
    EXPECT_TRUE(contains(conn.error(), "stream offset 64")) << conn.error();
}

TEST(ZmtpHandshake, DataFrameBeforeReadyIsAnError) {
    ZmtpConnection conn(config_for(SocketType::pull));
    conn.start(0);
    Bytes in = greeting();
    in += data_frame("too early");
    EXPECT_FALSE(conn.feed(in, 0));
    EXPECT_TRUE(contains(conn.error(), "data frame before the handshake completed"))
        << conn.error();
}

TEST(ZmtpHandshake, CommandOtherThanReadyDuringHandshakeIsRefused) {
    ZmtpConnection conn(config_for(SocketType::pull));
    conn.start(0);
    Bytes in = greeting();
    in += ping(0, "");
    EXPECT_FALSE(conn.feed(in, 0));
    EXPECT_TRUE(contains(conn.error(), "expected a READY command, got \"PING\"")) << conn.error();
}

TEST(ZmtpHandshake, HalfAGreetingThenHandshakeTimeoutSaysHowFarItGot) {
    ZmtpConfig config = config_for(SocketType::req);
    config.handshake_ivl_ms = 5000;
    ZmtpConnection conn(config);
    conn.start(1000);
    EXPECT_EQ(conn.next_deadline_ms(), 6000);
    Bytes g = greeting();
    g.resize(10);
    ASSERT_TRUE(conn.feed(g, 1200));
    EXPECT_TRUE(conn.on_timer(5999));
    EXPECT_FALSE(conn.failed());
    EXPECT_FALSE(conn.on_timer(6000));
    EXPECT_EQ(conn.error(), "handshake timeout after 5000 ms: got 10 of 64 greeting bytes");
    EXPECT_EQ(conn.next_deadline_ms(), INT64_MAX);
}

TEST(ZmtpHandshake, HandshakeTimeoutWaitingForReady) {
    ZmtpConfig config = config_for(SocketType::req);
    config.handshake_ivl_ms = 100;
    ZmtpConnection conn(config);
    conn.start(0);
    ASSERT_TRUE(conn.feed(greeting(), 10));
    EXPECT_FALSE(conn.on_timer(100));
    EXPECT_TRUE(contains(conn.error(), "handshake timeout after 100 ms: greeting done, waiting"))
        << conn.error();
}

TEST(ZmtpHandshake, NoHandshakeDeadlineWhenIntervalIsZero) {
    ZmtpConfig config = config_for(SocketType::req);
    config.handshake_ivl_ms = 0;
    ZmtpConnection conn(config);
    conn.start(0);
    EXPECT_EQ(conn.next_deadline_ms(), INT64_MAX);
    EXPECT_TRUE(conn.on_timer(1'000'000'000));
}

TEST(ZmtpHandshake, HandshakeDeadlineIsClearedOnceReady) {
    Pair p(config_for(SocketType::push), config_for(SocketType::pull));
    ASSERT_TRUE(p.a.ready());
    EXPECT_EQ(p.a.next_deadline_ms(), INT64_MAX);
    EXPECT_TRUE(p.a.on_timer(1'000'000));
}

TEST(ZmtpHandshake, Zmtp30PeerIsAcceptedAndRecorded) {
    ZmtpConnection conn(config_for(SocketType::pub));
    handshake_with_raw_peer(conn, "SUB", 0);
    EXPECT_EQ(conn.peer().minor_version, 0);
}

TEST(ZmtpHandshake, NewerPeerVersionIsSpokenAs31) {
    ZmtpConnection conn(config_for(SocketType::pub));
    conn.start(0);
    Bytes in = greeting(4, 0);
    in += ready("SUB");
    ASSERT_TRUE(conn.feed(in, 0)) << conn.error();
    EXPECT_EQ(conn.peer().minor_version, 1);
}

TEST(ZmtpHandshake, ReadyIsSentOnlyAfterThePeersGreeting) {
    ZmtpConnection conn(config_for(SocketType::push));
    conn.start(0);
    EXPECT_EQ(take_output(conn).size(), 64u);
    Bytes g = greeting();
    ASSERT_TRUE(conn.feed({g.data(), 63}, 0));
    EXPECT_EQ(conn.output_size_bytes(), 0u);
    ASSERT_TRUE(conn.feed({g.data() + 63, 1}, 0));
    const Bytes out = take_output(conn);
    EXPECT_EQ(out, ready("PUSH"));
}

}  // namespace
}  // namespace sculpin::wire::test
