// Options of real OS sockets through the C API: ZMQ_TOS, ZMQ_BINDTODEVICE, ZMQ_USE_FD,
// tcp://source;destination, ZMQ_TCP_ACCEPT_FILTER, ZMQ_IPC_FILTER_*, ZMQ_SRCFD, and the
// HWM and ipc-path behaviour libzmq's tests rely on.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "capi_test_support.hpp"
#include "zmq.h"

namespace {

using namespace capi_test;

// The port of a bound-then-closed socket: free for the test to use as a source port.
int free_tcp_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

class CapiOsOptions : public capi_test::ContextTest<> {
protected:
    CapiOsOptions() : ContextTest(true) {}
    // Receives one message on `socket` and returns its ZMQ_SRCFD.
    int recv_source_fd(void* socket, const std::string& expected) {
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        EXPECT_EQ(zmq_msg_recv(&msg, socket, 0), static_cast<int>(expected.size()));
        EXPECT_EQ(std::string(static_cast<char*>(zmq_msg_data(&msg)), zmq_msg_size(&msg)),
                  expected);
        const int fd = zmq_msg_get(&msg, ZMQ_SRCFD);
        zmq_msg_close(&msg);
        return fd;
    }
    // Waits (bounded by the watchdog) for one monitor event number from `watcher`.
    int next_event(void* watcher) {
        char head[6];
        if (zmq_recv(watcher, head, sizeof head, 0) != 6) return -1;
        uint16_t number = 0;
        std::memcpy(&number, head, sizeof number);
        recv_string(watcher);  // the endpoint frame
        return number;
    }
};

TEST_F(CapiOsOptions, SrcfdNamesTheTcpConnectionAndTosReachesIt) {
    void* server = make(ZMQ_PULL);
    void* client = make(ZMQ_PUSH);
    set_int(server, ZMQ_TOS, 0x28);
    int tos = 0;
    size_t size = sizeof tos;
    ASSERT_EQ(zmq_getsockopt(server, ZMQ_TOS, &tos, &size), 0);
    EXPECT_EQ(tos, 0x28);
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    ASSERT_EQ(zmq_connect(client, last_endpoint(server).c_str()), 0);
    ASSERT_EQ(zmq_send(client, "hi", 2, 0), 2);
    const int fd = recv_source_fd(server, "hi");
    ASSERT_GE(fd, 0);
    sockaddr_in peer{};
    socklen_t length = sizeof peer;
    ASSERT_EQ(getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length), 0);
    EXPECT_EQ(peer.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    // The accepted connection carries the listener's TOS.
    int kernel_tos = 0;
    length = sizeof kernel_tos;
    ASSERT_EQ(getsockopt(fd, IPPROTO_IP, IP_TOS, &kernel_tos, &length), 0);
    EXPECT_EQ(kernel_tos, 0x28);
    zmq_close(client);
    zmq_close(server);
}

TEST_F(CapiOsOptions, SrcfdIsMinusOneForInproc) {
    void* server = make(ZMQ_PULL);
    void* client = make(ZMQ_PUSH);
    ASSERT_EQ(zmq_bind(server, "inproc://srcfd"), 0);
    ASSERT_EQ(zmq_connect(client, "inproc://srcfd"), 0);
    ASSERT_EQ(zmq_send(client, "x", 1, 0), 1);
    EXPECT_EQ(recv_source_fd(server, "x"), -1);
    zmq_close(client);
    zmq_close(server);
}

TEST_F(CapiOsOptions, BindToDeviceIsAStringOption) {
    void* socket = make(ZMQ_PUSH);
    char name[32];
    size_t size = sizeof name;
    ASSERT_EQ(zmq_getsockopt(socket, ZMQ_BINDTODEVICE, name, &size), 0);
    EXPECT_EQ(size, 1u);
    EXPECT_EQ(name[0], '\0');
    ASSERT_EQ(zmq_setsockopt(socket, ZMQ_BINDTODEVICE, "lo", 2), 0);
    size = sizeof name;
    ASSERT_EQ(zmq_getsockopt(socket, ZMQ_BINDTODEVICE, name, &size), 0);
    EXPECT_EQ(size, 3u);
    EXPECT_STREQ(name, "lo");
    EXPECT_EQ(zmq_setsockopt(socket, ZMQ_BINDTODEVICE, "a-name-longer-than-16", 21), -1);
    EXPECT_EQ(zmq_errno(), EINVAL);
    // A device the kernel does not have (or may not be used): the bind fails, as in libzmq.
    ASSERT_EQ(zmq_setsockopt(socket, ZMQ_BINDTODEVICE, "sculpin-none0", 13), 0);
    EXPECT_EQ(zmq_bind(socket, "tcp://127.0.0.1:*"), -1);
    zmq_close(socket);
}

TEST_F(CapiOsOptions, UseFdListensOnTheApplicationsSocket) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
    ASSERT_EQ(::listen(fd, 8), 0);
    ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
    const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(ntohs(address.sin_port));

