// DEALER and ROUTER (RFC 28), in the spirit of libzmq's test_spec_dealer and
// test_spec_router.
#include <gtest/gtest.h>

#include "socket_harness.hpp"

namespace sculpin::test {
namespace {

TEST(DealerRouter, DealerRoutesRoundRobinToItsPeers) {
    Harness h;
    Socket& dealer = h.make(SocketType::dealer);
    std::vector<Socket*> reps;
    for (int i = 0; i < 3; ++i) {
        reps.push_back(&h.make(SocketType::rep));
        h.connect(dealer, *reps.back());
    }
    for (int i = 0; i < 3; ++i) ASSERT_EQ(send(dealer, {"", "r" + std::to_string(i)}), 0);
    h.pump();
    for (int i = 0; i < 3; ++i) EXPECT_EQ(recv(*reps[i]), "r" + std::to_string(i));
}

TEST(DealerRouter, DealerFairQueuesWhatItReceives) {
    Harness h;
    Socket& dealer = h.make(SocketType::dealer);
    std::vector<Socket*> peers;
    for (int i = 0; i < 2; ++i) {
        peers.push_back(&h.make(SocketType::dealer));
        h.connect(dealer, *peers.back());
        for (int j = 0; j < 2; ++j)
            ASSERT_EQ(send(*peers.back(), {std::to_string(i) + "." + std::to_string(j)}), 0);
    }
    h.pump();
    EXPECT_EQ(recv_all(dealer), (std::vector<std::string>{"0.0", "1.0", "0.1", "1.1"}));
}

TEST(DealerRouter, DealerWithNoPeerBlocksOnSend) {
    Harness h;
    Socket& dealer = h.make(SocketType::dealer);
    EXPECT_EQ(send(dealer, {"x"}), EAGAIN);
    EXPECT_FALSE(dealer.can_send());
}

TEST(DealerRouter, DealerAtHighWaterMarkBlocksAndDropsNothing) {
    Harness h;
    Socket& dealer = h.make(SocketType::dealer);
    Socket& router = h.make(SocketType::router);
    h.connect(dealer, router, 1);
    ASSERT_EQ(send(dealer, {"1"}), 0);
    EXPECT_FALSE(dealer.can_send());
    EXPECT_EQ(send(dealer, {"2"}), EAGAIN);
    EXPECT_TRUE(h.drops().empty());
}

TEST(DealerRouter, RouterPrependsTheSendersRoutingId) {
    Harness h;
    Socket& router = h.make(SocketType::router);
    Socket& named = h.make(SocketType::dealer);
    ASSERT_EQ(set_bytes(named, option::routing_id, "worker-1"), 0);
    h.connect(named, router);
    ASSERT_EQ(send(named, {"ready"}), 0);
    h.pump();
    EXPECT_EQ(recv(router), "worker-1|ready");
    ASSERT_EQ(send(router, {"worker-1", "job"}), 0);
    h.pump();
    EXPECT_EQ(recv(named), "job");
}

TEST(DealerRouter, RouterGeneratesFiveByteIdsWithALeadingZeroInOrder) {
    Harness h;
    Socket& router = h.make(SocketType::router);
    Socket& first = h.make(SocketType::dealer);
    Socket& second = h.make(SocketType::dealer);
    h.connect(first, router);
    h.connect(second, router);
    ASSERT_EQ(send(first, {"a"}), 0);
    ASSERT_EQ(send(second, {"b"}), 0);
    h.pump();
    Message from_first, from_second;
    ASSERT_EQ(router.recv(from_first), 0);
    ASSERT_EQ(router.recv(from_second), 0);
    EXPECT_EQ(from_first[0].view(), std::string_view("\0\0\0\0\1", 5));
    EXPECT_EQ(from_second[0].view(), std::string_view("\0\0\0\0\2", 5));
    // The generated id addresses the peer.
    Message reply = from_second;
    reply[1] = Frame(std::string_view("to b"));
    ASSERT_EQ(router.send(reply), 0);
    h.pump();
    EXPECT_EQ(recv(second), "to b");
    EXPECT_EQ(recv(first), "EAGAIN");
}

TEST(DealerRouter, RouterFairQueuesIncomingMessages) {
    Harness h;
    Socket& router = h.make(SocketType::router);
    std::vector<Socket*> dealers;
    for (int i = 0; i < 3; ++i) {
        dealers.push_back(&h.make(SocketType::dealer));
        ASSERT_EQ(set_bytes(*dealers.back(), option::routing_id, "d" + std::to_string(i)), 0);
        h.connect(*dealers.back(), router);
        ASSERT_EQ(send(*dealers.back(), {"1"}), 0);
        ASSERT_EQ(send(*dealers.back(), {"2"}), 0);
    }
    h.pump();
    EXPECT_EQ(recv_all(router),
              (std::vector<std::string>{"d0|1", "d1|1", "d2|1", "d0|2", "d1|2", "d2|2"}));
}

TEST(DealerRouter, RouterDropsMessagesForUnknownPeersAsUnroutable) {
    Harness h;
    Socket& router = h.make(SocketType::router);
    EXPECT_TRUE(router.can_send());
    EXPECT_EQ(send(router, {"nobody", "hello"}), 0);
    EXPECT_EQ(h.drops(router, DropReason::unroutable), std::vector<std::string>{"nobody|hello"});
}

TEST(DealerRouter, MandatoryRouterFailsWithEhostunreachForUnknownPeers) {
    Harness h;
    Socket& router = h.make(SocketType::router);
    ASSERT_EQ(set_int(router, option::router_mandatory, 1), 0);
    Message m{"nobody", "hello"};
    EXPECT_EQ(router.send(m), EHOSTUNREACH);
    EXPECT_EQ(m, (Message{"nobody", "hello"}));
    EXPECT_TRUE(h.drops().empty());
}

TEST(DealerRouter, RouterDropsForAFullPeerOrReturnsEagainWhenMandatory) {
    for (int mandatory : {0, 1}) {
        Harness h;
        Socket& router = h.make(SocketType::router);
        ASSERT_EQ(set_int(router, option::router_mandatory, mandatory), 0);
        Socket& dealer = h.make(SocketType::dealer);
        ASSERT_EQ(set_bytes(dealer, option::routing_id, "D"), 0);
        h.connect(dealer, router, -1, 1);
        ASSERT_EQ(send(router, {"D", "1"}), 0);
        if (mandatory) {
            EXPECT_FALSE(router.can_send());
            EXPECT_EQ(send(router, {"D", "2"}), EAGAIN);
            EXPECT_TRUE(h.drops().empty());
        } else {
            EXPECT_EQ(send(router, {"D", "2"}), 0);
            EXPECT_EQ(h.drops(router, DropReason::hwm), std::vector<std::string>{"D|2"});
        }
        EXPECT_EQ(recv(dealer), "1");
        h.pump();
        EXPECT_EQ(send(router, {"D", "3"}), 0);
        h.pump();
        EXPECT_EQ(recv(dealer), "3");
    }
}

TEST(DealerRouter, RouterRefusesASecondPeerWithTheSameRoutingId) {
    Harness h;
    Socket& router = h.make(SocketType::router);
    Socket& first = h.make(SocketType::dealer);
    Socket& impostor = h.make(SocketType::dealer);
    ASSERT_EQ(set_bytes(first, option::routing_id, "same"), 0);
    ASSERT_EQ(set_bytes(impostor, option::routing_id, "same"), 0);
    h.connect(first, router);
    h.connect(impostor, router);
    h.pump();
    EXPECT_EQ(router.pipe_count(), 1u);
    EXPECT_EQ(impostor.pipe_count(), 0u);  // told its pipe closed
    ASSERT_EQ(send(router, {"same", "x"}), 0);
    h.pump();
    EXPECT_EQ(recv(first), "x");
}

TEST(DealerRouter, RouterHandoverGivesTheRoutingIdToTheNewPeer) {
    Harness h;
    Socket& router = h.make(SocketType::router);
    ASSERT_EQ(set_int(router, option::router_handover, 1), 0);
    Socket& first = h.make(SocketType::dealer);
    Socket& second = h.make(SocketType::dealer);
    ASSERT_EQ(set_bytes(first, option::routing_id, "same"), 0);
    ASSERT_EQ(set_bytes(second, option::routing_id, "same"), 0);
    h.connect(first, router);
    h.connect(second, router);
    h.pump();
    EXPECT_EQ(router.pipe_count(), 1u);
    EXPECT_EQ(first.pipe_count(), 0u);
    ASSERT_EQ(send(router, {"same", "x"}), 0);
    h.pump();
    EXPECT_EQ(recv(second), "x");
}

TEST(DealerRouter, RouterMessageWithOnlyARoutingIdSendsNothing) {
    Harness h;
    Socket& router = h.make(SocketType::router);
    Socket& dealer = h.make(SocketType::dealer);
    ASSERT_EQ(set_bytes(dealer, option::routing_id, "D"), 0);
    h.connect(dealer, router);
    EXPECT_EQ(send(router, {"D"}), 0);
    h.pump();
    EXPECT_EQ(recv(dealer), "EAGAIN");
    EXPECT_EQ(h.drops(router, DropReason::malformed), std::vector<std::string>{"D"});
}

TEST(DealerRouter, DisconnectedPeersQueuedMessagesAreDroppedAndItsIdForgotten) {
    Harness h;
    Socket& router = h.make(SocketType::router);
    ASSERT_EQ(set_int(router, option::router_mandatory, 1), 0);
    Socket& dealer = h.make(SocketType::dealer);
    ASSERT_EQ(set_bytes(dealer, option::routing_id, "D"), 0);
    const auto link = h.connect(dealer, router);
    ASSERT_EQ(send(dealer, {"unread"}), 0);
    ASSERT_EQ(send(router, {"D", "undelivered"}), 0);
    router.detach(link.b_end);
    EXPECT_EQ(h.drops(router, DropReason::closed), std::vector<std::string>{"unread"});
    h.pump();
    EXPECT_EQ(dealer.pipe_count(), 1u);  // still holds "undelivered"
    EXPECT_EQ(recv_all(dealer), std::vector<std::string>{"undelivered"});
    EXPECT_EQ(dealer.pipe_count(), 0u);  // read to the end: finished and dropped
    EXPECT_EQ(send(router, {"D", "again"}), EHOSTUNREACH);
}

TEST(DealerRouter, ReconnectingPeerTakesItsIdBackFromItsDeadPipe) {
    Harness h;
    Socket& router = h.make(SocketType::router);
    Socket& old_worker = h.make(SocketType::dealer);
    ASSERT_EQ(set_bytes(old_worker, option::routing_id, "W"), 0);
    h.connect(old_worker, router);
    ASSERT_EQ(send(old_worker, {"last words"}), 0);
    h.close(old_worker);
    h.pump();  // the router learns; the pipe still holds a message
    Socket& new_worker = h.make(SocketType::dealer);
    ASSERT_EQ(set_bytes(new_worker, option::routing_id, "W"), 0);
    h.connect(new_worker, router);
    ASSERT_EQ(send(new_worker, {"hello"}), 0);
    h.pump();
    const std::vector<std::string> got = recv_all(router);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_NE(got[0], "W|last words");  // readable, under a generated id
    EXPECT_NE(got[0].find("last words"), std::string::npos);
    EXPECT_EQ(got[1], "W|hello");
    ASSERT_EQ(send(router, {"W", "welcome"}), 0);
    h.pump();
    EXPECT_EQ(recv(new_worker), "welcome");
}

}  // namespace
}  // namespace sculpin::test
