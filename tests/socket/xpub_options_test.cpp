// XPUB_NODROP, XPUB_MANUAL, XPUB_WELCOME_MSG, INVERT_MATCHING, and XPUB_VERBOSE with a
// SUB that subscribes twice: the publisher options libzmq's own tests rely on.
#include <gtest/gtest.h>

#include "socket_harness.hpp"
#include "subscription_messages.hpp"

namespace sculpin::test {
namespace {

// --- XPUB_NODROP ---------------------------------------------------------------------------

TEST(XPubNoDrop, SendFailsWithEagainAtTheHighWaterMarkAndDropsNothing) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    ASSERT_EQ(set_int(xpub, option::xpub_nodrop, 1), 0);
    Socket& sub = h.make(SocketType::sub);
    ASSERT_EQ(sub.set_option(option::subscribe, nullptr, 0), 0);
    h.connect(xpub, sub, /*a_to_b=*/2);
    h.pump();
    ASSERT_EQ(send(xpub, {"m1"}), 0);
    ASSERT_EQ(send(xpub, {"m2"}), 0);
    EXPECT_FALSE(xpub.can_send());
    EXPECT_EQ(send(xpub, {"m3"}), EAGAIN);
    EXPECT_TRUE(h.drops().empty());

    // Room again once the subscriber reads: the blocked sender is told and may go on.
    EXPECT_EQ(recv(sub), "m1");
    h.pump();
    EXPECT_TRUE(xpub.can_send());
    ASSERT_EQ(send(xpub, {"m3"}), 0);
    h.pump();
    EXPECT_EQ(recv_all(sub), (std::vector<std::string>{"m2", "m3"}));
    EXPECT_TRUE(h.drops().empty());
}

TEST(XPubNoDrop, AFullPipeTakesMoreOnlyOnceDrainedToItsLowWaterMark) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    ASSERT_EQ(set_int(xpub, option::xpub_nodrop, 1), 0);
    Socket& sub = h.make(SocketType::sub);
    ASSERT_EQ(sub.set_option(option::subscribe, nullptr, 0), 0);
    h.connect(xpub, sub, /*a_to_b=*/4);  // low-water mark 2
    h.pump();
    for (const char* text : {"m1", "m2", "m3", "m4"}) ASSERT_EQ(send(xpub, {text}), 0);
    EXPECT_EQ(send(xpub, {"m5"}), EAGAIN);
    EXPECT_EQ(recv(sub), "m1");  // 3 queued: above the low-water mark
    h.pump();
    EXPECT_FALSE(xpub.can_send());
    EXPECT_EQ(send(xpub, {"m5"}), EAGAIN);
    EXPECT_EQ(recv(sub), "m2");  // 2 queued: the low-water mark
    h.pump();
    EXPECT_TRUE(xpub.can_send());
    EXPECT_EQ(send(xpub, {"m5"}), 0);
    EXPECT_TRUE(h.drops().empty());
}

TEST(XPubNoDrop, WithoutItAFullPipeLosesItsCopy) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    Socket& sub = h.make(SocketType::sub);
    ASSERT_EQ(sub.set_option(option::subscribe, nullptr, 0), 0);
    h.connect(xpub, sub, /*a_to_b=*/2);
    h.pump();
    for (const char* text : {"m1", "m2", "m3"}) ASSERT_EQ(send(xpub, {text}), 0);
    EXPECT_TRUE(xpub.can_send());
    EXPECT_EQ(h.drops(xpub, DropReason::hwm), std::vector<std::string>{"m3"});
}

TEST(XPubNoDrop, OnlyTheMatchedPipesHoldASendBack) {
    Harness h;
    Socket& pub = h.make(SocketType::pub);  // PUB takes the option too
    ASSERT_EQ(set_int(pub, option::xpub_nodrop, 1), 0);
    Socket& sub_a = h.make(SocketType::sub);
    Socket& sub_b = h.make(SocketType::sub);
    ASSERT_EQ(set_bytes(sub_a, option::subscribe, "a"), 0);
    ASSERT_EQ(set_bytes(sub_b, option::subscribe, "b"), 0);
    h.connect(pub, sub_a, /*a_to_b=*/1);
    h.connect(pub, sub_b, /*a_to_b=*/1);
    h.pump();
    ASSERT_EQ(send(pub, {"a1"}), 0);
    EXPECT_EQ(send(pub, {"a2"}), EAGAIN);  // sub_a's pipe is full
    EXPECT_EQ(send(pub, {"b1"}), 0);       // sub_b's is not
    EXPECT_EQ(recv_all(sub_b), std::vector<std::string>{"b1"});
    EXPECT_EQ(recv_all(sub_a), std::vector<std::string>{"a1"});
    EXPECT_TRUE(h.drops().empty());
}

