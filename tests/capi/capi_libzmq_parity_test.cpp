// Behaviours libzmq's own tests rely on: *when* things happen (a probe at the handshake,
// subscriptions at an inproc bind, a refusal at a message's first frame), which
// connection events a monitor sees, and how options read back. Each was a failing
// libzmq conformance test.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "capi_test_support.hpp"
#include "zmq.h"

namespace {

using namespace capi_test;

bool rcvmore(void* socket) {
    int more = 0;
    size_t size = sizeof more;
    EXPECT_EQ(zmq_getsockopt(socket, ZMQ_RCVMORE, &more, &size), 0);
    return more != 0;
}

// One monitor event (number only), or -1 when none came before the watchdog.
int next_event(void* watcher) {
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, watcher, 0) < 0) {
        zmq_msg_close(&msg);
        return -1;
    }
    uint16_t event = 0;
    std::memcpy(&event, zmq_msg_data(&msg), sizeof event);
    EXPECT_TRUE(zmq_msg_more(&msg));
    zmq_msg_recv(&msg, watcher, 0);  // the endpoint
    zmq_msg_close(&msg);
    return event;
}

class CapiLibzmqParity : public capi_test::ContextTest<> {
protected:
    // A PAIR socket that receives `socket`'s monitor events.
    void* watch(void* socket, const char* name, int events) {
        EXPECT_EQ(zmq_socket_monitor(socket, name, events), 0);
        void* watcher = make(ZMQ_PAIR);
        EXPECT_EQ(zmq_connect(watcher, name), 0);
        return watcher;
    }
};

TEST_F(CapiLibzmqParity, ConnectingRouterProbesAtTheHandshakeWithoutBeingCalledAgain) {
    void* server = make(ZMQ_ROUTER);
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    void* client = make(ZMQ_ROUTER);
    ASSERT_EQ(zmq_setsockopt(client, ZMQ_ROUTING_ID, "X", 1), 0);
    set_int(client, ZMQ_PROBE_ROUTER, 1);
    ASSERT_EQ(zmq_connect(client, last_endpoint(server).c_str()), 0);
    // The client is not touched again until the probe has arrived: the I/O thread sends it.
    EXPECT_EQ(recv_string(server), "X");
    ASSERT_TRUE(rcvmore(server));
    EXPECT_EQ(recv_string(server), "");
    EXPECT_FALSE(rcvmore(server));
    zmq_close(client);
    zmq_close(server);
}

TEST_F(CapiLibzmqParity, InprocBindSubscribesTheEarlyPublisherBeforeReturning) {
    void* pub = make(ZMQ_PUB);
    ASSERT_EQ(zmq_connect(pub, "inproc://early-publisher"), 0);
    void* sub = make(ZMQ_SUB);
    ASSERT_EQ(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0), 0);
    ASSERT_EQ(zmq_bind(sub, "inproc://early-publisher"), 0);
    // No wait, and the SUB is not called between its bind and this send: the
    // subscription went into the pipe during bind.
    ASSERT_EQ(send_string(pub, "after"), 5);
    EXPECT_EQ(recv_string(sub), "after");
    zmq_close(pub);
    zmq_close(sub);
}

TEST_F(CapiLibzmqParity, InprocConnectSubscribesBeforeReturning) {
    void* xpub = make(ZMQ_XPUB);
    ASSERT_EQ(zmq_bind(xpub, "inproc://connect-subscribes"), 0);
    void* sub = make(ZMQ_SUB);
    ASSERT_EQ(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "foo", 3), 0);
    ASSERT_EQ(zmq_connect(sub, "inproc://connect-subscribes"), 0);
    ASSERT_EQ(send_string(xpub, "foo"), 3);
    EXPECT_EQ(recv_string(sub), "foo");
    EXPECT_EQ(recv_string(xpub), std::string("\x01"
                                             "foo",
                                             4));
    zmq_close(xpub);
    zmq_close(sub);
}

TEST_F(CapiLibzmqParity, MonitorSeesNoDisconnectForConnectionsTheSocketClosesItself) {
    void* server = make(ZMQ_DEALER);
    void* client = make(ZMQ_DEALER);
    void* client_events = watch(client, "inproc://monitor-own-close", ZMQ_EVENT_ALL);
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    ASSERT_EQ(zmq_connect(client, last_endpoint(server).c_str()), 0);
    ASSERT_EQ(send_string(client, "ping"), 4);
    ASSERT_EQ(recv_string(server), "ping");
    zmq_close(client);
    // Everything up to MONITOR_STOPPED, the monitor's last word.
    std::vector<int> events;
    for (int i = 0; i < 16; ++i) {
        const int event = next_event(client_events);
        ASSERT_NE(event, -1) << "no MONITOR_STOPPED";
        events.push_back(event);
        if (event == ZMQ_EVENT_MONITOR_STOPPED) break;
    }
    EXPECT_EQ(events.back(), ZMQ_EVENT_MONITOR_STOPPED);
    for (int event : events) {
        EXPECT_NE(event, ZMQ_EVENT_DISCONNECTED);
        EXPECT_NE(event, ZMQ_EVENT_CONNECT_RETRIED);
    }
    zmq_close(client_events);
    zmq_close(server);
}

