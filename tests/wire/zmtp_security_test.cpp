// The NULL and PLAIN mechanisms with ZAP, driven byte by byte: the command sequence each
// side sends, the ZAP request the codec hands up to its owner, and clear failures (with
// the monitor classification libzmq uses) for every malformed or out-of-order command.
#include <gtest/gtest.h>

#include <cerrno>

#include "wire/plain_mechanism.hpp"
#include "wire/zap.hpp"
#include "zmtp_test_support.hpp"

namespace sculpin::wire::test {
namespace {

ZmtpConfig plain_client(SocketType type, std::string username, std::string password) {
    ZmtpConfig config = config_for(type);
    config.security.mechanism = MechanismKind::plain;
    config.security.plain_username = std::move(username);
    config.security.plain_password = std::move(password);
    return config;
}

ZmtpConfig plain_server(SocketType type, std::string zap_domain = "global") {
    ZmtpConfig config = config_for(type, "SRV");
    config.security.mechanism = MechanismKind::plain;
    config.security.as_server = true;
    config.security.zap_domain = std::move(zap_domain);
    return config;
}

ZmtpConfig null_server_with_domain(SocketType type, std::string zap_domain) {
    ZmtpConfig config = config_for(type);
    config.security.zap_domain = std::move(zap_domain);
    return config;
}

Message zap_reply(std::string_view status, std::string_view user_id = "",
                  const Bytes& metadata = {}, std::string_view version = "1.0",
                  std::string_view request_id = "1") {
    Message reply;
    reply.push_back(Frame());
    reply.push_back(Frame(version));
    reply.push_back(Frame(request_id));
    reply.push_back(Frame(status));
    reply.push_back(Frame(std::string_view("text")));
    reply.push_back(Frame(user_id));
    reply.push_back(
        Frame(std::string_view(reinterpret_cast<const char*>(metadata.data()), metadata.size())));
    return reply;
}

Bytes plain_greeting(bool as_server) {
    Bytes g = greeting(3, 1, "PLAIN");
    g[32] = as_server ? 1 : 0;
    return g;
}

Bytes hello(std::string_view username, std::string_view password) {
    Bytes data{static_cast<uint8_t>(username.size())};
    data += bytes_of(username);
    data.push_back(static_cast<uint8_t>(password.size()));
    data += bytes_of(password);
    return command("HELLO", data);
}

TEST(ZmtpSecurity, GreetingCarriesMechanismAndAsServer) {
    ZmtpConnection server(plain_server(SocketType::rep));
    server.start(0);
    const Bytes out = take_output(server);
    ASSERT_EQ(out.size(), 64u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(out.data()) + 12), "PLAIN");
    EXPECT_EQ(out[32], 1);
    ZmtpConnection client(plain_client(SocketType::req, "u", "p"));
    client.start(0);
    EXPECT_EQ(take_output(client)[32], 0);
}

TEST(ZmtpSecurity, PlainHandshakeAsksZapAndCompletes) {
    ZmtpConnection client(plain_client(SocketType::dealer, "admin", "secret"));
    ZmtpConnection server(plain_server(SocketType::router));
    client.start(0);
    server.start(0);
    pump(client, server);
    // The server got HELLO and waits for its owner to ask the ZAP handler.
    ASSERT_NE(server.zap_request(), nullptr);
    EXPECT_FALSE(server.ready());
    EXPECT_FALSE(client.ready());
    const ZapRequest request = *server.zap_request();
    EXPECT_EQ(request.mechanism, "PLAIN");
    EXPECT_EQ(request.domain, "global");
    EXPECT_EQ(request.identity, "SRV");
    ASSERT_EQ(request.credentials.size(), 2u);
    EXPECT_EQ(request.credentials[0], "admin");
    EXPECT_EQ(request.credentials[1], "secret");

    ASSERT_TRUE(server.on_zap_reply(zap_reply("200", "admin-user", property("Role", "boss")), 0))
        << server.error();
    EXPECT_EQ(server.zap_request(), nullptr);
    pump(client, server);
    ASSERT_TRUE(client.ready()) << client.error();
    ASSERT_TRUE(server.ready()) << server.error();
    EXPECT_EQ(server.peer().socket_type, SocketType::dealer);
    EXPECT_EQ(server.peer().properties.at("User-Id"), "admin-user");
    EXPECT_EQ(server.peer().properties.at("Role"), "boss");
    EXPECT_EQ(client.peer().socket_type, SocketType::router);

    client.send_message(Message::text("hello"));
    pump(client, server);
    const auto got = pop_all(server);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0][0].str(), "hello");
}

