// Sockets through the C API (Sculpin's libzmq.so.5): contexts, options, multipart
// messages, properties, polling, monitors, proxies and errors, as a C caller sees them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>

#include "capi_test_support.hpp"
#include "zmq.h"

namespace {

using namespace capi_test;

class CapiSockets : public capi_test::ContextTest<> {
protected:
};

TEST_F(CapiSockets, MultipartOverInprocKeepsFramesAndRcvmore) {
    void* a = make(ZMQ_PAIR);
    void* b = make(ZMQ_PAIR);
    ASSERT_EQ(zmq_bind(a, "inproc://multipart"), 0);
    ASSERT_EQ(zmq_connect(b, "inproc://multipart"), 0);
    ASSERT_EQ(send_string(b, "one", ZMQ_SNDMORE), 3);
    ASSERT_EQ(send_string(b, "", ZMQ_SNDMORE), 0);
    ASSERT_EQ(send_string(b, "three"), 5);

    int more = -1;
    size_t size = sizeof more;
    EXPECT_EQ(recv_string(a), "one");
    ASSERT_EQ(zmq_getsockopt(a, ZMQ_RCVMORE, &more, &size), 0);
    EXPECT_EQ(more, 1);
    EXPECT_EQ(recv_string(a), "");
    // A short buffer truncates, and the result still says how long the frame was.
    char two[2];
    EXPECT_EQ(zmq_recv(a, two, sizeof two, 0), 5);
    EXPECT_EQ(std::string(two, 2), "th");
    ASSERT_EQ(zmq_getsockopt(a, ZMQ_RCVMORE, &more, &size), 0);
    EXPECT_EQ(more, 0);
    EXPECT_EQ(zmq_close(a), 0);
    EXPECT_EQ(zmq_close(b), 0);
}

TEST_F(CapiSockets, ReqRepOverTcpReportsPeerProperties) {
    void* rep = make(ZMQ_REP);
    void* req = make(ZMQ_REQ);
    ASSERT_EQ(zmq_bind(rep, "tcp://127.0.0.1:*"), 0);
    const std::string endpoint = last_endpoint(rep);
    EXPECT_EQ(endpoint.rfind("tcp://127.0.0.1:", 0), 0u) << endpoint;
    ASSERT_EQ(zmq_connect(req, endpoint.c_str()), 0);

    ASSERT_EQ(send_string(req, "Hello"), 5);
    zmq_msg_t request;
    zmq_msg_init(&request);
    ASSERT_EQ(zmq_msg_recv(&request, rep, 0), 5);
    EXPECT_EQ(std::string(static_cast<char*>(zmq_msg_data(&request)), zmq_msg_size(&request)),
              "Hello");
    EXPECT_EQ(zmq_msg_more(&request), 0);
    ASSERT_NE(zmq_msg_gets(&request, "Socket-Type"), nullptr);
    EXPECT_STREQ(zmq_msg_gets(&request, "Socket-Type"), "REQ");
    ASSERT_NE(zmq_msg_gets(&request, "Peer-Address"), nullptr);
    EXPECT_STREQ(zmq_msg_gets(&request, "Peer-Address"), "127.0.0.1");
    EXPECT_EQ(zmq_msg_gets(&request, "No-Such-Property"), nullptr);
    EXPECT_EQ(zmq_errno(), EINVAL);
    zmq_msg_close(&request);

    // REQ may not send twice in a row: EFSM, reported through errno.
    EXPECT_EQ(send_string(req, "again"), -1);
    EXPECT_EQ(zmq_errno(), EFSM);
    EXPECT_STREQ(zmq_strerror(EFSM), "Operation cannot be accomplished in current state");

    ASSERT_EQ(send_string(rep, "World"), 5);
    EXPECT_EQ(recv_string(req), "World");
    zmq_close(req);
    zmq_close(rep);
}

TEST_F(CapiSockets, PollWatchesSocketsAndPlainFileDescriptors) {
    void* pull = make(ZMQ_PULL);
    void* push = make(ZMQ_PUSH);
    ASSERT_EQ(zmq_bind(pull, "inproc://poll"), 0);
    ASSERT_EQ(zmq_connect(push, "inproc://poll"), 0);
    int pipe_fds[2];
    ASSERT_EQ(pipe(pipe_fds), 0);

    zmq_pollitem_t items[] = {{pull, 0, ZMQ_POLLIN, 0}, {nullptr, pipe_fds[0], ZMQ_POLLIN, 0}};
    EXPECT_EQ(zmq_poll(items, 2, 0), 0);

    ASSERT_EQ(write(pipe_fds[1], "x", 1), 1);
    EXPECT_EQ(zmq_poll(items, 2, kWatchdogMs), 1);
    EXPECT_EQ(items[0].revents, 0);
    EXPECT_EQ(items[1].revents, ZMQ_POLLIN);

    ASSERT_EQ(send_string(push, "a", ZMQ_SNDMORE), 1);
    ASSERT_EQ(send_string(push, "b"), 1);
    EXPECT_EQ(zmq_poll(items, 1, kWatchdogMs), 1);
    EXPECT_EQ(items[0].revents, ZMQ_POLLIN);
    // The rest of a multipart message is readable too, though the engine has handed it
    // over already.
    EXPECT_EQ(recv_string(pull), "a");
    EXPECT_EQ(zmq_poll(items, 1, 0), 1);
    int events = 0;
    size_t size = sizeof events;
    ASSERT_EQ(zmq_getsockopt(pull, ZMQ_EVENTS, &events, &size), 0);
    EXPECT_EQ(events & ZMQ_POLLIN, ZMQ_POLLIN);
    EXPECT_EQ(recv_string(pull), "b");
    EXPECT_EQ(zmq_poll(items, 1, 0), 0);

    int fd = -1;
    size = sizeof fd;
    ASSERT_EQ(zmq_getsockopt(pull, ZMQ_FD, &fd, &size), 0);
    EXPECT_GE(fd, 0);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    zmq_close(push);
    zmq_close(pull);
}

TEST_F(CapiSockets, MonitorPublishesLibzmqsTwoFrameEvents) {
    void* server = make(ZMQ_DEALER);
    void* client = make(ZMQ_DEALER);
    ASSERT_EQ(zmq_socket_monitor(client, "tcp://127.0.0.1:9", ZMQ_EVENT_ALL), -1);
    EXPECT_EQ(zmq_errno(), EPROTONOSUPPORT);
    ASSERT_EQ(zmq_socket_monitor(client, "inproc://monitor-client", ZMQ_EVENT_ALL), 0);
    void* watcher = make(ZMQ_PAIR);
    ASSERT_EQ(zmq_connect(watcher, "inproc://monitor-client"), 0);

    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    ASSERT_EQ(zmq_connect(client, last_endpoint(server).c_str()), 0);

    // Read events until CONNECTED (CONNECT_DELAYED may come first).
    int event = 0;
    for (int i = 0; i < 10 && event != ZMQ_EVENT_CONNECTED; ++i) {
        zmq_msg_t head;
        zmq_msg_init(&head);
        ASSERT_EQ(zmq_msg_recv(&head, watcher, 0), 6);
        ASSERT_EQ(zmq_msg_more(&head), 1);
        uint16_t number = 0;
        std::memcpy(&number, zmq_msg_data(&head), sizeof number);
        event = number;
        zmq_msg_close(&head);
        const std::string endpoint = recv_string(watcher);
        EXPECT_EQ(endpoint, last_endpoint(server));
    }
    EXPECT_EQ(event, ZMQ_EVENT_CONNECTED);

    // Stopping the monitor announces it.
    ASSERT_EQ(zmq_socket_monitor(client, nullptr, 0), 0);
    int last = 0;
    for (int i = 0; i < 20 && last != ZMQ_EVENT_MONITOR_STOPPED; ++i) {
        char head[6];
        ASSERT_EQ(zmq_recv(watcher, head, sizeof head, 0), 6);
        uint16_t number = 0;
        std::memcpy(&number, head, sizeof number);
        last = number;
        recv_string(watcher);
    }
    EXPECT_EQ(last, ZMQ_EVENT_MONITOR_STOPPED);
    zmq_close(watcher);
    zmq_close(client);
    zmq_close(server);
}

TEST_F(CapiSockets, SteerableProxyForwardsUntilTerminate) {
    void* frontend = make(ZMQ_PULL);
    void* backend = make(ZMQ_PUSH);
    void* control = make(ZMQ_PAIR);
    ASSERT_EQ(zmq_bind(frontend, "inproc://proxy-in"), 0);
    ASSERT_EQ(zmq_bind(backend, "inproc://proxy-out"), 0);
    ASSERT_EQ(zmq_bind(control, "inproc://proxy-control"), 0);
    int proxy_rc = -2;
    std::thread proxy([&] { proxy_rc = zmq_proxy_steerable(frontend, backend, nullptr, control); });

    void* producer = make(ZMQ_PUSH);
    void* consumer = make(ZMQ_PULL);
    void* steer = make(ZMQ_PAIR);
    ASSERT_EQ(zmq_connect(producer, "inproc://proxy-in"), 0);
    ASSERT_EQ(zmq_connect(consumer, "inproc://proxy-out"), 0);
    ASSERT_EQ(zmq_connect(steer, "inproc://proxy-control"), 0);
    ASSERT_EQ(send_string(producer, "through"), 7);
    EXPECT_EQ(recv_string(consumer), "through");
    ASSERT_EQ(send_string(steer, "TERMINATE"), 9);
    proxy.join();
    EXPECT_EQ(proxy_rc, 0);
    for (void* socket : {frontend, backend, control, producer, consumer, steer}) zmq_close(socket);
}

TEST(CapiContext, TermUnblocksAReceiverWithEterm) {
    void* context = zmq_ctx_new();
    void* socket = zmq_socket(context, ZMQ_PULL);
    ASSERT_NE(socket, nullptr);
    int recv_errno = 0;
    std::thread receiver([&] {
        char buffer[8];
        if (zmq_recv(socket, buffer, sizeof buffer, 0) < 0) recv_errno = zmq_errno();
        zmq_close(socket);
    });
    // zmq_ctx_term returns only after the receiver saw ETERM and closed its socket.
    EXPECT_EQ(zmq_ctx_term(context), 0);
    receiver.join();
    EXPECT_EQ(recv_errno, ETERM);
}

TEST(CapiContext, OptionsAndLimits) {
    void* context = zmq_ctx_new();
    EXPECT_EQ(zmq_ctx_get(context, ZMQ_IO_THREADS), ZMQ_IO_THREADS_DFLT);
    EXPECT_EQ(zmq_ctx_get(context, ZMQ_MAX_SOCKETS), ZMQ_MAX_SOCKETS_DFLT);
    EXPECT_EQ(zmq_ctx_get(context, ZMQ_MSG_T_SIZE), 64);
    EXPECT_EQ(zmq_ctx_set(context, ZMQ_MAX_SOCKETS, 1), 0);
    void* first = zmq_socket(context, ZMQ_PAIR);
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(zmq_socket(context, ZMQ_PAIR), nullptr);
    EXPECT_EQ(zmq_errno(), EMFILE);
    EXPECT_EQ(zmq_ctx_set(context, 9999, 1), -1);
    EXPECT_EQ(zmq_errno(), EINVAL);
    EXPECT_EQ(zmq_close(first), 0);
    EXPECT_EQ(zmq_ctx_shutdown(context), 0);
    EXPECT_EQ(zmq_socket(context, ZMQ_PAIR), nullptr);
    EXPECT_EQ(zmq_errno(), ETERM);
    EXPECT_EQ(zmq_ctx_term(context), 0);
}

TEST(CapiErrors, BadHandlesFailWithErrnoNotExceptions) {
    EXPECT_EQ(zmq_close(nullptr), -1);
    EXPECT_EQ(zmq_errno(), ENOTSOCK);
    EXPECT_EQ(zmq_send(nullptr, "x", 1, 0), -1);
    EXPECT_EQ(zmq_errno(), ENOTSOCK);
    EXPECT_EQ(zmq_socket(nullptr, ZMQ_PAIR), nullptr);
    EXPECT_EQ(zmq_errno(), EFAULT);
    void* context = zmq_ctx_new();
    EXPECT_EQ(zmq_socket(context, 99), nullptr);
    EXPECT_EQ(zmq_errno(), EINVAL);
    void* socket = zmq_socket(context, ZMQ_PUSH);
    EXPECT_EQ(zmq_bind(socket, "nonsense"), -1);
    EXPECT_NE(zmq_errno(), 0);
    EXPECT_EQ(zmq_setsockopt(socket, 123456, "x", 1), -1);
    EXPECT_EQ(zmq_errno(), EINVAL);
    EXPECT_EQ(zmq_close(socket), 0);
    EXPECT_EQ(zmq_ctx_term(context), 0);
}

}  // namespace