TEST(XPubNoDrop, AcceptsOnlyAnIntAndIsNotForOtherTypes) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    EXPECT_EQ(set_int(xpub, option::xpub_nodrop, -1), EINVAL);
    const char byte = 1;
    EXPECT_EQ(xpub.set_option(option::xpub_nodrop, &byte, 1), EINVAL);
    Socket& push = h.make(SocketType::push);
    EXPECT_EQ(set_int(push, option::xpub_nodrop, 1), EINVAL);
}

// --- XPUB_MANUAL ---------------------------------------------------------------------------

TEST(XPubManual, SubscriptionsGoToTheApplicationWhichAppliesItsOwn) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    ASSERT_EQ(set_int(xpub, option::xpub_manual, 1), 0);
    Socket& xsub = h.make(SocketType::xsub);
    h.connect(xpub, xsub);
    ASSERT_EQ(send(xsub, {subscribe_msg("A")}), 0);
    h.pump();
    EXPECT_EQ(recv(xpub), shown(subscribe_msg("A")));
    // Not applied: A goes nowhere until the application subscribes the pipe to it.
    ASSERT_EQ(set_bytes(xpub, option::subscribe, "B"), 0);
    ASSERT_EQ(send(xpub, {"A"}), 0);
    ASSERT_EQ(send(xpub, {"B"}), 0);
    h.pump();
    EXPECT_EQ(recv_all(xsub), std::vector<std::string>{"B"});
    EXPECT_EQ(h.drops(xpub, DropReason::filtered), std::vector<std::string>{"A"});
}

TEST(XPubManual, UnsubscribeActsOnThePipeOfTheLastReceivedSubscription) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    ASSERT_EQ(set_int(xpub, option::xpub_manual, 1), 0);
    Socket& xsub = h.make(SocketType::xsub);
    h.connect(xpub, xsub);
    ASSERT_EQ(send(xsub, {subscribe_msg("A")}), 0);
    ASSERT_EQ(send(xsub, {subscribe_msg("B")}), 0);
    h.pump();
    EXPECT_EQ(recv(xpub), shown(subscribe_msg("A")));
    ASSERT_EQ(set_bytes(xpub, option::subscribe, "XA"), 0);
    EXPECT_EQ(recv(xpub), shown(subscribe_msg("B")));
    ASSERT_EQ(set_bytes(xpub, option::subscribe, "XB"), 0);
    ASSERT_EQ(send(xsub, {cancel_msg("A")}), 0);
    h.pump();
    EXPECT_EQ(recv(xpub), shown(cancel_msg("A")));
    ASSERT_EQ(set_bytes(xpub, option::unsubscribe, "XA"), 0);
    ASSERT_EQ(send(xpub, {"XA"}), 0);
    ASSERT_EQ(send(xpub, {"XB"}), 0);
    h.pump();
    EXPECT_EQ(recv_all(xsub), std::vector<std::string>{"XB"});

    // The departing peer had asked for B (A was cancelled): the application hears of B.
    h.close(xsub);
    h.pump();
    EXPECT_EQ(recv_all(xpub), std::vector<std::string>{shown(cancel_msg("B"))});
    // With no pipe to act on, the option does nothing, successfully.
    EXPECT_EQ(set_bytes(xpub, option::unsubscribe, "XB"), 0);
}

