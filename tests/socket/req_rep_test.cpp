// REQ and REP (RFC 28), in the spirit of libzmq's test_spec_req and test_spec_rep.
#include <gtest/gtest.h>

#include "socket_harness.hpp"

namespace sculpin::test {
namespace {

TEST(ReqRep, RequestAndReplyRoundTrip) {
    Harness h;
    Socket& req = h.make(SocketType::req);
    Socket& rep = h.make(SocketType::rep);
    h.connect(req, rep);
    ASSERT_EQ(send(req, {"hello"}), 0);
    h.pump();
    EXPECT_EQ(recv(rep), "hello");
    ASSERT_EQ(send(rep, {"world"}), 0);
    h.pump();
    EXPECT_EQ(recv(req), "world");
}

TEST(ReqRep, ReqRoutesRequestsRoundRobin) {
    Harness h;
    Socket& req = h.make(SocketType::req);
    std::vector<Socket*> reps;
    for (int i = 0; i < 5; ++i) {
        reps.push_back(&h.make(SocketType::rep));
        h.connect(req, *reps.back());
    }
    for (Socket* rep : reps) {
        ASSERT_EQ(send(req, {"ABC"}), 0);
        h.pump();
        EXPECT_EQ(recv(*rep), "ABC");
        ASSERT_EQ(send(*rep, {"DEF"}), 0);
        h.pump();
        EXPECT_EQ(recv(req), "DEF");
    }
}

TEST(ReqRep, ReqPutsAnEmptyDelimiterInFrontOfTheRequest) {
    Harness h;
    Socket& req = h.make(SocketType::req);
    Socket& router = h.make(SocketType::router);
    h.connect(req, router);
    ASSERT_EQ(send(req, {"ABC", "DEF"}), 0);
    h.pump();
    Message request;
    ASSERT_EQ(router.recv(request), 0);
    ASSERT_EQ(request.size(), 4u);
    EXPECT_EQ(request[0].size(), 5u);  // generated routing id
    EXPECT_TRUE(request[1].empty());
    EXPECT_EQ(request[2].str(), "ABC");
    EXPECT_EQ(request[3].str(), "DEF");
    Message reply;
    reply.push_back(request[0]);
    reply.push_back(Frame());
    reply.push_back(Frame(std::string_view("GHI")));
    ASSERT_EQ(router.send(reply), 0);
    h.pump();
    EXPECT_EQ(recv(req), "GHI");
}

TEST(ReqRep, ReqWithNoPeerBlocksOnSend) {
    Harness h;
    Socket& req = h.make(SocketType::req);
    EXPECT_EQ(send(req, {"x"}), EAGAIN);
    EXPECT_EQ(recv(req), "EFSM");  // the failed send left no request out
}

TEST(ReqRep, ReqEnforcesSendThenReceive) {
    Harness h;
    Socket& req = h.make(SocketType::req);
    Socket& rep = h.make(SocketType::rep);
    h.connect(req, rep);
    EXPECT_EQ(recv(req), "EFSM");
    ASSERT_EQ(send(req, {"1"}), 0);
    EXPECT_EQ(send(req, {"2"}), kEfsm);
    EXPECT_FALSE(req.can_send());
    EXPECT_EQ(recv(req), "EAGAIN");  // right state, no reply yet
}

TEST(ReqRep, RepEnforcesReceiveThenSend) {
    Harness h;
    Socket& req = h.make(SocketType::req);
    Socket& rep = h.make(SocketType::rep);
    h.connect(req, rep);
    EXPECT_EQ(send(rep, {"unasked"}), kEfsm);
    EXPECT_FALSE(rep.can_send());
    ASSERT_EQ(send(req, {"q"}), 0);
    h.pump();
    EXPECT_EQ(recv(rep), "q");
    EXPECT_EQ(recv(rep), "EFSM");
    EXPECT_TRUE(rep.can_send());
    EXPECT_FALSE(rep.can_recv());
    ASSERT_EQ(send(rep, {"a"}), 0);
    EXPECT_EQ(send(rep, {"again"}), kEfsm);
}

TEST(ReqRep, ReqAcceptsTheReplyOnlyFromThePeerItAsked) {
    Harness h;
    Socket& req = h.make(SocketType::req);
    ASSERT_EQ(set_bytes(req, option::routing_id, "A"), 0);
    std::vector<Socket*> routers;
    for (int i = 0; i < 3; ++i) {
        routers.push_back(&h.make(SocketType::router));
        h.connect(req, *routers.back());
    }
    for (size_t i = 0; i < routers.size(); ++i) {
        ASSERT_EQ(send(req, {"ABC"}), 0);
        h.pump();
        EXPECT_EQ(recv(*routers[i]), "A||ABC");
        for (size_t j = 0; j < routers.size(); ++j)
            ASSERT_EQ(send(*routers[j], {"A", "", i == j ? "GOOD" : "WRONG"}), 0);
        h.pump();
        EXPECT_EQ(recv(req), "GOOD");
    }
    EXPECT_EQ(h.drops(req, DropReason::stale_reply).size(), 6u);
}

TEST(ReqRep, ReplyWithoutDelimiterIsDroppedAsMalformed) {
    Harness h;
    Socket& req = h.make(SocketType::req);
    Socket& router = h.make(SocketType::router);
    ASSERT_EQ(set_bytes(req, option::routing_id, "R"), 0);
    h.connect(req, router);
    ASSERT_EQ(send(req, {"q"}), 0);
    h.pump();
    EXPECT_EQ(recv(router), "R||q");
    ASSERT_EQ(send(router, {"R", "no delimiter"}), 0);
    ASSERT_EQ(send(router, {"R", "", "good"}), 0);
    h.pump();
    EXPECT_EQ(recv(req), "good");
    EXPECT_EQ(h.drops(req, DropReason::malformed), std::vector<std::string>{"no delimiter"});
}

TEST(ReqRep, RelaxedReqMaySendAgainAndIgnoresTheOldReply) {
    Harness h;
    Socket& req = h.make(SocketType::req);
    ASSERT_EQ(set_int(req, option::req_relaxed, 1), 0);
    Socket& rep1 = h.make(SocketType::rep);
    Socket& rep2 = h.make(SocketType::rep);
    h.connect(req, rep1);
    h.connect(req, rep2);
    ASSERT_EQ(send(req, {"first"}), 0);
    EXPECT_TRUE(req.can_send());
    ASSERT_EQ(send(req, {"second"}), 0);
    h.pump();
    EXPECT_EQ(recv(rep1), "first");
    EXPECT_EQ(recv(rep2), "second");
    ASSERT_EQ(send(rep1, {"reply to first"}), 0);
    ASSERT_EQ(send(rep2, {"reply to second"}), 0);
    h.pump();
    EXPECT_EQ(recv(req), "reply to second");
    EXPECT_EQ(h.drops(req, DropReason::stale_reply), std::vector<std::string>{"|reply to first"});
}

TEST(ReqRep, CorrelatedReqDropsALateReplyToAnEarlierRequestFromTheSamePeer) {
    Harness h;
    Socket& req = h.make(SocketType::req);
    ASSERT_EQ(set_int(req, option::req_relaxed, 1), 0);
    ASSERT_EQ(set_int(req, option::req_correlate, 1), 0);
    Socket& rep = h.make(SocketType::rep);
    h.connect(req, rep);
    ASSERT_EQ(send(req, {"first"}), 0);
    h.pump();
    EXPECT_EQ(recv(rep), "first");
    // The client gives up and asks again before the slow reply comes.
    ASSERT_EQ(send(req, {"second"}), 0);
    ASSERT_EQ(send(rep, {"reply to first"}), 0);
    h.pump();
    EXPECT_EQ(recv(rep), "second");
    ASSERT_EQ(send(rep, {"reply to second"}), 0);
    h.pump();
    EXPECT_EQ(recv(req), "reply to second");
    ASSERT_EQ(h.drops(req, DropReason::stale_reply).size(), 1u);
    EXPECT_NE(h.drops(req, DropReason::stale_reply)[0].find("reply to first"), std::string::npos);
}

TEST(ReqRep, CorrelatedRequestCarriesAFourByteIdBeforeTheDelimiter) {
    Harness h;
    Socket& req = h.make(SocketType::req);
    ASSERT_EQ(set_int(req, option::req_correlate, 1), 0);
    Socket& router = h.make(SocketType::router);
    h.connect(req, router);
    ASSERT_EQ(send(req, {"q"}), 0);
    h.pump();
    Message request;
    ASSERT_EQ(router.recv(request), 0);
    ASSERT_EQ(request.size(), 4u);
    EXPECT_EQ(request[1].size(), 4u);
    EXPECT_EQ(request[1].view(), std::string_view("\0\0\0\1", 4));  // ids start at 1
    EXPECT_TRUE(request[2].empty());
    // A reply with a wrong id is stale; the echoed one is accepted.
    Message wrong = request;
    wrong[1] = Frame(std::string_view("\0\0\0\7", 4));
    wrong[3] = Frame(std::string_view("wrong"));
    ASSERT_EQ(router.send(wrong), 0);
    request[3] = Frame(std::string_view("right"));
    ASSERT_EQ(router.send(request), 0);
    h.pump();
    EXPECT_EQ(recv(req), "right");
    EXPECT_EQ(h.drops(req, DropReason::stale_reply).size(), 1u);
}

TEST(ReqRep, StrictReqStaysWaitingWhenItsPeerGoesButRelaxedMaySendAgain) {
    for (int relaxed : {0, 1}) {
        Harness h;
        Socket& req = h.make(SocketType::req);
        ASSERT_EQ(set_int(req, option::req_relaxed, relaxed), 0);
        Socket& rep = h.make(SocketType::rep);
        Socket& other = h.make(SocketType::rep);
        h.connect(req, rep);
        ASSERT_EQ(send(req, {"q"}), 0);
        h.close(rep);
        h.pump();
        EXPECT_EQ(req.pipe_count(), 0u);
        h.connect(req, other);
        if (relaxed) {
            ASSERT_EQ(send(req, {"again"}), 0);
            h.pump();
            EXPECT_EQ(recv(other), "again");
        } else {
            EXPECT_EQ(send(req, {"again"}), kEfsm);
            EXPECT_EQ(recv(req), "EAGAIN");
        }
    }
}

TEST(ReqRep, RepRepliesThroughTheEnvelopeOfEachRequest) {
    // DEALER clients speak REP's envelope themselves.
    Harness h;
    Socket& rep = h.make(SocketType::rep);
    Socket& dealer1 = h.make(SocketType::dealer);
    Socket& dealer2 = h.make(SocketType::dealer);
    h.connect(dealer1, rep);
    h.connect(dealer2, rep);
    ASSERT_EQ(send(dealer1, {"", "from 1"}), 0);
    ASSERT_EQ(send(dealer2, {"route", "more", "", "from 2"}), 0);
    h.pump();
    for (int i = 0; i < 2; ++i) {
        const std::string request = recv(rep);
        ASSERT_EQ(send(rep, {"re: " + request}), 0);
    }
    h.pump();
    EXPECT_EQ(recv(dealer1), "|re: from 1");
    EXPECT_EQ(recv(dealer2), "route|more||re: from 2");
}

TEST(ReqRep, RepDropsRequestsWithoutADelimiter) {
    Harness h;
    Socket& rep = h.make(SocketType::rep);
    Socket& dealer = h.make(SocketType::dealer);
    h.connect(dealer, rep);
    ASSERT_EQ(send(dealer, {"no envelope"}), 0);
    ASSERT_EQ(send(dealer, {"nothing after it", ""}), 0);
    ASSERT_EQ(send(dealer, {"", "fine"}), 0);
    h.pump();
    EXPECT_TRUE(rep.can_recv());
    EXPECT_EQ(recv(rep), "fine");
    EXPECT_EQ(h.drops(rep, DropReason::malformed),
              (std::vector<std::string>{"no envelope", "nothing after it|"}));
}

TEST(ReqRep, RepReplyToAPeerThatLeftIsDroppedAsClosed) {
    Harness h;
    Socket& req = h.make(SocketType::req);
    Socket& rep = h.make(SocketType::rep);
    h.connect(req, rep);
    ASSERT_EQ(send(req, {"q"}), 0);
    h.pump();
    EXPECT_EQ(recv(rep), "q");
    h.close(req);
    h.pump();
    EXPECT_EQ(send(rep, {"too late"}), 0);
    EXPECT_EQ(h.drops(rep, DropReason::closed), std::vector<std::string>{"|too late"});
    EXPECT_EQ(recv(rep), "EAGAIN");  // back to receiving
}

TEST(ReqRep, RepFairQueuesRequests) {
    Harness h;
    Socket& rep = h.make(SocketType::rep);
    std::vector<Socket*> reqs;
    for (int i = 0; i < 3; ++i) {
        reqs.push_back(&h.make(SocketType::req));
        h.connect(*reqs.back(), rep);
        ASSERT_EQ(send(*reqs.back(), {"r" + std::to_string(i)}), 0);
    }
    h.pump();
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(recv(rep), "r" + std::to_string(i));
        ASSERT_EQ(send(rep, {"a" + std::to_string(i)}), 0);
    }
    h.pump();
    for (int i = 0; i < 3; ++i) EXPECT_EQ(recv(*reqs[i]), "a" + std::to_string(i));
}

}  // namespace
}  // namespace sculpin::test
