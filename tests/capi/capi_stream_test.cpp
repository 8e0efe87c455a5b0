// ZMQ_STREAM through the C API: raw TCP with plain POSIX peers on the other end (an
// HTTP-like request and response, as libzmq's and the book's examples do), connect and
// disconnect notices, closing a connection, ZMQ_CONNECT_ROUTING_ID on STREAM and ROUTER.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "capi_test_support.hpp"
#include "zmq.h"

namespace {

using namespace capi_test;

// A bound on the chunks a short text may arrive in (each at least one byte).
constexpr int kMaxChunks = 4096;

std::string frame_string(zmq_msg_t& msg) {
    return std::string(static_cast<const char*>(zmq_msg_data(&msg)), zmq_msg_size(&msg));
}

// One STREAM message: [routing id][bytes]. Fails the test on anything else.
struct RawMessage {
    std::string routing_id;
    std::string bytes;
    std::string peer_address;  // the routing id frame's "Peer-Address" property
};

RawMessage recv_raw(void* stream) {
    RawMessage out;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    EXPECT_GE(zmq_msg_recv(&msg, stream, 0), 0) << zmq_strerror(zmq_errno());
    EXPECT_EQ(zmq_msg_more(&msg), 1);
    out.routing_id = frame_string(msg);
    if (const char* address = zmq_msg_gets(&msg, "Peer-Address")) out.peer_address = address;
    EXPECT_GE(zmq_msg_recv(&msg, stream, 0), 0) << zmq_strerror(zmq_errno());
    EXPECT_EQ(zmq_msg_more(&msg), 0);
    out.bytes = frame_string(msg);
    zmq_msg_close(&msg);
    return out;
}

// Reads chunks from `stream` until `size_bytes` bytes came from `routing_id`.
std::string recv_raw_bytes(void* stream, const std::string& routing_id, size_t size_bytes) {
    std::string got;
    for (int chunk = 0; chunk < kMaxChunks && got.size() < size_bytes; ++chunk) {
        const RawMessage part = recv_raw(stream);
        EXPECT_EQ(part.routing_id, routing_id);
        if (part.bytes.empty()) break;  // the peer went away
        got += part.bytes;
    }
    return got;
}

void send_raw(void* stream, const std::string& routing_id, const std::string& bytes) {
    ASSERT_EQ(zmq_send(stream, routing_id.data(), routing_id.size(), ZMQ_SNDMORE),
              static_cast<int>(routing_id.size()))
        << zmq_strerror(zmq_errno());
    ASSERT_EQ(zmq_send(stream, bytes.data(), bytes.size(), 0), static_cast<int>(bytes.size()))
        << zmq_strerror(zmq_errno());
}

int port_of(void* socket) {
    char endpoint[256];
    size_t size = sizeof endpoint;
    EXPECT_EQ(zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, endpoint, &size), 0);
    const char* colon = std::strrchr(endpoint, ':');
    return colon == nullptr ? 0 : std::atoi(colon + 1);
}

// --- plain POSIX TCP peers ---------------------------------------------------------------

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

void set_watchdog(int fd) {
    timeval tv{kWatchdogMs / 1000, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

sockaddr_in loopback(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

int tcp_connect(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const sockaddr_in addr = loopback(port);
    EXPECT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0)
        << std::strerror(errno);
    set_watchdog(fd);
    return fd;
}

// A listening socket on 127.0.0.1; *port receives the port the kernel chose.
int tcp_listen(int* port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = loopback(0);
    EXPECT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd, 4), 0);
    socklen_t size = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size);
    *port = ntohs(addr.sin_port);
    return fd;
}

int tcp_accept(int listener) {
    const int fd = ::accept(listener, nullptr, nullptr);
    EXPECT_GE(fd, 0) << std::strerror(errno);
    set_watchdog(fd);
    return fd;
}

void write_all(int fd, const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        ASSERT_GT(n, 0) << std::strerror(errno);
        done += static_cast<size_t>(n);
    }
}

// Reads until `size_bytes` bytes arrived, or the peer closed (or the watchdog fired).
std::string read_bytes(int fd, size_t size_bytes) {
    std::string got;
    char buffer[4096];
    while (got.size() < size_bytes) {
        const ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, size_bytes - got.size()));
        if (n <= 0) break;
        got.append(buffer, static_cast<size_t>(n));
    }
    return got;
}

// Reads everything until the peer closes; *closed says whether it did (EOF, not the watchdog).
std::string read_to_eof(int fd, bool* closed) {
    std::string got;
    char buffer[4096];
    *closed = false;
    for (int chunk = 0; chunk < kMaxChunks; ++chunk) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n == 0) {
            *closed = true;
            break;
        }
        if (n < 0) break;
        got.append(buffer, static_cast<size_t>(n));
    }
    return got;
}

