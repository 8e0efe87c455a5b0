// The CURVE mechanism between two ZmtpConnections with a deterministic random source: the
// handshake's command sizes (RFC 26), messages and heartbeats boxed both ways, the ZAP
// request a server hands up (the client's long-term key), and the failures: a wrong
// server key, a tampered or replayed MESSAGE.
#include <gtest/gtest.h>

#include "crypto/x25519.hpp"
#include "wire/frame_header.hpp"
#include "zmtp_test_support.hpp"

namespace sculpin::wire::test {
namespace {

// A counter-based byte source: deterministic, and different on every call.
RandomSource counting_source(uint8_t seed) {
    auto state = std::make_shared<uint32_t>(seed * 7919u);
    return [state](std::span<uint8_t> out) {
        for (uint8_t& byte : out) {
            *state = *state * 1103515245u + 12345u;
            byte = static_cast<uint8_t>(*state >> 16);
        }
    };
}

struct KeyPair {
    crypto::X25519Key public_key;
    crypto::X25519Key secret_key;
};

KeyPair key_pair(uint8_t fill) {
    KeyPair pair;
    pair.secret_key.fill(fill);
    pair.public_key = crypto::x25519_base(pair.secret_key);
    return pair;
}

ZmtpConfig curve_server(SocketType type, const KeyPair& keys) {
    ZmtpConfig config = config_for(type, "SRV");
    config.security.mechanism = MechanismKind::curve;
    config.security.as_server = true;
    config.security.curve_public_key = keys.public_key;
    config.security.curve_secret_key = keys.secret_key;
    config.security.random = counting_source(1);
    return config;
}

ZmtpConfig curve_client(SocketType type, const KeyPair& keys, const crypto::X25519Key& server) {
    ZmtpConfig config = config_for(type, "CLI");
    config.security.mechanism = MechanismKind::curve;
    config.security.curve_public_key = keys.public_key;
    config.security.curve_secret_key = keys.secret_key;
    config.security.curve_server_key = server;
    config.security.random = counting_source(2);
    return config;
}

Message text_message(std::initializer_list<std::string_view> parts) {
    Message msg;
    for (auto part : parts) msg.push_back(Frame(part));
    return msg;
}

// Runs the handshake, answering the server's ZAP request with "no handler".
void handshake(ZmtpConnection& client, ZmtpConnection& server) {
    client.start(0);
    server.start(0);
    for (int round = 0; round < 10 && !(client.ready() && server.ready()); ++round) {
        pump(client, server);
        if (server.zap_request() != nullptr) server.on_zap_unavailable(0);
    }
}

TEST(ZmtpCurve, HandshakeCommandsHaveRfc26Sizes) {
    const KeyPair server_keys = key_pair(1);
    ZmtpConnection client(curve_client(SocketType::dealer, key_pair(2), server_keys.public_key));
    ZmtpConnection server(curve_server(SocketType::router, server_keys));
    client.start(0);
    server.start(0);
    const Bytes client_greeting = take_output(client);
    const Bytes server_greeting = take_output(server);
    ASSERT_EQ(client_greeting.size(), 64u);
    EXPECT_EQ(std::string(client_greeting.begin() + 12, client_greeting.begin() + 17), "CURVE");
    EXPECT_EQ(client_greeting[32], 0);  // as-server
    EXPECT_EQ(server_greeting[32], 1);
    ASSERT_TRUE(server.feed(client_greeting, 0));
    ASSERT_TRUE(client.feed(server_greeting, 0));
    // HELLO: a command frame of 200 bytes (short header: flags, size).
    const Bytes hello = take_output(client);
    ASSERT_EQ(hello.size(), 2u + 200u);
    EXPECT_EQ(hello[0], kFlagCommand);
    EXPECT_EQ(hello[1], 200);
    EXPECT_EQ(std::string(hello.begin() + 2, hello.begin() + 8), "\x05HELLO");
    ASSERT_TRUE(server.feed(hello, 0));
    // WELCOME: 168 bytes.
    const Bytes welcome = take_output(server);
    ASSERT_EQ(welcome.size(), 2u + 168u);
    EXPECT_EQ(std::string(welcome.begin() + 2, welcome.begin() + 10), "\x07WELCOME");
    ASSERT_TRUE(client.feed(welcome, 0));
    // INITIATE: 9 + 96 (cookie) + 8 (nonce) + 16 + 128 + metadata: a long frame.
    const Bytes initiate = take_output(client);
    ASSERT_GT(initiate.size(), 9u + 257u);
    EXPECT_EQ(initiate[0], kFlagCommand | kFlagLong);
    EXPECT_EQ(std::string(initiate.begin() + 9, initiate.begin() + 18), "\x08INITIATE");
    ASSERT_TRUE(server.feed(initiate, 0));
    ASSERT_NE(server.zap_request(), nullptr);
    EXPECT_EQ(server.zap_request()->mechanism, "CURVE");
    ASSERT_EQ(server.zap_request()->credentials.size(), 1u);
    EXPECT_EQ(server.zap_request()->credentials[0],
              std::string(reinterpret_cast<const char*>(key_pair(2).public_key.data()), 32));
    ASSERT_TRUE(server.on_zap_unavailable(0));
    EXPECT_TRUE(server.ready());
    ASSERT_TRUE(client.feed(take_output(server), 0));
    EXPECT_TRUE(client.ready());
    EXPECT_EQ(client.peer().routing_id, "SRV");
    EXPECT_EQ(server.peer().routing_id, "CLI");
    EXPECT_EQ(server.peer().socket_type, SocketType::dealer);
}

TEST(ZmtpCurve, MultipartMessagesTravelBoxedBothWays) {
    const KeyPair server_keys = key_pair(1);
    ZmtpConnection client(curve_client(SocketType::dealer, key_pair(2), server_keys.public_key));
    ZmtpConnection server(curve_server(SocketType::router, server_keys));
    handshake(client, server);
    ASSERT_TRUE(client.ready() && server.ready()) << client.error() << " / " << server.error();

    client.send_message(text_message({"secret-one", "", "secret-two"}));
    const Bytes wire = take_output(client);
    // Nothing of the plaintext shows on the wire; each frame is a MESSAGE.
    const std::string wire_text(wire.begin(), wire.end());
    EXPECT_EQ(wire_text.find("secret"), std::string::npos);
    EXPECT_NE(wire_text.find("\x07MESSAGE"), std::string::npos);
    ASSERT_TRUE(server.feed(wire, 0)) << server.error();
    Message got;
    ASSERT_TRUE(server.pop_message(got));
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].str(), "secret-one");
    EXPECT_EQ(got[1].str(), "");
    EXPECT_EQ(got[2].str(), "secret-two");