TEST_F(CapiLibzmqParity, MonitorSeesDisconnectThenRetryWhenThePeerGoes) {
    void* server = make(ZMQ_DEALER);
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    void* client = make(ZMQ_DEALER);
    void* client_events =
        watch(client, "inproc://monitor-peer-close",
              ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CONNECT_RETRIED);
    ASSERT_EQ(zmq_connect(client, last_endpoint(server).c_str()), 0);
    EXPECT_EQ(next_event(client_events), ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    zmq_close(server);
    EXPECT_EQ(next_event(client_events), ZMQ_EVENT_DISCONNECTED);
    EXPECT_EQ(next_event(client_events), ZMQ_EVENT_CONNECT_RETRIED);
    zmq_close(client);
    zmq_close(client_events);
}

TEST_F(CapiLibzmqParity, FirstFrameWithoutAPeerIsRefusedSoNoFrameIsHeldBack) {
    void* a = make(ZMQ_PAIR);
    void* b = make(ZMQ_PAIR);
    // No peer yet: the first frame of a multipart message would block, so it fails
    // rather than being kept for a message that cannot be sent.
    EXPECT_EQ(send_string(b, "lost", ZMQ_SNDMORE | ZMQ_DONTWAIT), -1);
    EXPECT_EQ(zmq_errno(), EAGAIN);
    ASSERT_EQ(zmq_bind(a, "inproc://first-frame"), 0);
    ASSERT_EQ(zmq_connect(b, "inproc://first-frame"), 0);
    ASSERT_EQ(send_string(b, "one", ZMQ_SNDMORE), 3);
    ASSERT_EQ(send_string(b, "two"), 3);
    EXPECT_EQ(recv_string(a), "one");
    ASSERT_TRUE(rcvmore(a));
    EXPECT_EQ(recv_string(a), "two");
    EXPECT_FALSE(rcvmore(a));
    zmq_close(a);
    zmq_close(b);
}

TEST_F(CapiLibzmqParity, RouterMandatoryRefusesAtTheFirstFrameAndTakesTheRest) {
    void* router = make(ZMQ_ROUTER);
    set_int(router, ZMQ_ROUTER_MANDATORY, 1);
    set_int(router, ZMQ_SNDHWM, 1);
    ASSERT_EQ(zmq_bind(router, "tcp://127.0.0.1:*"), 0);
    void* dealer = make(ZMQ_DEALER);
    ASSERT_EQ(zmq_setsockopt(dealer, ZMQ_ROUTING_ID, "X", 1), 0);
    set_int(dealer, ZMQ_RCVHWM, 1);
    ASSERT_EQ(zmq_connect(dealer, last_endpoint(router).c_str()), 0);
    ASSERT_EQ(send_string(dealer, "hello"), 5);
    ASSERT_EQ(recv_string(router), "X");
    ASSERT_EQ(recv_string(router), "hello");
    // The dealer never reads: sooner or later the router's pipe is full, and then the
    // routing id frame is refused, never the body after an accepted one.
    const std::vector<char> body(64 * 1024, 0);
    int sent = 0;
    const int limit = 100000;
    for (; sent < limit; ++sent) {
        if (send_string(router, "X", ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1) {
            EXPECT_EQ(zmq_errno(), EAGAIN);
            break;
        }
        ASSERT_EQ(zmq_send(router, body.data(), body.size(), ZMQ_DONTWAIT),
                  static_cast<int>(body.size()))
            << "message " << sent << ": " << zmq_strerror(zmq_errno());
    }
    EXPECT_LT(sent, limit);
    zmq_close(dealer);
    zmq_close(router);
}

TEST_F(CapiLibzmqParity, HeartbeatTtlReadsBackInWholeDeciseconds) {
    void* socket = make(ZMQ_PAIR);
    int value = 0;
    size_t size = sizeof value;
    set_int(socket, ZMQ_HEARTBEAT_TTL, 6553599);  // the largest the wire can carry
    ASSERT_EQ(zmq_getsockopt(socket, ZMQ_HEARTBEAT_TTL, &value, &size), 0);
    EXPECT_EQ(value, 6553500);
    set_int(socket, ZMQ_HEARTBEAT_TTL, 99);
    ASSERT_EQ(zmq_getsockopt(socket, ZMQ_HEARTBEAT_TTL, &value, &size), 0);
    EXPECT_EQ(value, 0);
    zmq_close(socket);
}

}  // namespace