    void* server = make(ZMQ_PULL);
    int use_fd = 0;
    size_t size = sizeof use_fd;
    ASSERT_EQ(zmq_getsockopt(server, ZMQ_USE_FD, &use_fd, &size), 0);
    EXPECT_EQ(use_fd, -1);
    set_int(server, ZMQ_USE_FD, fd);
    ASSERT_EQ(zmq_bind(server, endpoint.c_str()), 0);
    EXPECT_EQ(last_endpoint(server), endpoint);
    void* client = make(ZMQ_PUSH);
    ASSERT_EQ(zmq_connect(client, endpoint.c_str()), 0);
    ASSERT_EQ(zmq_send(client, "via fd", 6, 0), 6);
    EXPECT_EQ(recv_string(server), "via fd");
    zmq_close(client);
    zmq_close(server);
}

TEST_F(CapiOsOptions, UseFdRefusesAnFdThatDoesNotListen) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    void* server = make(ZMQ_PULL);
    set_int(server, ZMQ_USE_FD, fd);
    EXPECT_EQ(zmq_bind(server, "tcp://127.0.0.1:5999"), -1);
    zmq_close(server);
    ::close(fd);
}

TEST_F(CapiOsOptions, SourceAddressBindsTheOutgoingSocket) {
    void* server = make(ZMQ_PULL);
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    const std::string destination = last_endpoint(server).substr(std::strlen("tcp://"));
    const int source_port = free_tcp_port();
    const std::string endpoint =
        "tcp://127.0.0.1:" + std::to_string(source_port) + ";" + destination;
    void* client = make(ZMQ_PUSH);
    ASSERT_EQ(zmq_connect(client, endpoint.c_str()), 0);
    ASSERT_EQ(zmq_send(client, "from", 4, 0), 4);
    const int fd = recv_source_fd(server, "from");
    ASSERT_GE(fd, 0);
    sockaddr_in peer{};
    socklen_t length = sizeof peer;
    ASSERT_EQ(getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length), 0);
    EXPECT_EQ(ntohs(peer.sin_port), source_port);
    // The full text names the connection for disconnect.
    EXPECT_EQ(zmq_disconnect(client, endpoint.c_str()), 0);
    zmq_close(client);
    zmq_close(server);
}

TEST_F(CapiOsOptions, SourceMayBeAnInterfaceName) {
    void* server = make(ZMQ_PULL);
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    const std::string endpoint = "tcp://lo:0;" + last_endpoint(server).substr(6);
    void* client = make(ZMQ_PUSH);
    ASSERT_EQ(zmq_connect(client, endpoint.c_str()), 0);
    ASSERT_EQ(zmq_send(client, "lo", 2, 0), 2);
    EXPECT_EQ(recv_string(server), "lo");
    zmq_close(client);
    zmq_close(server);
}

