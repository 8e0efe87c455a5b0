// PUB, SUB, XPUB and XSUB (RFC 29).
#include <gtest/gtest.h>

#include "socket_harness.hpp"
#include "subscription_messages.hpp"

namespace sculpin::test {
namespace {

TEST(PubSub, SubReceivesOnlyTopicsItSubscribedToByPrefix) {
    Harness h;
    Socket& pub = h.make(SocketType::pub);
    Socket& sub = h.make(SocketType::sub);
    ASSERT_EQ(set_bytes(sub, option::subscribe, "weather."), 0);
    h.connect(pub, sub);
    h.pump();
    for (const char* s : {"weather.paris", "sports.tennis", "weather", "weather.rome"})
        ASSERT_EQ(send(pub, {s, "body"}), 0);
    h.pump();
    EXPECT_EQ(recv_all(sub), (std::vector<std::string>{"weather.paris|body", "weather.rome|body"}));
    // Filtered at the publisher: one report per message nobody wanted.
    EXPECT_EQ(h.drops(pub, DropReason::filtered),
              (std::vector<std::string>{"sports.tennis|body", "weather|body"}));
}

TEST(PubSub, EmptySubscriptionMatchesEverything) {
    Harness h;
    Socket& pub = h.make(SocketType::pub);
    Socket& sub = h.make(SocketType::sub);
    h.connect(pub, sub);
    ASSERT_EQ(sub.set_option(option::subscribe, nullptr, 0), 0);
    h.pump();
    ASSERT_EQ(send(pub, {"anything"}), 0);
    ASSERT_EQ(send(pub, {""}), 0);
    h.pump();
    EXPECT_EQ(recv_all(sub), (std::vector<std::string>{"anything", ""}));
}

TEST(PubSub, SubscriptionsMadeBeforeConnectingAreSentOnAttach) {
    Harness h;
    Socket& pub = h.make(SocketType::pub);
    Socket& sub1 = h.make(SocketType::sub);
    Socket& sub2 = h.make(SocketType::sub);
    ASSERT_EQ(set_bytes(sub1, option::subscribe, "a"), 0);
    ASSERT_EQ(set_bytes(sub2, option::subscribe, "b"), 0);
    h.connect(pub, sub1);
    h.connect(pub, sub2);
    h.pump();
    ASSERT_EQ(send(pub, {"a1"}), 0);
    ASSERT_EQ(send(pub, {"b1"}), 0);
    h.pump();
    EXPECT_EQ(recv_all(sub1), std::vector<std::string>{"a1"});
    EXPECT_EQ(recv_all(sub2), std::vector<std::string>{"b1"});
}

TEST(PubSub, UnsubscribeStopsDeliveryOnlyAfterTheLastHold) {
    Harness h;
    Socket& pub = h.make(SocketType::pub);
    Socket& sub = h.make(SocketType::sub);
    h.connect(pub, sub);
    ASSERT_EQ(set_bytes(sub, option::subscribe, "t"), 0);
    ASSERT_EQ(set_bytes(sub, option::subscribe, "t"), 0);
    ASSERT_EQ(set_bytes(sub, option::unsubscribe, "t"), 0);
    h.pump();
    ASSERT_EQ(send(pub, {"t1"}), 0);
    h.pump();
    EXPECT_EQ(recv_all(sub), std::vector<std::string>{"t1"});
    ASSERT_EQ(set_bytes(sub, option::unsubscribe, "t"), 0);
    h.pump();
    ASSERT_EQ(send(pub, {"t2"}), 0);
    h.pump();
    EXPECT_EQ(recv(sub), "EAGAIN");
    EXPECT_EQ(h.drops(pub, DropReason::filtered), std::vector<std::string>{"t2"});
}

TEST(PubSub, PubWithNoSubscriberPipesReportsNoPeer) {
    Harness h;
    Socket& pub = h.make(SocketType::pub);
    EXPECT_TRUE(pub.can_send());
    EXPECT_EQ(send(pub, {"into the void"}), 0);
    EXPECT_EQ(h.drops(pub, DropReason::no_peer), std::vector<std::string>{"into the void"});
}

TEST(PubSub, PubDropsForASlowSubscriberAtHwmAndNeverBlocks) {
    Harness h;
    Socket& pub = h.make(SocketType::pub);
    Socket& slow = h.make(SocketType::sub);
    Socket& fast = h.make(SocketType::sub);
    ASSERT_EQ(set_bytes(slow, option::subscribe, ""), 0);
    ASSERT_EQ(set_bytes(fast, option::subscribe, ""), 0);
    h.connect(pub, slow, 2);
    h.connect(pub, fast, 100);
    h.pump();
    for (const char* s : {"1", "2", "3", "4"}) {
        EXPECT_EQ(send(pub, {s}), 0);
        EXPECT_TRUE(pub.can_send());
    }
    h.pump();
    EXPECT_EQ(h.drops(pub, DropReason::hwm), (std::vector<std::string>{"3", "4"}));
    EXPECT_EQ(recv_all(slow), (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(recv_all(fast), (std::vector<std::string>{"1", "2", "3", "4"}));
    // Drained: the slow subscriber gets messages again.
    h.pump();
    ASSERT_EQ(send(pub, {"5"}), 0);
    h.pump();
    EXPECT_EQ(recv_all(slow), std::vector<std::string>{"5"});
}

TEST(PubSub, PubAndSubRefuseTheWrongDirection) {
    Harness h;
    Socket& pub = h.make(SocketType::pub);
    Socket& sub = h.make(SocketType::sub);
    EXPECT_EQ(recv(pub), "ENOTSUP");
    EXPECT_EQ(send(sub, {"x"}), ENOTSUP);
    EXPECT_FALSE(sub.can_send());
    EXPECT_FALSE(pub.can_recv());
}

TEST(PubSub, SubFiltersWhatAnUnfilteringPublisherSends) {
    // A ZMTP 3.0 publisher (or anything that ignores subscriptions) sends everything.
    Harness h;
    Socket& sub = h.make(SocketType::sub);
    auto [publisher, end] = make_pipe(100, 100);
    end->peer_info.socket_type = SocketType::pub;
    sub.attach(end);
    ASSERT_EQ(set_bytes(sub, option::subscribe, "yes"), 0);
    for (const char* s : {"no.1", "yes.1", "no.2", "yes.2"}) {
        Message m{s};
        publisher->write(m);
    }
    sub.pipe_readable(end->id());
    EXPECT_TRUE(sub.can_recv());
    EXPECT_EQ(recv_all(sub), (std::vector<std::string>{"yes.1", "yes.2"}));
    EXPECT_EQ(h.drops(sub, DropReason::filtered), (std::vector<std::string>{"no.1", "no.2"}));
}

// Every subscribe, as libzmq 4.3: the publisher removes duplicates unless XPUB_VERBOSE.
TEST(PubSub, SubSendsEverySubscribeAndTheLastCancelToItsPublishers) {
    Harness h;
    Socket& sub = h.make(SocketType::sub);
    auto [publisher, end] = make_pipe(100, 100);
    sub.attach(end);
    ASSERT_EQ(set_bytes(sub, option::subscribe, "a"), 0);
    ASSERT_EQ(set_bytes(sub, option::subscribe, "a"), 0);
    ASSERT_EQ(set_bytes(sub, option::unsubscribe, "a"), 0);
    ASSERT_EQ(set_bytes(sub, option::unsubscribe, "a"), 0);
    ASSERT_EQ(set_bytes(sub, option::unsubscribe, "never"), 0);
    std::vector<std::string> seen;
    Message m;
    while (publisher->read(m)) seen.push_back(m.front().str());
    EXPECT_EQ(seen, (std::vector<std::string>{subscribe_msg("a"), subscribe_msg("a"),
                                              cancel_msg("a")}));
}

TEST(PubSub, SubscriptionMessagesIgnoreTheHighWaterMark) {
    Harness h;
    Socket& sub = h.make(SocketType::sub);
    auto [publisher, end] = make_pipe(1, 1);
    sub.attach(end);
    for (const char* t : {"a", "b", "c"}) ASSERT_EQ(set_bytes(sub, option::subscribe, t), 0);
    EXPECT_EQ(publisher->inbound_size(), 3u);
}

TEST(PubSub, ConflatingSubKeepsOnlyTheNewestMatchingMessage) {
    Harness h;
    Socket& pub = h.make(SocketType::pub);
    Socket& sub = h.make(SocketType::sub);
    ASSERT_EQ(set_int(sub, option::conflate, 1), 0);
    ASSERT_EQ(set_bytes(sub, option::subscribe, "price"), 0);
    h.connect(pub, sub);
    h.pump();
    for (const char* s : {"price 1", "price 2", "news", "price 3"}) ASSERT_EQ(send(pub, {s}), 0);
    h.pump();
    EXPECT_EQ(recv(sub), "price 3");
    EXPECT_EQ(recv(sub), "EAGAIN");
    EXPECT_EQ(h.drops(sub, DropReason::conflated),
              (std::vector<std::string>{"price 1", "price 2"}));
}

TEST(PubSub, DepartedSubscribersSubscriptionsAreForgotten) {
    Harness h;
    Socket& pub = h.make(SocketType::pub);
    Socket& sub = h.make(SocketType::sub);
    ASSERT_EQ(set_bytes(sub, option::subscribe, "t"), 0);
    h.connect(pub, sub);
    h.pump();
    h.close(sub);
    h.pump();
    EXPECT_EQ(pub.pipe_count(), 0u);
    ASSERT_EQ(send(pub, {"t"}), 0);
    EXPECT_EQ(h.drops(pub, DropReason::no_peer), std::vector<std::string>{"t"});
}

TEST(XPubXSub, XPubReceivesNewSubscriptionsAndLastCancellations) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    Socket& sub1 = h.make(SocketType::sub);
    Socket& sub2 = h.make(SocketType::sub);
    h.connect(xpub, sub1);
    h.connect(xpub, sub2);
    ASSERT_EQ(set_bytes(sub1, option::subscribe, "A"), 0);
    ASSERT_EQ(set_bytes(sub2, option::subscribe, "A"), 0);
    ASSERT_EQ(set_bytes(sub2, option::subscribe, "B"), 0);
    h.pump();
    EXPECT_TRUE(xpub.can_recv());
    EXPECT_EQ(recv_all(xpub),
              (std::vector<std::string>{shown(subscribe_msg("A")), shown(subscribe_msg("B"))}));
    ASSERT_EQ(set_bytes(sub1, option::unsubscribe, "A"), 0);
    h.pump();
    EXPECT_EQ(recv(xpub), "EAGAIN");  // sub2 still holds A
    ASSERT_EQ(set_bytes(sub2, option::unsubscribe, "A"), 0);
    h.pump();
    EXPECT_EQ(recv_all(xpub), std::vector<std::string>{shown(cancel_msg("A"))});
}

TEST(XPubXSub, XPubVerbosePassesEverySubscribe) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    ASSERT_EQ(set_int(xpub, option::xpub_verbose, 1), 0);
    Socket& sub1 = h.make(SocketType::sub);
    Socket& sub2 = h.make(SocketType::sub);
    h.connect(xpub, sub1);
    h.connect(xpub, sub2);
    ASSERT_EQ(set_bytes(sub1, option::subscribe, "A"), 0);
    ASSERT_EQ(set_bytes(sub2, option::subscribe, "A"), 0);
    h.pump();
    EXPECT_EQ(recv_all(xpub),
              (std::vector<std::string>{shown(subscribe_msg("A")), shown(subscribe_msg("A"))}));
    ASSERT_EQ(set_bytes(sub1, option::unsubscribe, "A"), 0);
    h.pump();
    EXPECT_EQ(recv(xpub), "EAGAIN");  // VERBOSE does not pass cancels
}

TEST(XPubXSub, XPubVerboserPassesEverySubscribeAndCancel) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    ASSERT_EQ(set_int(xpub, option::xpub_verboser, 1), 0);
    Socket& sub1 = h.make(SocketType::sub);
    Socket& sub2 = h.make(SocketType::sub);
    h.connect(xpub, sub1);
    h.connect(xpub, sub2);
    ASSERT_EQ(set_bytes(sub1, option::subscribe, "A"), 0);
    ASSERT_EQ(set_bytes(sub2, option::subscribe, "A"), 0);
    h.pump();
    ASSERT_EQ(set_bytes(sub1, option::unsubscribe, "A"), 0);
    h.pump();
    EXPECT_EQ(recv_all(xpub),
              (std::vector<std::string>{shown(subscribe_msg("A")), shown(subscribe_msg("A")),
                                        shown(cancel_msg("A"))}));
}

TEST(XPubXSub, XPubTellsOfCancellationsWhenASubscriberLeaves) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    Socket& sub = h.make(SocketType::sub);
    h.connect(xpub, sub);
    ASSERT_EQ(set_bytes(sub, option::subscribe, "B"), 0);
    ASSERT_EQ(set_bytes(sub, option::subscribe, "A"), 0);
    h.pump();
    EXPECT_EQ(recv_all(xpub).size(), 2u);
    h.close(sub);
    h.pump();
    EXPECT_EQ(recv_all(xpub),
              (std::vector<std::string>{shown(cancel_msg("A")), shown(cancel_msg("B"))}));
}