TEST(ZmtpSecurity, PlainClientSendsHelloThenInitiateAfterWelcome) {
    ZmtpConnection client(plain_client(SocketType::req, "joe", "pw"));
    client.start(0);
    take_output(client);
    ASSERT_TRUE(client.feed(plain_greeting(true), 0)) << client.error();
    EXPECT_TRUE(contains(take_output(client), hello("joe", "pw")));
    ASSERT_TRUE(client.feed(command("WELCOME", {}), 0)) << client.error();
    const Bytes initiate = take_output(client);
    EXPECT_TRUE(contains(initiate, bytes_of("\x08INITIATE")));
    EXPECT_TRUE(contains(initiate, property("Socket-Type", "REQ")));
    EXPECT_FALSE(client.ready());
    ASSERT_TRUE(client.feed(ready("REP"), 0)) << client.error();
    EXPECT_TRUE(client.ready());
}

TEST(ZmtpSecurity, RefusedPasswordSendsErrorWithStatusCode) {
    ZmtpConnection client(plain_client(SocketType::dealer, "admin", "wrong"));
    ZmtpConnection server(plain_server(SocketType::dealer));
    client.start(0);
    server.start(0);
    pump(client, server);
    ASSERT_NE(server.zap_request(), nullptr);
    EXPECT_FALSE(server.on_zap_reply(zap_reply("400"), 0));
    EXPECT_EQ(server.failure().kind, FailureKind::auth);
    EXPECT_EQ(server.failure().code, 400);
    EXPECT_TRUE(contains(server.error(), "400")) << server.error();
    // The ERROR goes out with the bare status code, which the client reports as such.
    EXPECT_FALSE(client.feed(take_output(server), 0));
    EXPECT_EQ(client.failure().kind, FailureKind::auth);
    EXPECT_EQ(client.failure().code, 400);
    EXPECT_EQ(client.error(), "peer sent ERROR: 400");
}

TEST(ZmtpSecurity, TemporaryFailureHangsUpWithoutError) {
    ZmtpConnection server(plain_server(SocketType::dealer));
    server.start(0);
    take_output(server);
    ASSERT_TRUE(server.feed(plain_greeting(false), 0));
    ASSERT_TRUE(server.feed(hello("a", "b"), 0));
    EXPECT_FALSE(server.on_zap_reply(zap_reply("300"), 0));
    EXPECT_EQ(server.failure().kind, FailureKind::auth);
    EXPECT_EQ(server.failure().code, 300);
    EXPECT_EQ(server.output_size_bytes(), 0u);
}

TEST(ZmtpSecurity, PlainServerWithoutZapHandlerFails) {
    ZmtpConnection server(plain_server(SocketType::dealer));
    server.start(0);
    ASSERT_TRUE(server.feed(plain_greeting(false), 0));
    ASSERT_TRUE(server.feed(hello("a", "b"), 0));
    EXPECT_FALSE(server.on_zap_unavailable(0));
    EXPECT_EQ(server.failure().kind, FailureKind::no_detail);
    EXPECT_EQ(server.failure().code, EFAULT);
    EXPECT_TRUE(contains(server.error(), "no ZAP handler")) << server.error();
}

struct MalformedHello {
    Bytes data;
    std::string_view error;
};