TEST_F(CapiOsOptions, TcpAcceptFilterRefusesOthersAndAcceptsItsOwn) {
    void* server = make(ZMQ_PULL);
    for (const char* bad : {"foo", "0.0.0.0/33", "0.0.0.0/"}) {
        EXPECT_EQ(zmq_setsockopt(server, ZMQ_TCP_ACCEPT_FILTER, bad, std::strlen(bad)), -1);
        EXPECT_EQ(zmq_errno(), EINVAL);
    }
    const char* other = "127.0.0.255/32";
    ASSERT_EQ(zmq_setsockopt(server, ZMQ_TCP_ACCEPT_FILTER, other, std::strlen(other)), 0);
    ASSERT_EQ(zmq_socket_monitor(server, "inproc://filter-monitor", ZMQ_EVENT_ACCEPT_FAILED), 0);
    void* watcher = make(ZMQ_PAIR);
    ASSERT_EQ(zmq_connect(watcher, "inproc://filter-monitor"), 0);
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    void* client = make(ZMQ_PUSH);
    ASSERT_EQ(zmq_connect(client, last_endpoint(server).c_str()), 0);
    EXPECT_EQ(next_event(watcher), ZMQ_EVENT_ACCEPT_FAILED);
    zmq_close(client);
    zmq_socket_monitor(server, nullptr, 0);
    zmq_close(watcher);
    zmq_close(server);

    // Cleared, then a filter that matches the loopback peer: messages flow.
    void* open_server = make(ZMQ_PULL);
    ASSERT_EQ(zmq_setsockopt(open_server, ZMQ_TCP_ACCEPT_FILTER, other, std::strlen(other)), 0);
    ASSERT_EQ(zmq_setsockopt(open_server, ZMQ_TCP_ACCEPT_FILTER, nullptr, 0), 0);
    const char* own = "127.0.0.0/8";
    ASSERT_EQ(zmq_setsockopt(open_server, ZMQ_TCP_ACCEPT_FILTER, own, std::strlen(own)), 0);
    ASSERT_EQ(zmq_bind(open_server, "tcp://127.0.0.1:*"), 0);
    void* allowed = make(ZMQ_PUSH);
    ASSERT_EQ(zmq_connect(allowed, last_endpoint(open_server).c_str()), 0);
    ASSERT_EQ(zmq_send(allowed, "in", 2, 0), 2);
    EXPECT_EQ(recv_string(open_server), "in");
    zmq_close(allowed);
    zmq_close(open_server);
}

TEST_F(CapiOsOptions, IpcFiltersCheckThePeerProcess) {
    const std::string path = "ipc:///tmp/sculpin-ipc-filter-" + std::to_string(getpid());
    // Another user only: refused.
    void* server = make(ZMQ_PULL);
    const uid_t other_uid = getuid() + 1;
    ASSERT_EQ(zmq_setsockopt(server, ZMQ_IPC_FILTER_UID, &other_uid, sizeof other_uid), 0);
    EXPECT_EQ(zmq_setsockopt(server, ZMQ_IPC_FILTER_UID, &other_uid, 2), -1);  // wrong size
    ASSERT_EQ(zmq_socket_monitor(server, "inproc://ipc-monitor", ZMQ_EVENT_ACCEPT_FAILED), 0);
    void* watcher = make(ZMQ_PAIR);
    ASSERT_EQ(zmq_connect(watcher, "inproc://ipc-monitor"), 0);
    ASSERT_EQ(zmq_bind(server, path.c_str()), 0);
    void* client = make(ZMQ_PUSH);
    ASSERT_EQ(zmq_connect(client, path.c_str()), 0);
    EXPECT_EQ(next_event(watcher), ZMQ_EVENT_ACCEPT_FAILED);
    zmq_close(client);
    zmq_socket_monitor(server, nullptr, 0);
    zmq_close(watcher);
    zmq_close(server);

    // Our own pid: accepted. (The path is free again at once: closing removed it.)
    void* own = make(ZMQ_PULL);
    const pid_t pid = getpid();
    ASSERT_EQ(zmq_setsockopt(own, ZMQ_IPC_FILTER_PID, &pid, sizeof pid), 0);
    ASSERT_EQ(zmq_bind(own, path.c_str()), 0);
    void* friendly = make(ZMQ_PUSH);
    ASSERT_EQ(zmq_connect(friendly, path.c_str()), 0);
    ASSERT_EQ(zmq_send(friendly, "me", 2, 0), 2);
    EXPECT_EQ(recv_string(own), "me");
    zmq_close(friendly);
    zmq_close(own);
}