TEST(XPubManual, EveryRequestIsPassedOnAndEveryDepartureCancelsIt) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    ASSERT_EQ(set_int(xpub, option::xpub_manual, 1), 0);
    Socket& sub1 = h.make(SocketType::sub);
    Socket& sub2 = h.make(SocketType::sub);
    h.connect(xpub, sub1);
    h.connect(xpub, sub2);
    ASSERT_EQ(set_bytes(sub1, option::subscribe, "1"), 0);
    ASSERT_EQ(set_bytes(sub2, option::subscribe, "1"), 0);
    h.pump();
    // A duplicate is not hidden: a proxy must forward each one.
    EXPECT_EQ(recv_all(xpub),
              (std::vector<std::string>{shown(subscribe_msg("1")), shown(subscribe_msg("1"))}));
    h.close(sub1);
    h.close(sub2);
    h.pump();
    EXPECT_EQ(recv_all(xpub),
              (std::vector<std::string>{shown(cancel_msg("1")), shown(cancel_msg("1"))}));
}

TEST(XPubManual, SubscribeIsRefusedWithoutManualAndOnPub) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    EXPECT_EQ(set_bytes(xpub, option::subscribe, "A"), EINVAL);
    Socket& pub = h.make(SocketType::pub);
    EXPECT_EQ(set_int(pub, option::xpub_manual, 1), EINVAL);
}

// --- XPUB_WELCOME_MSG ----------------------------------------------------------------------

TEST(XPubWelcome, EachNewSubscriberGetsTheWelcomeMessageFirst) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    ASSERT_EQ(set_bytes(xpub, option::xpub_welcome_msg, "W"), 0);
    Socket& sub1 = h.make(SocketType::sub);
    Socket& sub2 = h.make(SocketType::sub);
    ASSERT_EQ(set_bytes(sub1, option::subscribe, "W"), 0);
    ASSERT_EQ(set_bytes(sub2, option::subscribe, "W"), 0);
    h.connect(xpub, sub1);
    h.pump();
    EXPECT_EQ(recv(xpub), shown(subscribe_msg("W")));
    ASSERT_EQ(send(xpub, {"W2"}), 0);
    h.connect(xpub, sub2);  // after the send: sees only its welcome
    h.pump();
    EXPECT_EQ(recv_all(sub1), (std::vector<std::string>{"W", "W2"}));
    EXPECT_EQ(recv_all(sub2), std::vector<std::string>{"W"});
}

TEST(XPubWelcome, AnEmptyValueRemovesIt) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    ASSERT_EQ(set_bytes(xpub, option::xpub_welcome_msg, "W"), 0);
    ASSERT_EQ(xpub.set_option(option::xpub_welcome_msg, nullptr, 0), 0);
    Socket& sub = h.make(SocketType::sub);
    ASSERT_EQ(sub.set_option(option::subscribe, nullptr, 0), 0);
    h.connect(xpub, sub);
    h.pump();
    EXPECT_EQ(recv(sub), "EAGAIN");
}

// --- INVERT_MATCHING -----------------------------------------------------------------------

TEST(InvertMatching, PublisherSendsToThePeersThatDoNotMatch) {
    Harness h;
    Socket& pub = h.make(SocketType::pub);
    Socket& sub1 = h.make(SocketType::sub);
    Socket& sub2 = h.make(SocketType::sub);
    ASSERT_EQ(set_bytes(sub1, option::subscribe, "prefix1"), 0);
    ASSERT_EQ(set_bytes(sub2, option::subscribe, "p2"), 0);
    h.connect(pub, sub1);
    h.connect(pub, sub2);
    h.pump();
    ASSERT_EQ(send(pub, {"prefix1"}), 0);
    h.pump();
    EXPECT_EQ(recv_all(sub1), std::vector<std::string>{"prefix1"});
    EXPECT_EQ(recv_all(sub2), std::vector<std::string>{});

    ASSERT_EQ(set_int(pub, option::invert_matching, 1), 0);
    ASSERT_EQ(set_int(sub1, option::invert_matching, 1), 0);
    ASSERT_EQ(set_int(sub2, option::invert_matching, 1), 0);
    ASSERT_EQ(send(pub, {"prefix1"}), 0);
    ASSERT_EQ(send(pub, {"p2"}), 0);
    h.pump();
    EXPECT_EQ(recv_all(sub1), std::vector<std::string>{"p2"});
    EXPECT_EQ(recv_all(sub2), std::vector<std::string>{"prefix1"});
    EXPECT_TRUE(h.drops().empty());
}