class CapiStream : public capi_test::ContextTest<> {
protected:
    CapiStream() : ContextTest(true) {}
};

TEST_F(CapiStream, ServesAnHttpLikeRequestFromAPlainTcpClient) {
    void* server = make(ZMQ_STREAM);
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    Fd client(tcp_connect(port_of(server)));

    // The connection is announced as [routing id][empty], with the peer's address.
    const RawMessage hello = recv_raw(server);
    ASSERT_EQ(hello.routing_id.size(), 5u);
    EXPECT_EQ(hello.routing_id[0], '\0');  // a generated id, as ROUTER's
    EXPECT_EQ(hello.bytes, "");
    EXPECT_EQ(hello.peer_address, "127.0.0.1");

    const std::string request = "GET /index.html HTTP/1.0\r\nHost: localhost\r\n\r\n";
    write_all(client.get(), request);
    EXPECT_EQ(recv_raw_bytes(server, hello.routing_id, request.size()), request);

    // The reply goes out as it is, no framing; [id][empty] then closes the connection,
    // after what was sent before it.
    const std::string response = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nHello, World!";
    send_raw(server, hello.routing_id, response);
    send_raw(server, hello.routing_id, "");
    bool closed = false;
    EXPECT_EQ(read_to_eof(client.get(), &closed), response);
    EXPECT_TRUE(closed);
    // The application closed it: no disconnect notice follows, and the id is gone.
    EXPECT_EQ(zmq_recv(server, nullptr, 0, ZMQ_DONTWAIT), -1);
    EXPECT_EQ(zmq_errno(), EAGAIN);
    EXPECT_EQ(zmq_send(server, hello.routing_id.data(), hello.routing_id.size(), ZMQ_SNDMORE), -1);
    EXPECT_EQ(zmq_errno(), EHOSTUNREACH);
    zmq_close(server);
}

TEST_F(CapiStream, AnnouncesADisconnectWithAnEmptyFrame) {
    void* server = make(ZMQ_STREAM);
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    Fd first(tcp_connect(port_of(server)));
    const RawMessage hello_first = recv_raw(server);
    Fd second(tcp_connect(port_of(server)));
    const RawMessage hello_second = recv_raw(server);
    EXPECT_EQ(hello_first.bytes, "");
    EXPECT_EQ(hello_second.bytes, "");
    EXPECT_NE(hello_first.routing_id, hello_second.routing_id);

    write_all(first.get(), "bye");
    EXPECT_EQ(recv_raw_bytes(server, hello_first.routing_id, 3), "bye");
    first.close();
    const RawMessage goodbye = recv_raw(server);
    EXPECT_EQ(goodbye.routing_id, hello_first.routing_id);
    EXPECT_EQ(goodbye.bytes, "");

    // The other connection is unaffected.
    send_raw(server, hello_second.routing_id, "still here");
    EXPECT_EQ(read_bytes(second.get(), 10), "still here");
    zmq_close(server);
}