    for (int i = 0; i < 3; ++i) server.send_message(text_message({"reply", std::to_string(i)}));
    ASSERT_TRUE(client.feed(take_output(server), 0)) << client.error();
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(client.pop_message(got));
        ASSERT_EQ(got.size(), 2u);
        EXPECT_EQ(got[1].str(), std::to_string(i));
    }
}

TEST(ZmtpCurve, SubscriptionsAndHeartbeatsAreBoxedCommands) {
    const KeyPair server_keys = key_pair(1);
    ZmtpConfig sub_config = curve_client(SocketType::sub, key_pair(2), server_keys.public_key);
    sub_config.heartbeat_ivl_ms = 100;
    ZmtpConnection sub(sub_config);
    ZmtpConnection pub(curve_server(SocketType::pub, server_keys));
    handshake(sub, pub);
    ASSERT_TRUE(sub.ready() && pub.ready());
    sub.send_message(text_message({"\x01topic"}));
    const Bytes wire = take_output(sub);
    EXPECT_EQ(std::string(wire.begin(), wire.end()).find("SUBSCRIBE"), std::string::npos);
    ASSERT_TRUE(pub.feed(wire, 0)) << pub.error();
    Message got;
    ASSERT_TRUE(pub.pop_message(got));
    EXPECT_EQ(got[0].str(), "\x01topic");

    // A PING goes out boxed and comes back as a boxed PONG, which counts as traffic.
    ASSERT_TRUE(sub.on_timer(100));
    const Bytes ping = take_output(sub);
    ASSERT_FALSE(ping.empty());
    EXPECT_EQ(std::string(ping.begin(), ping.end()).find("PING"), std::string::npos);
    ASSERT_TRUE(pub.feed(ping, 100)) << pub.error();
    const Bytes pong = take_output(pub);
    ASSERT_FALSE(pong.empty());
    ASSERT_TRUE(sub.feed(pong, 150)) << sub.error();
    EXPECT_FALSE(pub.pop_message(got));
    EXPECT_FALSE(sub.pop_message(got));
}