TEST_F(CapiOsOptions, ClosedIpcListenersPathCanBeBoundAtOnce) {
    const std::string path = "ipc:///tmp/sculpin-rebind-" + std::to_string(getpid());
    void* first = make(ZMQ_PUSH);
    ASSERT_EQ(zmq_bind(first, path.c_str()), 0);
    void* puller = make(ZMQ_PULL);
    ASSERT_EQ(zmq_connect(puller, path.c_str()), 0);
    ASSERT_EQ(zmq_send(first, "1", 1, 0), 1);
    EXPECT_EQ(recv_string(puller), "1");
    zmq_close(first);
    void* second = make(ZMQ_PUSH);
    ASSERT_EQ(zmq_bind(second, path.c_str()), 0) << zmq_strerror(zmq_errno());
    ASSERT_EQ(zmq_send(second, "2", 1, 0), 1);
    EXPECT_EQ(recv_string(puller), "2");
    EXPECT_EQ(zmq_unbind(second, path.c_str()), 0);
    void* third = make(ZMQ_PUSH);
    EXPECT_EQ(zmq_bind(third, path.c_str()), 0) << zmq_strerror(zmq_errno());
    zmq_close(third);
    zmq_close(second);
    zmq_close(puller);
}

int send_until_full(void* socket) {
    int sent = 0;
    while (sent < 10000 && zmq_send(socket, nullptr, 0, ZMQ_DONTWAIT) == 0) ++sent;
    return sent;
}

TEST_F(CapiOsOptions, InprocConnectBeforeBindTakesBothHwmsAtTheBind) {
    void* pusher = make(ZMQ_PUSH);
    set_int(pusher, ZMQ_SNDHWM, 3);
    ASSERT_EQ(zmq_connect(pusher, "inproc://late-bind"), 0);
    void* puller = make(ZMQ_PULL);
    set_int(puller, ZMQ_RCVHWM, 4);
    ASSERT_EQ(zmq_bind(puller, "inproc://late-bind"), 0);
    EXPECT_EQ(send_until_full(pusher), 3 + 4);
    zmq_close(pusher);
    zmq_close(puller);
}

TEST_F(CapiOsOptions, InprocConnectAloneQueuesItsOwnSndhwm) {
    void* pusher = make(ZMQ_PUSH);
    set_int(pusher, ZMQ_SNDHWM, 2);
    ASSERT_EQ(zmq_connect(pusher, "inproc://nobody-yet"), 0);
    EXPECT_EQ(send_until_full(pusher), 2);
    zmq_close(pusher);
}

TEST_F(CapiOsOptions, NewSndhwmResizesExistingPipes) {
    void* pusher = make(ZMQ_PUSH);
    void* puller = make(ZMQ_PULL);
    set_int(pusher, ZMQ_SNDHWM, 1);
    set_int(puller, ZMQ_RCVHWM, 1);
    ASSERT_EQ(zmq_bind(pusher, "inproc://resize"), 0);
    ASSERT_EQ(zmq_connect(puller, "inproc://resize"), 0);
    EXPECT_EQ(send_until_full(pusher), 2);
    set_int(pusher, ZMQ_SNDHWM, 5);  // 5 + the puller's 1, of which 2 are queued
    EXPECT_EQ(send_until_full(pusher), 4);
    zmq_close(pusher);
    zmq_close(puller);
}

}  // namespace
