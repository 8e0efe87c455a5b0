// HWMs that change under a pipe: libzmq's sums, and the writer that waited for room.
#include <gtest/gtest.h>

#include <vector>

#include "socket/pipe.hpp"

namespace sculpin {
namespace {

struct WritableCounter : PipeListener {
    int writable = 0;
    void pipe_readable(PipeEnd&) override {}
    void pipe_writable(PipeEnd&) override { ++writable; }
};

TEST(QueueCapacity, SumsBothSocketsOrTakesTheOneThereIs) {
    EXPECT_EQ(queue_capacity(1000, 1000), 2000u);
    EXPECT_EQ(queue_capacity(1, -1), 1u);  // no peer socket: a connection's pipe
    EXPECT_EQ(queue_capacity(0, 5), 0u);   // 0 is unlimited, whatever the other says
    EXPECT_EQ(queue_capacity(5, 0), 0u);
    EXPECT_EQ(queue_capacity(0, -1), 0u);
}

TEST(PipeHwm, RaisingTheCapacityWakesAWaitingWriter) {
    auto [writer, reader] = make_pipe(1, 1);
    WritableCounter listener;
    writer->set_listener(&listener);
    Message msg{"one"};
    ASSERT_TRUE(writer->write(msg));
    Message again{"two"};
    ASSERT_FALSE(writer->write(again));  // full: the writer now waits
    reader->set_inbound_capacity(1);     // no room yet: nobody is told
    EXPECT_EQ(listener.writable, 0);
    reader->set_inbound_capacity(3);  // the reader's side may resize (a new RCVHWM)
    EXPECT_EQ(listener.writable, 1);
    EXPECT_EQ(writer->outbound_capacity(), 3u);
    EXPECT_TRUE(writer->write(again));
}

TEST(PipeHwm, LoweringTheCapacityKeepsWhatIsQueued) {
    auto [writer, reader] = make_pipe(4, 4);
    for (int i = 0; i < 4; ++i) {
        Message msg{"m"};
        ASSERT_TRUE(writer->write(msg));
    }
    writer->set_outbound_capacity(2);
    Message extra{"x"};
    EXPECT_FALSE(writer->write(extra));
    Message out;
    int read = 0;
    while (reader->read(out)) ++read;
    EXPECT_EQ(read, 4);
    EXPECT_TRUE(writer->write(extra));
}

TEST(PipeHwm, PeerHwmsAreSharedKnowledgeOfEachEnd) {
    auto [a, b] = make_pipe(0, 0);
    EXPECT_EQ(a->peer_sndhwm(), -1);
    a->set_peer_hwms(7, 9);
    EXPECT_EQ(a->peer_sndhwm(), 7);
    EXPECT_EQ(a->peer_rcvhwm(), 9);
    EXPECT_EQ(b->peer_sndhwm(), -1);  // each end knows the socket at the other end
}

}  // namespace
}  // namespace sculpin