TEST(XPubXSub, XSubSubscribesBySendingMessagesAndForwardsThem) {
    Harness h;
    Socket& pub = h.make(SocketType::pub);
    Socket& xsub = h.make(SocketType::xsub);
    h.connect(pub, xsub);
    EXPECT_TRUE(xsub.can_send());
    ASSERT_EQ(send(xsub, {subscribe_msg("x")}), 0);
    h.pump();
    ASSERT_EQ(send(pub, {"x1"}), 0);
    ASSERT_EQ(send(pub, {"y1"}), 0);
    h.pump();
    EXPECT_EQ(recv_all(xsub), std::vector<std::string>{"x1"});
    ASSERT_EQ(send(xsub, {cancel_msg("x")}), 0);
    h.pump();
    ASSERT_EQ(send(pub, {"x2"}), 0);
    h.pump();
    EXPECT_EQ(recv(xsub), "EAGAIN");
}

TEST(XPubXSub, XSubResendsItsSubscriptionsToANewPublisher) {
    Harness h;
    Socket& xsub = h.make(SocketType::xsub);
    ASSERT_EQ(send(xsub, {subscribe_msg("late")}), 0);
    Socket& pub = h.make(SocketType::pub);
    h.connect(pub, xsub);
    h.pump();
    ASSERT_EQ(send(pub, {"late news"}), 0);
    h.pump();
    EXPECT_EQ(recv(xsub), "late news");
}

