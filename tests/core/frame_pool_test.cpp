// Large frames' buffers are recycled through per-thread pools (core/frame_pool.hpp):
// released buffers come back to the pool they were taken from, whichever thread releases
// them, the pool keeps no more than its bound, and a pool outlives its thread.
#include "core/frame_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "core/frame.hpp"

namespace sculpin {
namespace {

size_t limit_for(size_t class_bytes) {
    return frame_pool::kCachedBytesPerClass / class_bytes;
}

TEST(FramePool, AReleasedBufferGoesBackToItsPool) {
    const size_t before = frame_pool::idle_buffers(1024);
    {
        const std::string bytes(1000, 'a');  // 1000 bytes: the 1 KiB class
        Frame frame(bytes.data(), bytes.size());
        EXPECT_EQ(frame.view(), bytes);
    }
    EXPECT_EQ(frame_pool::idle_buffers(1024), std::max<size_t>(before, 1));
}

TEST(FramePool, BuffersReleasedOnAnotherThreadGoBackToTheirPool) {
    constexpr size_t kFrames = 50;
    const size_t before = frame_pool::idle_buffers(512);
    std::vector<Frame> frames;
    for (size_t i = 0; i < kFrames; ++i) frames.push_back(Frame::with_size(300));
    std::thread releaser([&] { frames.clear(); });
    releaser.join();
    EXPECT_EQ(frame_pool::idle_buffers(512), std::min(limit_for(512), std::max(before, kFrames)));
}

TEST(FramePool, APoolKeepsNoMoreThanItsBound) {
    const size_t limit = limit_for(frame_pool::kLargestClassBytes);
    std::vector<Frame> frames;
    for (size_t i = 0; i < limit + 10; ++i)
        frames.push_back(Frame::with_size(frame_pool::kLargestClassBytes));
    frames.clear();
    EXPECT_EQ(frame_pool::idle_buffers(frame_pool::kLargestClassBytes), limit);
}

TEST(FramePool, OnlyFrameSizedOwnedBuffersArePooled) {
    SharedBuffer* pooled = SharedBuffer::allocate(frame_pool::kLargestClassBytes);
    EXPECT_TRUE(frame_pool::owns(pooled));
    pooled->release();

    SharedBuffer* big = SharedBuffer::allocate(frame_pool::kLargestClassBytes + 1);
    EXPECT_FALSE(frame_pool::owns(big));
    big->release();

    // zmq_msg_init_data with no free function but a hint: caller memory, never pooled.
    static char caller_bytes[16];
    int hint = 0;
    SharedBuffer* wrapped = SharedBuffer::wrap(caller_bytes, sizeof(caller_bytes), nullptr, &hint);
    EXPECT_FALSE(frame_pool::owns(wrapped));
    wrapped->release();
}

TEST(FramePool, APoolOutlivesItsThreadAndIsAdoptedByTheNext) {
    Frame survivor;
    size_t idle_at_exit = 0;
    std::thread first([&] {
        survivor = Frame::with_size(2000);
        std::memset(survivor.mutable_data(), 'x', survivor.size());
        idle_at_exit = frame_pool::idle_buffers(2048);
    });
    first.join();  // its pool is parked; the frame is still in use here
    EXPECT_EQ(survivor.view(), std::string(2000, 'x'));
    survivor.reset();  // back to the parked pool

    // The last pool parked is the first adopted: the next thread finds the buffer there.
    size_t idle_in_second = 0;
    std::thread second([&] { idle_in_second = frame_pool::idle_buffers(2048); });
    second.join();
    EXPECT_EQ(idle_in_second, idle_at_exit + 1);
}

}  // namespace
}  // namespace sculpin