TEST(InvertMatching, SubscriberKeepsWhatItsSubscriptionsDoNotMatch) {
    Harness h;
    // A peer that sends everything, as a ZMTP 3.0 publisher does: the subscriber filters.
    Socket& unfiltered = h.make(SocketType::pair);
    Socket& sub = h.make(SocketType::sub);
    ASSERT_EQ(set_int(sub, option::invert_matching, 1), 0);
    int value = 0;
    size_t size = sizeof value;
    ASSERT_EQ(sub.get_option(option::invert_matching, &value, &size), 0);
    EXPECT_EQ(value, 1);
    h.connect(unfiltered, sub);
    ASSERT_EQ(set_bytes(sub, option::subscribe, "a"), 0);
    h.pump();
    EXPECT_EQ(recv(unfiltered), shown(subscribe_msg("a")));
    for (const char* text : {"a1", "b1", "ab", "c"}) ASSERT_EQ(send(unfiltered, {text}), 0);
    h.pump();
    EXPECT_EQ(recv_all(sub), (std::vector<std::string>{"b1", "c"}));
    EXPECT_EQ(h.drops(sub, DropReason::filtered), (std::vector<std::string>{"a1", "ab"}));
}

TEST(InvertMatching, AnXSubDoesNotFilterEitherWay) {
    Harness h;
    // As libzmq: the publisher decides what an XSUB gets (a proxy's XPUB filters, and one
    // with XPUB_MANUAL may send topics the XSUB never asked for).
    Socket& unfiltered = h.make(SocketType::pair);
    Socket& xsub = h.make(SocketType::xsub);
    h.connect(unfiltered, xsub);
    ASSERT_EQ(send(xsub, {subscribe_msg("a")}), 0);
    for (const char* text : {"a1", "b1"}) ASSERT_EQ(send(unfiltered, {text}), 0);
    h.pump();
    EXPECT_EQ(recv_all(xsub), (std::vector<std::string>{"a1", "b1"}));
    ASSERT_EQ(set_int(xsub, option::invert_matching, 1), 0);
    for (const char* text : {"a2", "b2"}) ASSERT_EQ(send(unfiltered, {text}), 0);
    h.pump();
    EXPECT_EQ(recv_all(xsub), (std::vector<std::string>{"a2", "b2"}));
    EXPECT_TRUE(h.drops().empty());
}

// --- XPUB_VERBOSE with a SUB that subscribes twice (test_xpub_verbose hung on this) -----

TEST(XPubVerbose, ASubscribeRepeatedOnOneSubReachesAVerboseXPub) {
    Harness h;
    Socket& xpub = h.make(SocketType::xpub);
    Socket& sub = h.make(SocketType::sub);
    h.connect(xpub, sub);
    ASSERT_EQ(set_bytes(sub, option::subscribe, "A"), 0);
    h.pump();
    EXPECT_EQ(recv(xpub), shown(subscribe_msg("A")));
    ASSERT_EQ(set_bytes(sub, option::subscribe, "A"), 0);
    h.pump();
    EXPECT_EQ(recv(xpub), "EAGAIN");  // a duplicate: hidden without VERBOSE
    ASSERT_EQ(set_int(xpub, option::xpub_verbose, 1), 0);
    ASSERT_EQ(set_bytes(sub, option::subscribe, "A"), 0);
    h.pump();
    EXPECT_EQ(recv(xpub), shown(subscribe_msg("A")));

    // The SUB counts its holds: three subscribes need three unsubscribes, and only the
    // last one is sent.
    ASSERT_EQ(set_int(xpub, option::xpub_verboser, 1), 0);
    for (int i = 0; i < 2; ++i) ASSERT_EQ(set_bytes(sub, option::unsubscribe, "A"), 0);
    h.pump();
    EXPECT_EQ(recv(xpub), "EAGAIN");
    ASSERT_EQ(set_bytes(sub, option::unsubscribe, "A"), 0);
    h.pump();
    EXPECT_EQ(recv_all(xpub), std::vector<std::string>{shown(cancel_msg("A"))});
}

}  // namespace
}  // namespace sculpin::test
