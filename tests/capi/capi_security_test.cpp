// ZAP and the NULL/PLAIN mechanisms through the C API: a ZAP handler thread (a REP socket
// bound at inproc://zeromq.zap.01) judging PLAIN clients and NULL peers, the metadata it
// returns read back with zmq_msg_gets, and the monitor events of refused handshakes.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "capi_test_support.hpp"
#include "zmq.h"

namespace {

using namespace capi_test;

void set_text(void* socket, int option, const std::string& value) {
    ASSERT_EQ(zmq_setsockopt(socket, option, value.data(), value.size()), 0)
        << zmq_strerror(zmq_errno());
}

std::string get_text(void* socket, int option) {
    char buffer[256];
    size_t size = sizeof buffer;
    EXPECT_EQ(zmq_getsockopt(socket, option, buffer, &size), 0);
    return std::string(buffer);
}

int get_int(void* socket, int option) {
    int value = -1;
    size_t size = sizeof value;
    EXPECT_EQ(zmq_getsockopt(socket, option, &value, &size), 0);
    return value;
}

// The ZAP handler: approves `username`/`password` (PLAIN) or every NULL peer when
// `approve_null`, with a user id and one metadata property; refuses the rest with 400.
class ZapHandler {
public:
    ZapHandler(void* context, std::string username, std::string password, bool approve_null)
        : username_(std::move(username)),
          password_(std::move(password)),
          approve_null_(approve_null) {
        socket_ = zmq_socket(context, ZMQ_REP);
        set_int(socket_, ZMQ_LINGER, 0);
        set_int(socket_, ZMQ_RCVTIMEO, 50);  // to notice stop(); not a timing assertion
        EXPECT_EQ(zmq_bind(socket_, "inproc://zeromq.zap.01"), 0);
        thread_ = std::thread([this] { run(); });
    }
    ~ZapHandler() {
        stop_ = true;
        thread_.join();
        zmq_close(socket_);
    }
    std::vector<std::string> last_request() {
        std::lock_guard lock(mutex_);
        return last_request_;
    }
    int requests() const { return requests_.load(); }

private:
    void run() {
        while (!stop_) {
            std::vector<std::string> request;
            int more = 1;
            while (more) {
                zmq_msg_t part;
                zmq_msg_init(&part);
                if (zmq_msg_recv(&part, socket_, 0) < 0) {
                    zmq_msg_close(&part);
                    break;
                }
                request.emplace_back(static_cast<const char*>(zmq_msg_data(&part)),
                                     zmq_msg_size(&part));
                more = zmq_msg_more(&part);
                zmq_msg_close(&part);
            }
            if (request.size() < 6) continue;  // timed out waiting: look at stop_ again
            {
                std::lock_guard lock(mutex_);
                last_request_ = request;
            }
            ++requests_;  // before replying: the reply is what lets the test go on
            const std::string& mechanism = request[5];
            const bool approved = (mechanism == "NULL" && approve_null_) ||
                                  (mechanism == "PLAIN" && request.size() == 8 &&
                                   request[6] == username_ && request[7] == password_);
            const uint8_t metadata[] = {4, 'R', 'o', 'l', 'e', 0, 0, 0, 3, 'o', 'p', 's'};
            zmq_send(socket_, request[0].data(), request[0].size(), ZMQ_SNDMORE);
            zmq_send(socket_, request[1].data(), request[1].size(), ZMQ_SNDMORE);
            zmq_send(socket_, approved ? "200" : "400", 3, ZMQ_SNDMORE);
            zmq_send(socket_, "text", 4, ZMQ_SNDMORE);
            zmq_send(socket_, approved ? "the-user" : "", approved ? 8 : 0, ZMQ_SNDMORE);
            zmq_send(socket_, metadata, approved ? sizeof metadata : 0, 0);
        }
    }

    std::string username_;
    std::string password_;
    bool approve_null_;
    void* socket_ = nullptr;
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0};
    std::mutex mutex_;
    std::vector<std::string> last_request_;
    std::thread thread_;
};