TEST(ZmtpSecurity, MalformedHelloIsRefusedClearly) {
    const MalformedHello cases[] = {
        {{}, "no complete username"},
        {{5, 'a', 'b'}, "no complete username"},
        {{1, 'a'}, "no complete password"},
        {{1, 'a', 3, 'p'}, "no complete password"},
        {{1, 'a', 1, 'p', 'x', 'y'}, "2 bytes after the password"},
    };
    for (const MalformedHello& c : cases) {
        ZmtpConnection server(plain_server(SocketType::dealer));
        server.start(0);
        ASSERT_TRUE(server.feed(plain_greeting(false), 0));
        take_output(server);
        EXPECT_FALSE(server.feed(command("HELLO", c.data), 0));
        EXPECT_TRUE(contains(server.error(), c.error)) << server.error();
        EXPECT_EQ(server.failure().kind, FailureKind::protocol);
        EXPECT_EQ(server.failure().code, protocol_error::zmtp_malformed_command_hello);
        EXPECT_TRUE(contains(take_output(server), bytes_of("\x05"
                                                           "ERROR")));
        EXPECT_EQ(server.zap_request(), nullptr);
    }
}

TEST(ZmtpSecurity, OutOfOrderCommandsAreRefused) {
    {
        ZmtpConnection server(plain_server(SocketType::dealer));
        server.start(0);
        ASSERT_TRUE(server.feed(plain_greeting(false), 0));
        EXPECT_FALSE(server.feed(command("INITIATE", property("Socket-Type", "DEALER")), 0));
        EXPECT_EQ(server.error(), "PLAIN: expected HELLO, got \"INITIATE\"");
        EXPECT_EQ(server.failure().code, protocol_error::zmtp_unexpected_command);
    }
    {
        ZmtpConnection client(plain_client(SocketType::dealer, "u", "p"));
        client.start(0);
        ASSERT_TRUE(client.feed(plain_greeting(true), 0));
        EXPECT_FALSE(client.feed(ready("DEALER"), 0));
        EXPECT_EQ(client.error(), "PLAIN: expected WELCOME, got \"READY\"");
    }
    {
        ZmtpConnection client(plain_client(SocketType::dealer, "u", "p"));
        client.start(0);
        ASSERT_TRUE(client.feed(plain_greeting(true), 0));
        EXPECT_FALSE(client.feed(command("WELCOME", bytes_of("junk")), 0));
        EXPECT_EQ(client.failure().code, protocol_error::zmtp_malformed_command_welcome);
    }
    {
        // A peer that talks while the ZAP handler decides.
        ZmtpConnection server(plain_server(SocketType::dealer));
        server.start(0);
        ASSERT_TRUE(server.feed(plain_greeting(false), 0));
        ASSERT_TRUE(server.feed(hello("a", "b"), 0));
        EXPECT_FALSE(server.feed(hello("a", "b"), 0));
        EXPECT_TRUE(contains(server.error(), "while the ZAP handler decides")) << server.error();
    }
}

TEST(ZmtpSecurity, MechanismMismatchIsAProtocolFailure) {
    ZmtpConnection client(plain_client(SocketType::dealer, "u", "p"));
    client.start(0);
    EXPECT_FALSE(client.feed(greeting(), 0));
    EXPECT_EQ(client.error(), "peer wants security mechanism \"NULL\", this socket uses PLAIN");
    EXPECT_EQ(client.failure().kind, FailureKind::protocol);
    EXPECT_EQ(client.failure().code, protocol_error::zmtp_mechanism_mismatch);
}

TEST(ZmtpSecurity, NullWithoutZapDomainNeverAsks) {
    Pair pair(config_for(SocketType::dealer), config_for(SocketType::dealer));
    EXPECT_TRUE(pair.a.ready());
    EXPECT_TRUE(pair.b.ready());
    EXPECT_EQ(pair.b.zap_request(), nullptr);
}