TEST_F(CapiStream, WithoutNotifyOnlyDataArrives) {
    void* server = make(ZMQ_STREAM);
    set_int(server, ZMQ_STREAM_NOTIFY, 0);
    int notify = 1;
    size_t size = sizeof notify;
    ASSERT_EQ(zmq_getsockopt(server, ZMQ_STREAM_NOTIFY, &notify, &size), 0);
    EXPECT_EQ(notify, 0);
    ASSERT_EQ(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    Fd client(tcp_connect(port_of(server)));
    write_all(client.get(), "x");
    const RawMessage first = recv_raw(server);
    EXPECT_EQ(first.bytes, "x");  // no [id][empty] before it
    client.close();
    // Nor after it: the next thing is data from a new connection.
    Fd other(tcp_connect(port_of(server)));
    write_all(other.get(), "y");
    const RawMessage second = recv_raw(server);
    EXPECT_EQ(second.bytes, "y");
    EXPECT_NE(second.routing_id, first.routing_id);
    zmq_close(server);
}

TEST_F(CapiStream, ConnectingStreamNamesItsPeerWithConnectRoutingId) {
    int port = 0;
    Fd listener(tcp_listen(&port));
    void* client = make(ZMQ_STREAM);
    ASSERT_EQ(zmq_setsockopt(client, ZMQ_CONNECT_ROUTING_ID, "web", 3), 0);
    ASSERT_EQ(zmq_connect(client, ("tcp://127.0.0.1:" + std::to_string(port)).c_str()), 0);
    // The id is usable at once: the message waits for the connection.
    send_raw(client, "web", "hello");
    Fd server(tcp_accept(listener.get()));
    EXPECT_EQ(read_bytes(server.get(), 5), "hello");

    const RawMessage hello = recv_raw(client);
    EXPECT_EQ(hello.routing_id, "web");
    EXPECT_EQ(hello.bytes, "");
    write_all(server.get(), "answer");
    EXPECT_EQ(recv_raw_bytes(client, "web", 6), "answer");
    zmq_close(client);
}

TEST_F(CapiStream, GeneratedIdOfTheLatestConnectionIsTheRoutingIdOption) {
    int port = 0;
    Fd listener(tcp_listen(&port));
    void* client = make(ZMQ_STREAM);
    ASSERT_EQ(zmq_connect(client, ("tcp://127.0.0.1:" + std::to_string(port)).c_str()), 0);
    Fd server(tcp_accept(listener.get()));
    const RawMessage hello = recv_raw(client);
    char id[256];
    size_t size = sizeof id;
    ASSERT_EQ(zmq_getsockopt(client, ZMQ_ROUTING_ID, id, &size), 0);
    EXPECT_EQ(std::string(id, size), hello.routing_id);
    // ZMQ_SNDMORE on the data frame is ignored: [id][bytes] is always a whole message.
    ASSERT_EQ(zmq_send(client, id, size, ZMQ_SNDMORE), static_cast<int>(size));
    ASSERT_EQ(zmq_send(client, "abc", 3, ZMQ_SNDMORE), 3);
    EXPECT_EQ(read_bytes(server.get(), 3), "abc");
    zmq_close(client);
}

TEST_F(CapiStream, RefusesUnknownRoutingIdsAndInproc) {
    void* stream = make(ZMQ_STREAM);
    EXPECT_EQ(zmq_send(stream, "nobody", 6, ZMQ_SNDMORE), -1);
    EXPECT_EQ(zmq_errno(), EHOSTUNREACH);
    EXPECT_EQ(zmq_bind(stream, "inproc://raw"), -1);
    EXPECT_EQ(zmq_errno(), ENOCOMPATPROTO);
    EXPECT_EQ(zmq_connect(stream, "inproc://raw"), -1);
    EXPECT_EQ(zmq_errno(), ENOCOMPATPROTO);
    zmq_close(stream);
}

TEST_F(CapiStream, RouterConnectRoutingIdNamesTheConnectedRouter) {
    void* bound = make(ZMQ_ROUTER);
    void* connecting = make(ZMQ_ROUTER);
    ASSERT_EQ(zmq_setsockopt(bound, ZMQ_ROUTING_ID, "X", 1), 0);
    ASSERT_EQ(zmq_setsockopt(connecting, ZMQ_ROUTING_ID, "Y", 1), 0);
    ASSERT_EQ(zmq_bind(bound, "tcp://127.0.0.1:*"), 0);
    ASSERT_EQ(zmq_setsockopt(connecting, ZMQ_CONNECT_ROUTING_ID, "server", 6), 0);
    ASSERT_EQ(
        zmq_connect(connecting, ("tcp://127.0.0.1:" + std::to_string(port_of(bound))).c_str()), 0);
    // Routable before the handshake, under the name we chose rather than the announced "X".
    set_int(connecting, ZMQ_ROUTER_MANDATORY, 1);
    ASSERT_EQ(zmq_send(connecting, "server", 6, ZMQ_SNDMORE), 6) << zmq_strerror(zmq_errno());
    ASSERT_EQ(zmq_send(connecting, "hi", 2, 0), 2);
    EXPECT_EQ(zmq_send(connecting, "X", 1, ZMQ_SNDMORE), -1);
    EXPECT_EQ(zmq_errno(), EHOSTUNREACH);

    char buffer[64];
    ASSERT_EQ(zmq_recv(bound, buffer, sizeof buffer, 0), 1);
    EXPECT_EQ(buffer[0], 'Y');
    ASSERT_EQ(zmq_recv(bound, buffer, sizeof buffer, 0), 2);
    EXPECT_EQ(std::string(buffer, 2), "hi");
    ASSERT_EQ(zmq_send(bound, "Y", 1, ZMQ_SNDMORE), 1);
    ASSERT_EQ(zmq_send(bound, "ok", 2, 0), 2);
    ASSERT_EQ(zmq_recv(connecting, buffer, sizeof buffer, 0), 6);
    EXPECT_EQ(std::string(buffer, 6), "server");
    ASSERT_EQ(zmq_recv(connecting, buffer, sizeof buffer, 0), 2);
    EXPECT_EQ(std::string(buffer, 2), "ok");
    zmq_close(connecting);
    zmq_close(bound);
}

}  // namespace