class CapiSecurity : public capi_test::ContextTest<> {
protected:
    // A PAIR socket that receives `socket`'s handshake events.
    void* watch(void* socket, const std::string& name) {
        const std::string endpoint = "inproc://monitor-" + name;
        EXPECT_EQ(zmq_socket_monitor(
                      socket, endpoint.c_str(),
                      ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                          ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH),
                  0);
        void* watcher = make(ZMQ_PAIR);
        EXPECT_EQ(zmq_connect(watcher, endpoint.c_str()), 0);
        return watcher;
    }
};

// The next monitor event: {event, value}, or {-1, 0} when none came.
std::pair<int, int> next_event(void* watcher) {
    uint8_t head[6];
    if (zmq_recv(watcher, head, sizeof head, 0) != 6) return {-1, 0};
    char address[256];
    zmq_recv(watcher, address, sizeof address, 0);
    uint16_t event = 0;
    uint32_t value = 0;
    std::memcpy(&event, head, sizeof event);
    std::memcpy(&value, head + 2, sizeof value);
    return {event, static_cast<int>(value)};
}

TEST_F(CapiSecurity, PlainClientApprovedByZapGetsThroughWithMetadata) {
    ZapHandler handler(context, "admin", "secret", false);
    void* server = make(ZMQ_DEALER);
    set_int(server, ZMQ_PLAIN_SERVER, 1);
    set_text(server, ZMQ_ZAP_DOMAIN, "global");
    set_text(server, ZMQ_ROUTING_ID, "SRV");
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    void* client = make(ZMQ_DEALER);
    set_text(client, ZMQ_PLAIN_USERNAME, "admin");
    set_text(client, ZMQ_PLAIN_PASSWORD, "secret");
    ASSERT_EQ(zmq_connect(client, last_endpoint(server).c_str()), 0);

    ASSERT_EQ(zmq_send(client, "hi", 2, 0), 2);
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    ASSERT_EQ(zmq_msg_recv(&msg, server, 0), 2) << zmq_strerror(zmq_errno());
    EXPECT_STREQ(zmq_msg_gets(&msg, "User-Id"), "the-user");
    EXPECT_STREQ(zmq_msg_gets(&msg, "Role"), "ops");
    EXPECT_STREQ(zmq_msg_gets(&msg, "Socket-Type"), "DEALER");
    EXPECT_EQ(zmq_msg_gets(&msg, "No-Such"), nullptr);
    zmq_msg_close(&msg);
    ASSERT_EQ(zmq_send(server, "ho", 2, 0), 2);
    char reply[2];
    EXPECT_EQ(zmq_recv(client, reply, sizeof reply, 0), 2);

    const std::vector<std::string> expected = {"1.0", "1",     "global", "127.0.0.1",
                                               "SRV", "PLAIN", "admin",  "secret"};
    EXPECT_EQ(handler.last_request(), expected);
    EXPECT_EQ(get_int(server, ZMQ_MECHANISM), ZMQ_PLAIN);
    EXPECT_EQ(get_int(server, ZMQ_PLAIN_SERVER), 1);
    EXPECT_EQ(get_int(client, ZMQ_MECHANISM), ZMQ_PLAIN);
    EXPECT_EQ(get_int(client, ZMQ_PLAIN_SERVER), 0);
    EXPECT_EQ(get_text(client, ZMQ_PLAIN_USERNAME), "admin");
    EXPECT_EQ(get_text(server, ZMQ_ZAP_DOMAIN), "global");
    zmq_close(client);
    zmq_close(server);
}

TEST_F(CapiSecurity, WrongPasswordIsRefusedWithAuthEventsOnBothSides) {
    ZapHandler handler(context, "admin", "secret", false);
    void* server = make(ZMQ_DEALER);
    set_int(server, ZMQ_PLAIN_SERVER, 1);
    void* server_events = watch(server, "server");
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    void* client = make(ZMQ_DEALER);
    set_text(client, ZMQ_PLAIN_USERNAME, "admin");
    set_text(client, ZMQ_PLAIN_PASSWORD, "guess");
    void* client_events = watch(client, "client");
    ASSERT_EQ(zmq_connect(client, last_endpoint(server).c_str()), 0);

    EXPECT_EQ(next_event(server_events), std::make_pair(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400));
    EXPECT_EQ(next_event(client_events), std::make_pair(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400));
    // Refused: the client does not try again, so nothing more arrives.
    set_int(client_events, ZMQ_RCVTIMEO, 200);
    EXPECT_EQ(next_event(client_events).first, -1);
    EXPECT_EQ(handler.requests(), 1);
    zmq_close(client_events);
    zmq_close(server_events);
    zmq_close(client);
    zmq_close(server);
}