TEST(ZmtpSecurity, NullWithZapDomainHoldsReadyUntilTheVerdict) {
    ZmtpConnection client(config_for(SocketType::dealer));
    ZmtpConnection server(null_server_with_domain(SocketType::dealer, "TEST"));
    client.start(0);
    server.start(0);
    pump(client, server);
    ASSERT_NE(server.zap_request(), nullptr);
    EXPECT_EQ(server.zap_request()->mechanism, "NULL");
    EXPECT_EQ(server.zap_request()->domain, "TEST");
    EXPECT_TRUE(server.zap_request()->credentials.empty());
    EXPECT_FALSE(client.ready());  // the server's READY has not gone out
    EXPECT_FALSE(server.ready());
    ASSERT_TRUE(server.on_zap_reply(zap_reply("200", "anonymous", property("Hello", "World")), 0));
    pump(client, server);
    EXPECT_TRUE(client.ready());
    ASSERT_TRUE(server.ready());
    EXPECT_EQ(server.peer().properties.at("Hello"), "World");
    EXPECT_EQ(server.peer().properties.at("User-Id"), "anonymous");
    EXPECT_EQ(server.peer().properties.at("Socket-Type"), "DEALER");
}

TEST(ZmtpSecurity, NullWithoutHandlerLetsThePeerIn) {
    ZmtpConnection client(config_for(SocketType::dealer));
    ZmtpConnection server(null_server_with_domain(SocketType::dealer, "TEST"));
    client.start(0);
    server.start(0);
    pump(client, server);
    ASSERT_TRUE(server.on_zap_unavailable(0));
    pump(client, server);
    EXPECT_TRUE(client.ready());
    EXPECT_TRUE(server.ready());
    EXPECT_EQ(server.peer().properties.count("User-Id"), 0u);
}

struct BadReply {
    Message reply;
    int code;
    std::string_view error;
};

TEST(ZmtpSecurity, MalformedZapRepliesFailWithLibzmqCodes) {
    Message too_many = zap_reply("200");
    too_many.push_back(Frame());
    Message bad_metadata = zap_reply("200", "", Bytes{9, 'x'});
    const BadReply cases[] = {
        {zap_reply("200", "", {}, "2.0"), protocol_error::zap_bad_version, "version \"2.0\""},
        {zap_reply("200", "", {}, "1.0", "7"), protocol_error::zap_bad_request_id,
         "request id \"7\""},
        {zap_reply("201"), protocol_error::zap_invalid_status_code, "status code \"201\""},
        {too_many, protocol_error::zap_malformed_reply, "8 frames, expected 7"},
        {bad_metadata, protocol_error::zap_invalid_metadata, "metadata"},
    };
    for (const BadReply& c : cases) {
        ZmtpConnection server(null_server_with_domain(SocketType::dealer, "D"));
        server.start(0);
        ASSERT_TRUE(server.feed(greeting(), 0));
        take_output(server);
        ASSERT_NE(server.zap_request(), nullptr);
        EXPECT_FALSE(server.on_zap_reply(c.reply, 0));
        EXPECT_EQ(server.failure().kind, FailureKind::protocol);
        EXPECT_EQ(server.failure().code, c.code);
        EXPECT_TRUE(contains(server.error(), c.error)) << server.error();
        // Our handler's fault, not the peer's: nothing is sent.
        EXPECT_EQ(server.output_size_bytes(), 0u);
    }
}

TEST(ZmtpSecurity, ZapRequestFramesFollowRfc27) {
    const ZapRequest request{"dom", "ID", "PLAIN", {"user", "pass"}};
    const Message msg = encode_zap_request(request, "10.0.0.1");
    const std::vector<std::string> expected = {"",   "1.0",   "1",    "dom", "10.0.0.1",
                                               "ID", "PLAIN", "user", "pass"};
    ASSERT_EQ(msg.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(msg[i].str(), expected[i]);
}

}  // namespace
}  // namespace sculpin::wire::test
