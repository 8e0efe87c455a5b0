// What every socket type shares: creation, options, closing, polling.
#include <gtest/gtest.h>

#include "socket_harness.hpp"

namespace sculpin::test {
namespace {

TEST(SocketFactory, CreatesEverySocketType) {
    for (int t = 0; t <= static_cast<int>(SocketType::stream); ++t) {
        const auto type = static_cast<SocketType>(t);
        auto socket = Socket::create(type);
        ASSERT_NE(socket, nullptr) << cli_name(type);
        EXPECT_EQ(socket->type(), type);
        int value = -1;
        size_t size = sizeof value;
        ASSERT_EQ(socket->get_option(option::type, &value, &size), 0);
        EXPECT_EQ(value, t);
    }
}

TEST(SocketFactory, MessageWithoutFramesIsInvalid) {
    for (int t = 0; t <= static_cast<int>(SocketType::xsub); ++t) {
        auto socket = Socket::create(static_cast<SocketType>(t));
        Message empty;
        EXPECT_EQ(socket->send(empty), EINVAL) << cli_name(static_cast<SocketType>(t));
    }
}

TEST(SocketOptions, TypeSpecificOptionsAreRefusedElsewhere) {
    Harness h;
    Socket& push = h.make(SocketType::push);
    EXPECT_EQ(set_int(push, option::router_mandatory, 1), EINVAL);
    EXPECT_EQ(set_int(push, option::req_relaxed, 1), EINVAL);
    EXPECT_EQ(set_int(push, option::xpub_verbose, 1), EINVAL);
    EXPECT_EQ(set_bytes(push, option::subscribe, "x"), EINVAL);
    Socket& req = h.make(SocketType::req);
    EXPECT_EQ(set_int(req, option::req_correlate, -1), EINVAL);
    // As libzmq, any positive value means on (libzmq's test_proxy_hwm sets 10).
    ASSERT_EQ(set_int(req, option::req_correlate, 10), 0);
    int value = 0;
    size_t size = sizeof value;
    ASSERT_EQ(req.get_option(option::req_correlate, &value, &size), 0);
    EXPECT_EQ(value, 1);
    Socket& xsub = h.make(SocketType::xsub);
    EXPECT_EQ(set_bytes(xsub, option::subscribe, "x"), EINVAL);  // XSUB subscribes by message
}

TEST(SocketClose, ClosingASocketReportsItsUnreadMessagesAsClosed) {
    Harness h;
    Socket& dealer = h.make(SocketType::dealer);
    Socket& router = h.make(SocketType::router);
    h.connect(dealer, router);
    ASSERT_EQ(send(dealer, {"a"}), 0);
    ASSERT_EQ(send(dealer, {"b"}), 0);
    const int router_handle = h.handle(router);
    h.close(router);
    EXPECT_EQ(h.drops(router_handle, DropReason::closed), (std::vector<std::string>{"a", "b"}));
    h.pump();
    EXPECT_EQ(dealer.pipe_count(), 0u);
}

TEST(SocketClose, AMessageReadAheadByPollingIsReportedWhenTheSocketCloses) {
    Harness h;
    Socket& router = h.make(SocketType::router);
    Socket& dealer = h.make(SocketType::dealer);
    h.connect(dealer, router);
    ASSERT_EQ(send(dealer, {"polled"}), 0);
    ASSERT_EQ(send(dealer, {"queued"}), 0);
    EXPECT_TRUE(router.can_recv());  // reads ahead to learn the message is deliverable
    const int router_handle = h.handle(router);
    h.close(router);
    const auto closed = h.drops(router_handle, DropReason::closed);
    ASSERT_EQ(closed.size(), 2u);
    EXPECT_NE(closed[0].find("polled"), std::string::npos);
    EXPECT_EQ(closed[1], "queued");
}

TEST(SocketClose, MessagesQueuedToAPeerThatClosedAreReportedByTheCloser) {
    // The peer reads nothing more once closed: what it had not read is its drop, once.
    Harness h;
    Socket& push = h.make(SocketType::push);
    Socket& pull = h.make(SocketType::pull);
    h.connect(push, pull);
    for (const char* s : {"1", "2"}) ASSERT_EQ(send(push, {s}), 0);
    const int pull_handle = h.handle(pull);
    h.close(pull);
    h.pump();
    EXPECT_EQ(h.drops(pull_handle, DropReason::closed), (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(h.drops().size(), 2u);
}

TEST(SocketPolling, CanSendAndCanRecvFollowEachTypesRules) {
    Harness h;
    Socket& req = h.make(SocketType::req);
    Socket& rep = h.make(SocketType::rep);
    EXPECT_FALSE(req.can_send());  // no peer
    h.connect(req, rep);
    EXPECT_TRUE(req.can_send());
    EXPECT_FALSE(req.can_recv());
    EXPECT_FALSE(rep.can_recv());
    ASSERT_EQ(send(req, {"q"}), 0);
    EXPECT_FALSE(req.can_send());
    h.pump();
    EXPECT_TRUE(rep.can_recv());
    EXPECT_FALSE(rep.can_send());
    EXPECT_EQ(recv(rep), "q");
    EXPECT_TRUE(rep.can_send());
    ASSERT_EQ(send(rep, {"a"}), 0);
    h.pump();
    EXPECT_TRUE(req.can_recv());
    EXPECT_EQ(recv(req), "a");
    EXPECT_TRUE(req.can_send());
}

TEST(SocketPolling, LastReceivedFromNamesThePipe) {
    Harness h;
    Socket& push = h.make(SocketType::push);
    Socket& pull = h.make(SocketType::pull);
    const auto link = h.connect(push, pull);
    EXPECT_EQ(pull.last_received_from(), nullptr);
    ASSERT_EQ(send(push, {"x"}), 0);
    EXPECT_EQ(recv(pull), "x");
    ASSERT_NE(pull.last_received_from(), nullptr);
    EXPECT_EQ(pull.last_received_from()->id(), link.b_end);
    EXPECT_EQ(pull.last_received_from()->peer_info.socket_type, SocketType::push);
}

TEST(SocketDeterminism, SameEventsGiveTheSameRoutingEveryTime) {
    auto run = [] {
        Harness h;
        Socket& router = h.make(SocketType::router);
        std::vector<Socket*> dealers;
        std::vector<std::string> log;
        for (int i = 0; i < 4; ++i) {
            dealers.push_back(&h.make(SocketType::dealer));
            h.connect(*dealers.back(), router, 2, 2);
        }
        for (int round = 0; round < 5; ++round) {
            for (size_t i = 0; i < dealers.size(); ++i)
                if (i % 2 == static_cast<size_t>(round) % 2)
                    send(*dealers[i], {std::to_string(round) + ":" + std::to_string(i)});
            h.pump();
            for (int k = 0; k < 3; ++k) log.push_back(recv(router));
        }
        return log;
    };
    EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace sculpin::test