TEST(XPubXSub, DataSentUpstreamByXSubReachesTheXPubApplication) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    Socket& xsub = h.make(SocketType::xsub);
    h.connect(xpub, xsub);
    ASSERT_EQ(send(xsub, {"hello upstream"}), 0);
    h.pump();
    EXPECT_EQ(recv(xpub), "hello upstream");
}

TEST(XPubXSub, PubDropsDataSentUpstreamAsMalformed) {
    Harness h;
    Socket& pub = h.make(SocketType::pub);
    Socket& xsub = h.make(SocketType::xsub);
    h.connect(pub, xsub);
    ASSERT_EQ(send(xsub, {"hello upstream"}), 0);
    h.pump();
    EXPECT_EQ(h.drops(pub, DropReason::malformed), std::vector<std::string>{"hello upstream"});
}

TEST(XPubXSub, ProxyChainCarriesSubscriptionsUpAndDataDown) {
    // pub -> xsub | xpub -> sub, the proxy loop done by hand.
    Harness h;
    Socket& pub = h.make(SocketType::pub);
    Socket& xsub = h.make(SocketType::xsub);
    Socket& xpub = h.make(SocketType::xpub);
    Socket& sub = h.make(SocketType::sub);
    h.connect(pub, xsub);
    h.connect(xpub, sub);
    ASSERT_EQ(set_bytes(sub, option::subscribe, "k"), 0);
    h.pump();
    Message m;
    ASSERT_EQ(xpub.recv(m), 0);
    ASSERT_EQ(xsub.send(m), 0);
    h.pump();
    ASSERT_EQ(send(pub, {"k1"}), 0);
    ASSERT_EQ(send(pub, {"z1"}), 0);
    h.pump();
    while (xsub.recv(m) == 0) ASSERT_EQ(xpub.send(m), 0);
    h.pump();
    EXPECT_EQ(recv_all(sub), std::vector<std::string>{"k1"});
}

}  // namespace
}  // namespace sculpin::test
