// The real runtime end to end: sockets of one Context talking over inproc, tcp and ipc.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <atomic>
#include <string>
#include <thread>

#include "runtime/context.hpp"
#include "runtime/monitor_events.hpp"
#include "runtime/poller.hpp"
#include "runtime/proxy.hpp"

namespace sculpin {
namespace {

void set_int(SocketHandle* s, int option, int value) {
    ASSERT_EQ(s->set_option(option, &value, sizeof(value)), 0);
}

int send_text(SocketHandle* s, std::initializer_list<std::string_view> parts, int flags = 0) {
    Message msg(parts);
    return s->send(msg, flags);
}

std::string recv_text(SocketHandle* s) {
    Message msg;
    const int rc = s->recv(msg);
    if (rc != 0) return "<error " + std::to_string(rc) + ">";
    return msg.to_display_string();
}

// Binds `socket` to `endpoint`, retrying while a closed socket's listener on the same port
// is still being released by the I/O thread (that happens asynchronously, as in libzmq).
int bind_when_free(SocketHandle* socket, const std::string& endpoint) {
    int rc = EADDRINUSE;
    for (int attempt = 0; attempt < 200 && rc == EADDRINUSE; ++attempt) {
        rc = socket->bind(endpoint);
        if (rc == EADDRINUSE) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return rc;
}

// Binds `server` to an ephemeral endpoint of the given transport and returns it.
std::string bind_any(SocketHandle* server, const std::string& transport) {
    std::string ep = transport == "tcp"   ? "tcp://127.0.0.1:*"
                     : transport == "ipc" ? "ipc://*"
                                          : "inproc://test-" + std::to_string(::getpid());
    EXPECT_EQ(server->bind(ep), 0) << server->last_error();
    return server->last_endpoint();
}

class EveryTransport : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryTransport, ReqRepRoundTripsInLockstep) {
    Context ctx;
    SocketHandle* rep = ctx.socket(SocketType::rep);
    SocketHandle* req = ctx.socket(SocketType::req);
    set_int(rep, option::rcvtimeo, 5000);
    set_int(req, option::rcvtimeo, 5000);
    const std::string ep = bind_any(rep, GetParam());
    ASSERT_EQ(req->connect(ep), 0);
    for (int i = 0; i < 10; ++i) {
        ASSERT_EQ(send_text(req, {"Hello"}), 0);
        ASSERT_EQ(recv_text(rep), "Hello");
        ASSERT_EQ(send_text(rep, {"World"}), 0);
        ASSERT_EQ(recv_text(req), "World");
    }
}

TEST_P(EveryTransport, PushPullDeliversMultipartInOrder) {
    Context ctx;
    SocketHandle* pull = ctx.socket(SocketType::pull);
    SocketHandle* push = ctx.socket(SocketType::push);
    set_int(pull, option::rcvtimeo, 5000);
    const std::string ep = bind_any(pull, GetParam());
    ASSERT_EQ(push->connect(ep), 0);
    constexpr int kCount = 20000;
    std::thread sender([&] {
        for (int i = 0; i < kCount; ++i) {
            const std::string n = std::to_string(i);
            ASSERT_EQ(send_text(push, {"part", n}), 0);
        }
    });
    for (int i = 0; i < kCount; ++i) ASSERT_EQ(recv_text(pull), "part|" + std::to_string(i));
    sender.join();
}

TEST_P(EveryTransport, SubscriberReceivesOnlyItsPrefix) {
    Context ctx;
    SocketHandle* pub = ctx.socket(SocketType::pub);
    SocketHandle* sub = ctx.socket(SocketType::sub);
    set_int(sub, option::rcvtimeo, 5000);
    const std::string ep = bind_any(pub, GetParam());
    ASSERT_EQ(sub->set_option(option::subscribe, "10001 ", 6), 0);
    ASSERT_EQ(sub->connect(ep), 0);
    // Publish until the subscription has reached the publisher (the slow joiner).
    std::atomic<bool> done{false};
    std::thread publisher([&] {
        while (!done) {
            send_text(pub, {"99999 cold"});
            send_text(pub, {"10001 warm"});
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    });
    for (int i = 0; i < 5; ++i) EXPECT_EQ(recv_text(sub), "10001 warm");
    done = true;
    publisher.join();
}

INSTANTIATE_TEST_SUITE_P(Transports, EveryTransport, ::testing::Values("inproc", "tcp", "ipc"));

TEST(RealRuntime, WildcardPortIsReportedAsLastEndpoint) {
    Context ctx;
    SocketHandle* s = ctx.socket(SocketType::pull);
    ASSERT_EQ(s->bind("tcp://127.0.0.1:*"), 0);
    const std::string ep = s->last_endpoint();
    EXPECT_EQ(ep.rfind("tcp://127.0.0.1:", 0), 0u) << ep;
    EXPECT_NE(ep, "tcp://127.0.0.1:*");
    char buffer[256];
    size_t size = sizeof(buffer);
    ASSERT_EQ(s->get_option(option::last_endpoint, buffer, &size), 0);
    EXPECT_EQ(std::string(buffer), ep);
}

TEST(RealRuntime, BadEndpointIsRejectedWithAReason) {
    Context ctx;
    SocketHandle* s = ctx.socket(SocketType::pull);
    // A transport Sculpin does not have is EPROTONOSUPPORT, as libzmq reports it.
    EXPECT_EQ(s->bind("udp://127.0.0.1:5555"), EPROTONOSUPPORT);
    EXPECT_NE(s->last_error().find("unknown transport 'udp'"), std::string::npos)
        << s->last_error();
    EXPECT_EQ(s->connect("tcp://127.0.0.1:notaport"), EINVAL);
}

TEST(RealRuntime, BindingAPortInUseFails) {
    Context ctx;
    SocketHandle* a = ctx.socket(SocketType::pull);
    SocketHandle* b = ctx.socket(SocketType::pull);
    ASSERT_EQ(a->bind("tcp://127.0.0.1:*"), 0);
    EXPECT_EQ(b->bind(a->last_endpoint()), EADDRINUSE);
}

TEST(RealRuntime, InprocConnectBeforeBindWorks) {
    Context ctx;
    SocketHandle* push = ctx.socket(SocketType::push);
    SocketHandle* pull = ctx.socket(SocketType::pull);
    set_int(pull, option::rcvtimeo, 2000);
    ASSERT_EQ(push->connect("inproc://late-binder"), 0);
    ASSERT_EQ(send_text(push, {"queued before bind"}), 0);
    ASSERT_EQ(pull->bind("inproc://late-binder"), 0);
    EXPECT_EQ(recv_text(pull), "queued before bind");
}

TEST(RealRuntime, MessagesQueuedBeforeTheServerExistsAreDeliveredWhenItBinds) {
    // connect is asynchronous: without IMMEDIATE, messages wait in the local pipe.
    Context ctx;
    SocketHandle* probe = ctx.socket(SocketType::pull);
    ASSERT_EQ(probe->bind("tcp://127.0.0.1:*"), 0);
    const std::string ep = probe->last_endpoint();
    probe->close();

    SocketHandle* push = ctx.socket(SocketType::push);
    set_int(push, option::reconnect_ivl, 20);
    ASSERT_EQ(push->connect(ep), 0);
    ASSERT_EQ(send_text(push, {"early"}), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    SocketHandle* pull = ctx.socket(SocketType::pull);
    set_int(pull, option::rcvtimeo, 5000);
    ASSERT_EQ(bind_when_free(pull, ep), 0) << pull->last_error();
    EXPECT_EQ(recv_text(pull), "early");
}

TEST(RealRuntime, ClientReconnectsAfterServerRestart) {
    Context ctx;
    SocketHandle* rep = ctx.socket(SocketType::rep);
    ASSERT_EQ(rep->bind("tcp://127.0.0.1:*"), 0);
    const std::string ep = rep->last_endpoint();
    SocketHandle* dealer = ctx.socket(SocketType::dealer);
    set_int(dealer, option::reconnect_ivl, 20);
    set_int(dealer, option::rcvtimeo, 5000);
    ASSERT_EQ(dealer->connect(ep), 0);
    set_int(rep, option::rcvtimeo, 5000);
    ASSERT_EQ(send_text(dealer, {"", "one"}), 0);
    ASSERT_EQ(recv_text(rep), "one");
    ASSERT_EQ(send_text(rep, {"ok"}), 0);
    ASSERT_EQ(recv_text(dealer), "|ok");
    set_int(rep, option::linger, 0);
    rep->close();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));

    SocketHandle* rep2 = ctx.socket(SocketType::rep);
    set_int(rep2, option::rcvtimeo, 5000);
    ASSERT_EQ(bind_when_free(rep2, ep), 0) << rep2->last_error();
    ASSERT_EQ(send_text(dealer, {"", "two"}), 0);
    EXPECT_EQ(recv_text(rep2), "two");
}

TEST(RealRuntime, PushBlocksAtHighWaterMarkAndTimesOut) {
    Context ctx;
    SocketHandle* push = ctx.socket(SocketType::push);
    SocketHandle* pull = ctx.socket(SocketType::pull);
    set_int(push, option::sndhwm, 5);
    set_int(pull, option::rcvhwm, 5);
    set_int(push, option::sndtimeo, 100);
    ASSERT_EQ(pull->bind("inproc://hwm"), 0);
    ASSERT_EQ(push->connect("inproc://hwm"), 0);
    int sent = 0;
    while (send_text(push, {"x"}) == 0) ++sent;
    EXPECT_EQ(sent, 10);  // inproc: SNDHWM + RCVHWM
    EXPECT_EQ(send_text(push, {"x"}, send_flag::dontwait), EAGAIN);
}

TEST(RealRuntime, PollerWaitsForTheSocketThatIsReady) {
    Context ctx;
    SocketHandle* a = ctx.socket(SocketType::pull);
    SocketHandle* b = ctx.socket(SocketType::pull);
    SocketHandle* push_b = ctx.socket(SocketType::push);
    ASSERT_EQ(a->bind("inproc://a"), 0);
    ASSERT_EQ(b->bind("inproc://b"), 0);
    ASSERT_EQ(push_b->connect("inproc://b"), 0);
    std::vector<PollItem> items{{a, -1, poll_event::in, 0}, {b, -1, poll_event::in, 0}};
    EXPECT_EQ(poll(items, 10), 0);  // nothing yet: times out
    std::thread later([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        send_text(push_b, {"for b"});
    });
    EXPECT_EQ(poll(items, 5000), 1);
    EXPECT_EQ(items[0].revents, 0);
    EXPECT_EQ(items[1].revents, poll_event::in);
    EXPECT_EQ(recv_text(b), "for b");
    later.join();
}

TEST(RealRuntime, ProxyForwardsRequestsAndRepliesWithCapture) {
    Context ctx;
    SocketHandle* frontend = ctx.socket(SocketType::router);
    SocketHandle* backend = ctx.socket(SocketType::dealer);
    SocketHandle* capture = ctx.socket(SocketType::push);
    SocketHandle* captured = ctx.socket(SocketType::pull);
    ASSERT_EQ(frontend->bind("inproc://front"), 0);
    ASSERT_EQ(backend->bind("inproc://back"), 0);
    ASSERT_EQ(captured->bind("inproc://capture"), 0);
    ASSERT_EQ(capture->connect("inproc://capture"), 0);
    std::thread proxy_thread([&] { proxy(frontend, backend, capture); });

    SocketHandle* client = ctx.socket(SocketType::req);
    SocketHandle* worker = ctx.socket(SocketType::rep);
    set_int(client, option::rcvtimeo, 5000);
    set_int(worker, option::rcvtimeo, 5000);
    ASSERT_EQ(client->connect("inproc://front"), 0);
    ASSERT_EQ(worker->connect("inproc://back"), 0);
    ASSERT_EQ(send_text(client, {"Hello"}), 0);
    ASSERT_EQ(recv_text(worker), "Hello");
    ASSERT_EQ(send_text(worker, {"World"}), 0);
    EXPECT_EQ(recv_text(client), "World");
    set_int(captured, option::rcvtimeo, 5000);
    Message first;
    ASSERT_EQ(captured->recv(first), 0);
    EXPECT_EQ(first.back().view(), "Hello");  // [routing id, "", "Hello"]

    ctx.shutdown();
    proxy_thread.join();
}

TEST(RealRuntime, MonitorReportsHandshakeAndDisconnect) {
    // Declared before the context: the monitor still reports (CLOSED, MONITOR_STOPPED)
    // while the context closes the server, so what it writes to must outlive the context.
    std::mutex mutex;
    std::vector<int> events;
    Context ctx;
    SocketHandle* server = ctx.socket(SocketType::rep);
    server->set_monitor(
        [&](const MonitorEvent& event) {
            std::lock_guard lock(mutex);
            events.push_back(event.event);
        },
        monitor_event::all);
    ASSERT_EQ(server->bind("tcp://127.0.0.1:*"), 0);
    SocketHandle* client = ctx.socket(SocketType::req);
    ASSERT_EQ(client->connect(server->last_endpoint()), 0);
    set_int(server, option::rcvtimeo, 5000);
    ASSERT_EQ(send_text(client, {"hi"}), 0);
    ASSERT_EQ(recv_text(server), "hi");
    set_int(client, option::linger, 0);
    client->close();
    for (int i = 0; i < 200; ++i) {
        {
            std::lock_guard lock(mutex);
            if (std::find(events.begin(), events.end(), monitor_event::disconnected) !=
                events.end())
                break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard lock(mutex);
    auto has = [&](int e) { return std::find(events.begin(), events.end(), e) != events.end(); };
    EXPECT_TRUE(has(monitor_event::listening));
    EXPECT_TRUE(has(monitor_event::accepted));
    EXPECT_TRUE(has(monitor_event::handshake_succeeded));
    EXPECT_TRUE(has(monitor_event::disconnected));
}

// Raw TCP client: writes bytes and returns what the server says before closing.
int raw_connect(const std::string& endpoint) {
    const int port = std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return -1;
    return fd;
}

// True once the server has closed the connection (read returns 0 or an error).
bool server_closes(int fd, int timeout_ms) {
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char buffer[512];
    while (true) {
        const ssize_t n = ::read(fd, buffer, sizeof(buffer));
        if (n == 0) return true;
        if (n < 0) return errno == ECONNRESET;
    }
}

TEST(RealRuntime, GarbageOnThePortDropsThatPeerAndOthersKeepBeingServed) {
    Context ctx;
    SocketHandle* rep = ctx.socket(SocketType::rep);
    set_int(rep, option::rcvtimeo, 5000);
    ASSERT_EQ(rep->bind("tcp://127.0.0.1:*"), 0);
    const std::string ep = rep->last_endpoint();
    SocketHandle* good = ctx.socket(SocketType::req);
    set_int(good, option::rcvtimeo, 5000);
    ASSERT_EQ(good->connect(ep), 0);

    const int bad = raw_connect(ep);
    ASSERT_GE(bad, 0);
    const char garbage[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_GT(::write(bad, garbage, sizeof(garbage) - 1), 0);
    EXPECT_TRUE(server_closes(bad, 5000));
    ::close(bad);

    ASSERT_EQ(send_text(good, {"still there?"}), 0);
    ASSERT_EQ(recv_text(rep), "still there?");
    ASSERT_EQ(send_text(rep, {"yes"}), 0);
    EXPECT_EQ(recv_text(good), "yes");
}

TEST(RealRuntime, HalfAGreetingTimesOutTheHandshake) {
    std::mutex mutex;  // before the context: the monitor outlives the test body's sockets
    std::string reason;
    Context ctx;
    SocketHandle* rep = ctx.socket(SocketType::rep);
    set_int(rep, option::handshake_ivl, 200);
    rep->set_monitor(
        [&](const MonitorEvent& event) {
            std::lock_guard lock(mutex);
            if (event.event == monitor_event::handshake_failed_no_detail) reason = event.detail;
        },
        monitor_event::all);
    ASSERT_EQ(rep->bind("tcp://127.0.0.1:*"), 0);
    const int fd = raw_connect(rep->last_endpoint());
    ASSERT_GE(fd, 0);
    const unsigned char half[] = {0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f};
    ASSERT_EQ(::write(fd, half, sizeof(half)), static_cast<ssize_t>(sizeof(half)));
    EXPECT_TRUE(server_closes(fd, 5000));
    ::close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard lock(mutex);
    EXPECT_NE(reason.find("handshake"), std::string::npos) << reason;
}

TEST(RealRuntime, OversizedMessageDropsThePeerButNotTheSocket) {
    Context ctx;
    SocketHandle* pull = ctx.socket(SocketType::pull);
    const int64_t limit = 100;
    ASSERT_EQ(pull->set_option(option::maxmsgsize, &limit, sizeof(limit)), 0);
    set_int(pull, option::rcvtimeo, 5000);
    ASSERT_EQ(pull->bind("tcp://127.0.0.1:*"), 0);
    SocketHandle* big = ctx.socket(SocketType::push);
    SocketHandle* small = ctx.socket(SocketType::push);
    set_int(big, option::linger, 0);
    ASSERT_EQ(big->connect(pull->last_endpoint()), 0);
    ASSERT_EQ(small->connect(pull->last_endpoint()), 0);
    const std::string huge(1000, 'x');
    ASSERT_EQ(send_text(big, {huge}), 0);
    ASSERT_EQ(send_text(small, {"fits"}), 0);
    EXPECT_EQ(recv_text(pull), "fits");
}

TEST(RealRuntime, ShutdownWakesABlockedReceiveWithEterm) {
    Context ctx;
    SocketHandle* pull = ctx.socket(SocketType::pull);
    ASSERT_EQ(pull->bind("inproc://nobody"), 0);
    std::atomic<int> result{-1};
    std::thread blocked([&] {
        Message msg;
        result = pull->recv(msg);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ctx.shutdown();
    blocked.join();
    EXPECT_EQ(result.load(), kEterm);
}

}  // namespace
}  // namespace sculpin
