// The routing strategies on their own, over bare pipes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "socket/distributor.hpp"
#include "socket/fair_queue.hpp"
#include "socket/load_balancer.hpp"
#include "socket/subscription_trie.hpp"

namespace sculpin {
namespace {

Message text(std::string_view s) {
    return Message{s};
}

std::string read_text(PipeEnd& end) {
    Message out;
    return end.read(out) ? out.to_display_string() : "<empty>";
}

TEST(LoadBalancer, SendsRoundRobinOverPipes) {
    auto [a1, b1] = make_pipe(10, 10);
    auto [a2, b2] = make_pipe(10, 10);
    auto [a3, b3] = make_pipe(10, 10);
    LoadBalancer lb;
    lb.attach(*a1);
    lb.attach(*a2);
    lb.attach(*a3);
    for (const char* s : {"1", "2", "3", "4", "5", "6"}) {
        Message m = text(s);
        ASSERT_TRUE(lb.send(m));
    }
    EXPECT_EQ(read_text(*b1), "1");
    EXPECT_EQ(read_text(*b2), "2");
    EXPECT_EQ(read_text(*b3), "3");
    EXPECT_EQ(read_text(*b1), "4");
    EXPECT_EQ(read_text(*b2), "5");
    EXPECT_EQ(read_text(*b3), "6");
}

TEST(LoadBalancer, SkipsFullPipesUntilActivated) {
    auto [a1, b1] = make_pipe(1, 1);
    auto [a2, b2] = make_pipe(10, 10);
    LoadBalancer lb;
    lb.attach(*a1);
    lb.attach(*a2);
    for (const char* s : {"1", "2", "3", "4"}) {
        Message m = text(s);
        ASSERT_TRUE(lb.send(m));
    }
    EXPECT_EQ(lb.active_count(), 1u);
    EXPECT_EQ(read_text(*b1), "1");
    EXPECT_EQ(read_text(*b2), "2");
    EXPECT_EQ(read_text(*b2), "3");
    EXPECT_EQ(read_text(*b2), "4");
    lb.activate(*a1);
    EXPECT_EQ(lb.active_count(), 2u);
}

TEST(LoadBalancer, FailsWithMessageUntouchedWhenNoPipeHasRoom) {
    auto [a, b] = make_pipe(1, 1);
    LoadBalancer lb;
    Message m = text("x");
    EXPECT_FALSE(lb.send(m));  // no pipes at all
    lb.attach(*a);
    EXPECT_TRUE(lb.send(m));
    Message second = text("y");
    EXPECT_FALSE(lb.send(second));
    EXPECT_EQ(second, text("y"));
    EXPECT_FALSE(lb.has_out());
}

TEST(LoadBalancer, ReportsPipesWhosePeerIsGone) {
    auto [a, b] = make_pipe(10, 10);
    LoadBalancer lb;
    lb.attach(*a);
    b->close();
    Message m = text("x");
    EXPECT_FALSE(lb.send(m));
    EXPECT_EQ(lb.take_finished(), std::vector<uint64_t>{a->id()});
    lb.remove(*a);
    EXPECT_EQ(lb.size(), 0u);
}

TEST(LoadBalancer, RemovingPipesMidRotationKeepsTheRestInTurn) {
    auto [a1, b1] = make_pipe(10, 10);
    auto [a2, b2] = make_pipe(10, 10);
    auto [a3, b3] = make_pipe(10, 10);
    LoadBalancer lb;
    lb.attach(*a1);
    lb.attach(*a2);
    lb.attach(*a3);
    Message m = text("1");
    ASSERT_TRUE(lb.send(m));  // to a1; a2 is next
    lb.remove(*a2);
    lb.remove(*a1);
    for (const char* s : {"2", "3"}) {
        Message next = text(s);
        ASSERT_TRUE(lb.send(next));
    }
    EXPECT_EQ(b3->inbound_size(), 2u);
    lb.remove(*a3);
    Message last = text("4");
    EXPECT_FALSE(lb.send(last));
    EXPECT_EQ(lb.size(), 0u);
}

TEST(FairQueue, ReadsRoundRobinAcrossPipes) {
    auto [a1, b1] = make_pipe(10, 10);
    auto [a2, b2] = make_pipe(10, 10);
    FairQueue fq;
    fq.attach(*b1);
    fq.attach(*b2);
    for (const char* s : {"a1", "a2"}) {
        Message m = text(s);
        a1->write(m);
    }
    for (const char* s : {"b1", "b2"}) {
        Message m = text(s);
        a2->write(m);
    }
    std::vector<std::string> got;
    Message out;
    PipeEnd* from = nullptr;
    while (fq.recv(out, &from)) got.push_back(out.to_display_string());
    EXPECT_EQ(got, (std::vector<std::string>{"a1", "b1", "a2", "b2"}));
    EXPECT_EQ(fq.active_count(), 0u);
}

TEST(FairQueue, PipeComesBackWhenActivated) {
    auto [a, b] = make_pipe(10, 10);
    FairQueue fq;
    fq.attach(*b);
    Message out;
    EXPECT_FALSE(fq.recv(out));
    EXPECT_EQ(fq.active_count(), 0u);
    Message m = text("late");
    a->write(m);
    EXPECT_FALSE(fq.recv(out));  // not told yet
    fq.activate(*b);
    ASSERT_TRUE(fq.recv(out));
    EXPECT_EQ(out, text("late"));
}

TEST(FairQueue, HasInKeepsWhatItReadAhead) {
    auto [a, b] = make_pipe(10, 10);
    FairQueue fq;
    fq.attach(*b);
    EXPECT_FALSE(fq.has_in());
    Message m = text("x");
    a->write(m);
    fq.activate(*b);
    EXPECT_TRUE(fq.has_in());
    Message out;
    ASSERT_TRUE(fq.recv(out));
    EXPECT_EQ(out, text("x"));
}

TEST(Distributor, SendsACopyToEachMatchedPipe) {
    auto [a1, b1] = make_pipe(10, 10);
    auto [a2, b2] = make_pipe(10, 10);
    auto [a3, b3] = make_pipe(10, 10);
    Distributor dist;
    dist.attach(*a1);
    dist.attach(*a2);
    dist.attach(*a3);
    dist.match(a1->id());
    dist.match(a3->id());
    std::vector<DropReason> drops;
    Message m = text(std::string(100, 'x'));  // large: shared, not copied
    EXPECT_EQ(dist.send_to_matched(m, [&](const Message&, DropReason r) { drops.push_back(r); }),
              2u);
    EXPECT_TRUE(drops.empty());
    Message out1, out3;
    ASSERT_TRUE(b1->read(out1));
    ASSERT_TRUE(b3->read(out3));
    EXPECT_EQ(out1.front().data(), out3.front().data());  // one buffer, two references
    EXPECT_FALSE(b2->readable());
}

TEST(Distributor, DropsTheCopyForAFullPipeWithReasonHwm) {
    auto [a1, b1] = make_pipe(1, 1);
    auto [a2, b2] = make_pipe(10, 10);
    Distributor dist;
    dist.attach(*a1);
    dist.attach(*a2);
    std::vector<std::string> hwm_drops;
    auto drop = [&](const Message& m, DropReason r) {
        if (r == DropReason::hwm) hwm_drops.push_back(m.to_display_string());
    };
    Message first = text("1"), second = text("2");
    dist.send_to_all(first, drop);
    dist.send_to_all(second, drop);
    EXPECT_EQ(hwm_drops, std::vector<std::string>{"2"});
    EXPECT_EQ(b2->inbound_size(), 2u);
}

TEST(SubscriptionTrie, AddAndRemoveSayWhenThePrefixSetChanges) {
    SubscriptionTrie trie(SubscriptionTrie::Duplicates::counted);
    EXPECT_TRUE(trie.add("abc", 0));
    EXPECT_FALSE(trie.add("abc", 0));
    EXPECT_FALSE(trie.remove("abc", 0));
    EXPECT_TRUE(trie.remove("abc", 0));
    EXPECT_FALSE(trie.remove("abc", 0));
    EXPECT_TRUE(trie.empty());
}

TEST(SubscriptionTrie, IgnoredDuplicatesNeedOneRemove) {
    SubscriptionTrie trie(SubscriptionTrie::Duplicates::ignored);
    EXPECT_TRUE(trie.add("a", 7));
    EXPECT_FALSE(trie.add("a", 7));
    EXPECT_FALSE(trie.add("a", 8));
    EXPECT_FALSE(trie.remove("a", 7));  // 8 still holds it
    EXPECT_TRUE(trie.remove("a", 8));
    EXPECT_TRUE(trie.empty());
}

TEST(SubscriptionTrie, MatchVisitsEachSubscriberWithAPrefixOnceInKeyOrder) {
    SubscriptionTrie trie(SubscriptionTrie::Duplicates::ignored);
    trie.add("ab", 9);
    trie.add("a", 9);
    trie.add("", 5);
    trie.add("abc", 3);
    trie.add("b", 4);
    trie.add("abcd", 2);
    std::vector<uint64_t> seen;
    trie.match("abc", [&](uint64_t s) { seen.push_back(s); });
    EXPECT_EQ(seen, (std::vector<uint64_t>{3, 5, 9}));
    EXPECT_TRUE(trie.matches("zzz"));  // the empty prefix
    trie.remove("", 5);
    EXPECT_FALSE(trie.matches("zzz"));
}

TEST(SubscriptionTrie, BinaryTopicsAreBytes) {
    SubscriptionTrie trie;
    const std::string topic("\x00\xff", 2);
    trie.add(topic, 0);
    EXPECT_TRUE(trie.matches(std::string("\x00\xff\x01", 3)));
    EXPECT_FALSE(trie.matches(std::string("\x00\xfe", 2)));
}

TEST(SubscriptionTrie, RemovingASubscriberReportsItsPrefixesInByteOrder) {
    SubscriptionTrie trie(SubscriptionTrie::Duplicates::ignored);
    trie.add("b", 1);
    trie.add("a", 1);
    trie.add("ab", 1);
    trie.add("a", 2);
    std::vector<std::string> removed;
    trie.remove_subscriber(1, [&](std::string_view prefix, bool last) {
        removed.push_back(std::string(prefix) + (last ? "!" : ""));
    });
    EXPECT_EQ(removed, (std::vector<std::string>{"a", "ab!", "b!"}));
    EXPECT_EQ(trie.prefix_count(), 1u);
    std::vector<std::string> left;
    trie.for_each_prefix([&](std::string_view p) { left.emplace_back(p); });
    EXPECT_EQ(left, std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace sculpin
