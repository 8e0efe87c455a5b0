// CURVE between Sculpin and Debian's libzmq 4.3 (built with libsodium) over real TCP: each
// side as server in turn, messages both ways, and a client holding the wrong server key
// refused in the handshake (seen on libzmq's own monitor). Also: Sculpin's X25519 gives
// the public key libzmq's zmq_curve_public gives for the same secret.
#include <gtest/gtest.h>
#include <zmq.h>

#include <array>
#include <cstring>
#include <string>

#include "crypto/x25519.hpp"
#include "runtime/context.hpp"

namespace sculpin {
namespace {

constexpr int kWatchdogMs = 10000;  // a guard against a hang, not a timing assertion

struct Z85KeyPair {
    char public_key[41];
    char secret_key[41];
};

Z85KeyPair libzmq_keypair() {
    Z85KeyPair pair;
    EXPECT_EQ(zmq_curve_keypair(pair.public_key, pair.secret_key), 0);
    return pair;
}

CurveKey binary(const char* z85) {
    CurveKey key{};
    EXPECT_NE(zmq_z85_decode(key.data(), z85), nullptr);
    return key;
}

void set_key(SocketHandle* socket, int option, const char* z85) {
    const CurveKey key = binary(z85);
    ASSERT_EQ(socket->set_option(option, key.data(), key.size()), 0);
}

void set_int(SocketHandle* socket, int option, int value) {
    ASSERT_EQ(socket->set_option(option, &value, sizeof value), 0);
}

std::string sculpin_recv_last_frame(SocketHandle* socket) {
    Message msg;
    if (socket->recv(msg) != 0) return "<nothing>";
    return msg[msg.size() - 1].str();
}

std::string libzmq_recv(void* socket) {
    char buffer[256];
    const int size = zmq_recv(socket, buffer, sizeof buffer, 0);
    if (size < 0) return "<error " + std::string(zmq_strerror(zmq_errno())) + ">";
    return std::string(buffer, static_cast<size_t>(std::min(size, 256)));
}

class CurveInterop : public ::testing::Test {
protected:
    void SetUp() override {
        libzmq_context = zmq_ctx_new();
        sculpin_context = std::make_unique<Context>();
    }
    void TearDown() override {
        sculpin_context.reset();
        zmq_ctx_term(libzmq_context);
    }
    void* libzmq_socket(int type) {
        void* socket = zmq_socket(libzmq_context, type);
        const int linger = 0;
        zmq_setsockopt(socket, ZMQ_LINGER, &linger, sizeof linger);
        zmq_setsockopt(socket, ZMQ_RCVTIMEO, &kWatchdogMs, sizeof kWatchdogMs);
        return socket;
    }
    SocketHandle* sculpin_socket(SocketType type) {
        SocketHandle* socket = sculpin_context->socket(type);
        set_int(socket, option::linger, 0);
        set_int(socket, option::rcvtimeo, kWatchdogMs);
        return socket;
    }
    void* libzmq_context = nullptr;
    std::unique_ptr<Context> sculpin_context;
};

TEST(CurveKeys, SculpinX25519MatchesLibzmqCurvePublic) {
    for (int i = 0; i < 8; ++i) {
        Z85KeyPair pair = libzmq_keypair();
        const CurveKey ours = crypto::x25519_base(binary(pair.secret_key));
        char ours_text[41];
        ASSERT_NE(zmq_z85_encode(ours_text, ours.data(), ours.size()), nullptr);
        EXPECT_STREQ(ours_text, pair.public_key);
    }
}

TEST_F(CurveInterop, LibzmqServerSculpinClientBothWays) {
    const Z85KeyPair server_keys = libzmq_keypair();
    const Z85KeyPair client_keys = libzmq_keypair();
    void* server = libzmq_socket(ZMQ_ROUTER);
    const int one = 1;
    ASSERT_EQ(zmq_setsockopt(server, ZMQ_CURVE_SERVER, &one, sizeof one), 0);
    ASSERT_EQ(zmq_setsockopt(server, ZMQ_CURVE_SECRETKEY, server_keys.secret_key, 40), 0);
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    char endpoint[256];
    size_t size = sizeof endpoint;
    zmq_getsockopt(server, ZMQ_LAST_ENDPOINT, endpoint, &size);

    SocketHandle* client = sculpin_socket(SocketType::dealer);
    set_key(client, option::curve_serverkey, server_keys.public_key);
    set_key(client, option::curve_publickey, client_keys.public_key);
    set_key(client, option::curve_secretkey, client_keys.secret_key);
    ASSERT_EQ(client->connect(endpoint), 0);

    for (int i = 0; i < 3; ++i) {
        Message request;
        request.push_back(Frame("request " + std::to_string(i)));
        ASSERT_EQ(client->send(request), 0);
        char identity[256];
        const int identity_size = zmq_recv(server, identity, sizeof identity, 0);
        ASSERT_GT(identity_size, 0) << zmq_strerror(zmq_errno());
        EXPECT_EQ(libzmq_recv(server), "request " + std::to_string(i));
        ASSERT_EQ(zmq_send(server, identity, static_cast<size_t>(identity_size), ZMQ_SNDMORE),
                  identity_size);
        const std::string reply = "reply " + std::to_string(i);
        ASSERT_EQ(zmq_send(server, reply.data(), reply.size(), 0), static_cast<int>(reply.size()));
        EXPECT_EQ(sculpin_recv_last_frame(client), reply);
    }
    client->close();
    zmq_close(server);
}

TEST_F(CurveInterop, SculpinServerLibzmqClientBothWays) {
    const Z85KeyPair server_keys = libzmq_keypair();
    const Z85KeyPair client_keys = libzmq_keypair();
    SocketHandle* server = sculpin_socket(SocketType::rep);
    set_int(server, option::curve_server, 1);
    set_key(server, option::curve_secretkey, server_keys.secret_key);
    set_key(server, option::curve_publickey, server_keys.public_key);
    ASSERT_EQ(server->bind("tcp://127.0.0.1:*"), 0);

    void* client = libzmq_socket(ZMQ_REQ);
    ASSERT_EQ(zmq_setsockopt(client, ZMQ_CURVE_SERVERKEY, server_keys.public_key, 40), 0);
    ASSERT_EQ(zmq_setsockopt(client, ZMQ_CURVE_PUBLICKEY, client_keys.public_key, 40), 0);
    ASSERT_EQ(zmq_setsockopt(client, ZMQ_CURVE_SECRETKEY, client_keys.secret_key, 40), 0);
    ASSERT_EQ(zmq_connect(client, server->last_endpoint().c_str()), 0);

    for (int i = 0; i < 3; ++i) {
        // Sizes around the short/long frame boundary, inside the box.
        const std::string request(250 + static_cast<size_t>(i) * 5, static_cast<char>('a' + i));
        ASSERT_EQ(zmq_send(client, request.data(), request.size(), 0),
                  static_cast<int>(request.size()));
        EXPECT_EQ(sculpin_recv_last_frame(server), request);
        Message reply;
        reply.push_back(Frame("world " + std::to_string(i)));
        ASSERT_EQ(server->send(reply), 0);
        EXPECT_EQ(libzmq_recv(client), "world " + std::to_string(i));
    }
    zmq_close(client);
    server->close();
}

TEST_F(CurveInterop, ClientWithTheWrongServerKeyFailsTheHandshake) {
    const Z85KeyPair server_keys = libzmq_keypair();
    const Z85KeyPair wrong_keys = libzmq_keypair();
    const Z85KeyPair client_keys = libzmq_keypair();
    void* server = libzmq_socket(ZMQ_ROUTER);
    const int one = 1;
    ASSERT_EQ(zmq_setsockopt(server, ZMQ_CURVE_SERVER, &one, sizeof one), 0);
    ASSERT_EQ(zmq_setsockopt(server, ZMQ_CURVE_SECRETKEY, server_keys.secret_key, 40), 0);
    ASSERT_EQ(
        zmq_socket_monitor(server, "inproc://curve-monitor",
                           ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_SUCCEEDED),
        0);
    void* monitor = libzmq_socket(ZMQ_PAIR);
    ASSERT_EQ(zmq_connect(monitor, "inproc://curve-monitor"), 0);
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    char endpoint[256];
    size_t size = sizeof endpoint;
    zmq_getsockopt(server, ZMQ_LAST_ENDPOINT, endpoint, &size);

    SocketHandle* client = sculpin_socket(SocketType::dealer);
    set_key(client, option::curve_serverkey, wrong_keys.public_key);
    set_key(client, option::curve_publickey, client_keys.public_key);
    set_key(client, option::curve_secretkey, client_keys.secret_key);
    ASSERT_EQ(client->connect(endpoint), 0);

    // The first event libzmq reports: its server could not open our HELLO.
    zmq_msg_t event;
    zmq_msg_init(&event);
    ASSERT_GT(zmq_msg_recv(&event, monitor, 0), 0) << zmq_strerror(zmq_errno());
    ASSERT_EQ(zmq_msg_size(&event), 6u);
    uint16_t event_id = 0;
    uint32_t value = 0;
    std::memcpy(&event_id, zmq_msg_data(&event), 2);
    std::memcpy(&value, static_cast<uint8_t*>(zmq_msg_data(&event)) + 2, 4);
    zmq_msg_close(&event);
    EXPECT_EQ(event_id, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
    EXPECT_EQ(value, static_cast<uint32_t>(ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC));

    client->close();
    zmq_socket_monitor(server, nullptr, 0);
    zmq_close(monitor);
    zmq_close(server);
}

}  // namespace
}  // namespace sculpin