TEST_F(CapiSecurity, PlainServerWithoutZapHandlerRefusesEveryone) {
    void* server = make(ZMQ_DEALER);
    set_int(server, ZMQ_PLAIN_SERVER, 1);
    void* server_events = watch(server, "server");
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    void* client = make(ZMQ_DEALER);
    set_text(client, ZMQ_PLAIN_USERNAME, "admin");
    set_text(client, ZMQ_PLAIN_PASSWORD, "secret");
    ASSERT_EQ(zmq_connect(client, last_endpoint(server).c_str()), 0);
    EXPECT_EQ(next_event(server_events),
              std::make_pair(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, EFAULT));
    zmq_close(server_events);
    zmq_close(client);
    zmq_close(server);
}

TEST_F(CapiSecurity, NullPeerRefusedByZapDomainIsReportedAsAuthFailure) {
    ZapHandler handler(context, "", "", false);
    void* server = make(ZMQ_DEALER);
    set_text(server, ZMQ_ZAP_DOMAIN, "strict");
    void* server_events = watch(server, "server");
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    void* client = make(ZMQ_DEALER);
    ASSERT_EQ(zmq_connect(client, last_endpoint(server).c_str()), 0);
    EXPECT_EQ(next_event(server_events), std::make_pair(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400));
    // The REP handler sees no delimiter: version, id, domain, address, identity, mechanism.
    ASSERT_EQ(handler.last_request().size(), 6u);
    EXPECT_EQ(handler.last_request()[5], "NULL");
    EXPECT_EQ(handler.last_request()[2], "strict");
    zmq_close(server_events);
    zmq_close(client);
    zmq_close(server);
}

TEST_F(CapiSecurity, NullPeerApprovedByZapCarriesUserId) {
    ZapHandler handler(context, "", "", true);
    void* server = make(ZMQ_DEALER);
    set_text(server, ZMQ_ZAP_DOMAIN, "open");
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    void* client = make(ZMQ_DEALER);
    ASSERT_EQ(zmq_connect(client, last_endpoint(server).c_str()), 0);
    ASSERT_EQ(zmq_send(client, "x", 1, 0), 1);
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    ASSERT_EQ(zmq_msg_recv(&msg, server, 0), 1) << zmq_strerror(zmq_errno());
    EXPECT_STREQ(zmq_msg_gets(&msg, "User-Id"), "the-user");
    EXPECT_STREQ(zmq_msg_gets(&msg, "Role"), "ops");
    zmq_msg_close(&msg);
    EXPECT_EQ(get_int(server, ZMQ_MECHANISM), ZMQ_NULL);
    zmq_close(client);
    zmq_close(server);
}

TEST_F(CapiSecurity, SecurityOptionsValidateLikeLibzmq) {
    void* socket = make(ZMQ_DEALER);
    const std::string too_long(256, 'x');
    EXPECT_EQ(zmq_setsockopt(socket, ZMQ_PLAIN_USERNAME, too_long.data(), too_long.size()), -1);
    EXPECT_EQ(zmq_errno(), EINVAL);
    int two = 2;
    EXPECT_EQ(zmq_setsockopt(socket, ZMQ_PLAIN_SERVER, &two, sizeof two), -1);
    set_text(socket, ZMQ_PLAIN_PASSWORD, "pw");
    EXPECT_EQ(get_int(socket, ZMQ_MECHANISM), ZMQ_PLAIN);
    // (null, 0) switches PLAIN off again.
    ASSERT_EQ(zmq_setsockopt(socket, ZMQ_PLAIN_USERNAME, nullptr, 0), 0);
    EXPECT_EQ(get_int(socket, ZMQ_MECHANISM), ZMQ_NULL);
    EXPECT_EQ(get_text(socket, ZMQ_ZAP_DOMAIN), "");
    zmq_close(socket);
}

}  // namespace