TEST(ZmtpCurve, AClientWithTheWrongServerKeyIsDroppedAtHello) {
    const KeyPair server_keys = key_pair(1);
    const KeyPair impostor = key_pair(9);
    ZmtpConnection client(curve_client(SocketType::dealer, key_pair(2), impostor.public_key));
    ZmtpConnection server(curve_server(SocketType::router, server_keys));
    handshake(client, server);
    EXPECT_FALSE(client.ready());
    ASSERT_TRUE(server.failed());
    EXPECT_EQ(server.failure().kind, FailureKind::protocol);
    EXPECT_EQ(server.failure().code, protocol_error::zmtp_cryptographic);
    EXPECT_NE(server.error().find("HELLO"), std::string::npos) << server.error();
}

TEST(ZmtpCurve, ZapRefusalSendsTheStatusCode) {
    const KeyPair server_keys = key_pair(1);
    ZmtpConnection client(curve_client(SocketType::dealer, key_pair(2), server_keys.public_key));
    ZmtpConnection server(curve_server(SocketType::router, server_keys));
    client.start(0);
    server.start(0);
    for (int round = 0; round < 5 && server.zap_request() == nullptr; ++round) pump(client, server);
    ASSERT_NE(server.zap_request(), nullptr);
    Message reply;
    for (std::string_view part : {"", "1.0", "1", "400", "no", "", ""})
        reply.push_back(Frame(part));
    EXPECT_FALSE(server.on_zap_reply(reply, 0));
    EXPECT_EQ(server.failure().kind, FailureKind::auth);
    EXPECT_EQ(server.failure().code, 400);
    ASSERT_FALSE(client.feed(take_output(server), 0));
    EXPECT_EQ(client.failure().kind, FailureKind::auth);
    EXPECT_EQ(client.failure().code, 400);
}

TEST(ZmtpCurve, TamperedAndReplayedMessagesDropTheConnection) {
    const KeyPair server_keys = key_pair(1);
    {
        ZmtpConnection client(
            curve_client(SocketType::dealer, key_pair(2), server_keys.public_key));
        ZmtpConnection server(curve_server(SocketType::router, server_keys));
        handshake(client, server);
        client.send_message(text_message({"hello"}));
        Bytes wire = take_output(client);
        wire.back() ^= 1;
        EXPECT_FALSE(server.feed(wire, 0));
        EXPECT_EQ(server.failure().code, protocol_error::zmtp_cryptographic);
    }
    {
        ZmtpConnection client(
            curve_client(SocketType::dealer, key_pair(2), server_keys.public_key));
        ZmtpConnection server(curve_server(SocketType::router, server_keys));
        handshake(client, server);
        client.send_message(text_message({"once"}));
        const Bytes wire = take_output(client);
        ASSERT_TRUE(server.feed(wire, 0));
        EXPECT_FALSE(server.feed(wire, 0));
        EXPECT_EQ(server.failure().code, protocol_error::zmtp_invalid_sequence);
    }
}

}  // namespace
}  // namespace sculpin::wire::test
