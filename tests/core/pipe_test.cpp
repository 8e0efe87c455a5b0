#include "socket/pipe.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sculpin {
namespace {

struct RecordingListener : PipeListener {
    std::vector<PipeEnd*> readable;
    std::vector<PipeEnd*> writable;
    void pipe_readable(PipeEnd& end) override { readable.push_back(&end); }
    void pipe_writable(PipeEnd& end) override { writable.push_back(&end); }
};

Message text(std::string_view s) {
    return Message{s};
}

TEST(PipeEnd, MessagesFlowBothWays) {
    auto [a, b] = make_pipe(10, 10);
    Message to_b = text("ping");
    Message to_a{"pong", "two frames"};
    EXPECT_TRUE(a->write(to_b));
    EXPECT_TRUE(b->write(to_a));

    Message out;
    ASSERT_TRUE(b->read(out));
    EXPECT_EQ(out, text("ping"));
    ASSERT_TRUE(a->read(out));
    EXPECT_EQ(out, (Message{"pong", "two frames"}));
    EXPECT_FALSE(a->read(out));
    EXPECT_FALSE(b->read(out));
}

TEST(PipeEnd, EndsAreEachOthersPeersWithDistinctIds) {
    auto [a, b] = make_pipe(1, 1);
    EXPECT_EQ(&a->peer(), b.get());
    EXPECT_EQ(&b->peer(), a.get());
    EXPECT_NE(a->id(), b->id());
    auto [c, d] = make_pipe(1, 1);
    EXPECT_NE(c->id(), a->id());
    EXPECT_NE(c->id(), b->id());
    EXPECT_NE(d->id(), a->id());
}

TEST(PipeEnd, EachDirectionHasItsOwnHighWaterMark) {
    auto [a, b] = make_pipe(2, 5);
    EXPECT_EQ(a->outbound_capacity(), 2u);
    EXPECT_EQ(b->inbound_capacity(), 2u);
    EXPECT_EQ(b->outbound_capacity(), 5u);
    EXPECT_EQ(a->inbound_capacity(), 5u);

    for (int i = 0; i < 2; ++i) {
        Message msg = text("a");
        EXPECT_TRUE(a->write(msg));
    }
    EXPECT_FALSE(a->writable());
    Message rejected = text("rejected");
    EXPECT_FALSE(a->write(rejected));
    EXPECT_EQ(rejected, text("rejected"));
    EXPECT_EQ(a->outbound_size(), 2u);
    EXPECT_EQ(b->inbound_size(), 2u);

    for (int i = 0; i < 5; ++i) {
        Message msg = text("b");
        EXPECT_TRUE(b->write(msg));
    }
    EXPECT_FALSE(b->writable());
}

TEST(PipeEnd, WriteForcedIgnoresTheHighWaterMark) {
    auto [a, b] = make_pipe(1, 1);
    Message first = text("1");
    ASSERT_TRUE(a->write(first));
    Message subscription = text("\x01topic");
    a->write_forced(subscription);
    EXPECT_EQ(b->inbound_size(), 2u);
}

TEST(PipeEnd, ReaderIsToldWhenAMessageArrivesInItsEmptyQueue) {
    auto [a, b] = make_pipe(10, 10);
    RecordingListener b_listener;
    b->set_listener(&b_listener);

    Message out;
    EXPECT_FALSE(b->read(out));  // arms the wake-up
    Message msg = text("hello");
    ASSERT_TRUE(a->write(msg));
    ASSERT_EQ(b_listener.readable.size(), 1u);
    EXPECT_EQ(b_listener.readable[0], b.get());

    // The queue was not empty-and-waited-on again: no further notification.
    Message second = text("again");
    ASSERT_TRUE(a->write(second));
    EXPECT_EQ(b_listener.readable.size(), 1u);
    EXPECT_TRUE(b_listener.writable.empty());
}

TEST(PipeEnd, WriterIsToldWhenItsFullQueueDrainsToTheLowWaterMark) {
    auto [a, b] = make_pipe(4, 4);  // low-water mark 2
    RecordingListener a_listener;
    a->set_listener(&a_listener);

    for (int i = 0; i < 4; ++i) {
        Message msg = text("m");
        ASSERT_TRUE(a->write(msg));
    }
    Message blocked = text("blocked");
    ASSERT_FALSE(a->write(blocked));  // arms the wake-up

    Message out;
    ASSERT_TRUE(b->read(out));
    EXPECT_TRUE(a_listener.writable.empty());
    ASSERT_TRUE(b->read(out));
    ASSERT_EQ(a_listener.writable.size(), 1u);
    EXPECT_EQ(a_listener.writable[0], a.get());
    EXPECT_TRUE(a->writable());
    EXPECT_TRUE(a->write(blocked));
    EXPECT_TRUE(a_listener.readable.empty());
}

TEST(PipeEnd, NoListenerMeansNoNotificationAndNoCrash) {
    auto [a, b] = make_pipe(1, 1);
    Message out;
    EXPECT_FALSE(b->read(out));
    Message msg = text("x");
    EXPECT_TRUE(a->write(msg));
    a->close();
    EXPECT_TRUE(b->read(out));
}

TEST(PipeEnd, PeerReadsWhatWasLeftAfterCloseThenIsFinished) {
    auto [a, b] = make_pipe(10, 10);
    for (std::string_view s : {"one", "two"}) {
        Message msg = text(s);
        ASSERT_TRUE(a->write(msg));
    }
    a->close();
    EXPECT_TRUE(a->closed());
    EXPECT_FALSE(b->closed());
    EXPECT_TRUE(b->peer_closed());
    EXPECT_FALSE(a->peer_closed());
    EXPECT_FALSE(b->finished());

    Message out;
    ASSERT_TRUE(b->read(out));
    EXPECT_EQ(out, text("one"));
    EXPECT_FALSE(b->finished());
    ASSERT_TRUE(b->read(out));
    EXPECT_EQ(out, text("two"));
    EXPECT_TRUE(b->finished());
    EXPECT_FALSE(b->read(out));
}

TEST(PipeEnd, ClosedEndRefusesToWrite) {
    auto [a, b] = make_pipe(10, 10);
    a->close();
    a->close();  // idempotent
    Message msg = text("late");
    EXPECT_FALSE(a->write(msg));
    a->write_forced(msg);
    EXPECT_EQ(b->inbound_size(), 0u);
    EXPECT_TRUE(b->finished());
}

TEST(PipeEnd, NobodyCanWriteTowardsAClosedPeer) {
    auto [a, b] = make_pipe(10, 10);
    EXPECT_TRUE(b->writable());
    a->close();
    EXPECT_FALSE(b->writable());
}

TEST(PipeEnd, CloseTellsThePeerBothReadableAndWritableOnce) {
    auto [a, b] = make_pipe(10, 10);
    RecordingListener a_listener;
    RecordingListener b_listener;
    a->set_listener(&a_listener);
    b->set_listener(&b_listener);

    a->close();
    a->close();
    ASSERT_EQ(b_listener.readable.size(), 1u);
    ASSERT_EQ(b_listener.writable.size(), 1u);
    EXPECT_EQ(b_listener.readable[0], b.get());
    EXPECT_EQ(b_listener.writable[0], b.get());
    EXPECT_TRUE(a_listener.readable.empty());
    EXPECT_TRUE(a_listener.writable.empty());
}

TEST(PipeEnd, UnreadOutboundMessagesCanBeDrainedAfterThePeerCloses) {
    auto [a, b] = make_pipe(10, 10);
    for (std::string_view s : {"x", "y", "z"}) {
        Message msg = text(s);
        ASSERT_TRUE(a->write(msg));
    }
    b->close();
    std::vector<std::string> drained;
    a->drain_outbound_unread([&](Message& msg) { drained.push_back(msg.to_display_string()); });
    EXPECT_EQ(drained, (std::vector<std::string>{"x", "y", "z"}));
    EXPECT_EQ(a->outbound_size(), 0u);
}

TEST(PipeEnd, PipeOutlivesOneReleasedEnd) {
    auto [a, b] = make_pipe(10, 10);
    Message msg = text("survives");
    ASSERT_TRUE(a->write(msg));
    a->close();
    a.reset();
    Message out;
    ASSERT_TRUE(b->read(out));
    EXPECT_EQ(out, text("survives"));
    EXPECT_TRUE(b->finished());
}

TEST(PipeEnd, PeerInfoIsPerEnd) {
    auto [a, b] = make_pipe(1, 1);
    a->peer_info.socket_type = SocketType::router;
    a->peer_info.routing_id = "worker-1";
    b->peer_info.socket_type = SocketType::dealer;
    EXPECT_EQ(a->peer_info.socket_type, SocketType::router);
    EXPECT_EQ(b->peer_info.socket_type, SocketType::dealer);
    EXPECT_TRUE(b->peer_info.routing_id.empty());
}

}  // namespace
}  // namespace sculpin
