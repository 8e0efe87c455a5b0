// The output queue on its own: ordering across copied and referenced slices, partial
// consumption, and that its buffers are reused rather than grown without end.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wire/output_queue.hpp"

namespace sculpin::wire {
namespace {

std::string drain_all(OutputQueue& q) {
    std::string out;
    for (size_t i = 0; i < q.slice_count(); ++i) {
        const auto s = q.slice(i);
        out.append(reinterpret_cast<const char*>(s.data()), s.size());
    }
    q.consume(q.size_bytes());
    return out;
}

std::span<const uint8_t> text(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(OutputQueue, KeepsOrderAcrossCopiedAndReferencedSlices) {
    OutputQueue q;
    const Frame big(std::string(kZeroCopyThresholdBytes, 'B'));
    q.append_bytes(text("head"));
    q.append_frame(big);
    q.append_frame(Frame(std::string_view("small")));
    EXPECT_EQ(q.slice_count(), 3u);
    EXPECT_EQ(drain_all(q), "head" + big.str() + "small");
    EXPECT_TRUE(q.empty());
}

TEST(OutputQueue, FrameBelowThresholdIsCopied) {
    OutputQueue q;
    const Frame medium(std::string(kZeroCopyThresholdBytes - 1, 'M'));
    q.append_frame(medium);
    ASSERT_EQ(q.slice_count(), 1u);
    EXPECT_NE(q.slice(0).data(), medium.data());
}

TEST(OutputQueue, ReferencedFrameIsReleasedOnceWritten) {
    OutputQueue q;
    Frame big(std::string(2 * kZeroCopyThresholdBytes, 'B'));
    q.append_frame(big, 10);
    EXPECT_EQ(q.size_bytes(), big.size() - 10);
    big = Frame();  // the queue's reference keeps the bytes alive
    EXPECT_EQ(drain_all(q), std::string(2 * kZeroCopyThresholdBytes - 10, 'B'));
}

TEST(OutputQueue, ConsumeCanStopAnywhere) {
    OutputQueue q;
    const Frame big(std::string(kZeroCopyThresholdBytes, 'x'));
    q.append_bytes(text("abc"));
    q.append_frame(big);
    q.append_bytes(text("def"));
    std::string written;
    while (!q.empty()) {
        const auto s = q.slice(0);
        const size_t n = s.size() < 7 ? s.size() : 7;  // an awkward write size
        written.append(reinterpret_cast<const char*>(s.data()), n);
        q.consume(n);
    }
    EXPECT_EQ(written, "abc" + big.str() + "def");
}

TEST(OutputQueue, SlowWriterDoesNotGrowTheBufferWithoutBound) {
    // Appending and consuming at the same rate, never fully drained: the written prefix
    // must be reclaimed or the buffer would grow for ever.
    OutputQueue q;
    const std::string chunk(100, 'c');
    q.append_bytes(text(chunk));
    for (int i = 0; i < 100'000; ++i) {
        q.append_bytes(text(chunk));
        q.consume(100);
        ASSERT_EQ(q.size_bytes(), 100u);
        ASSERT_LE(q.buffered_bytes(), 400u);
    }
    EXPECT_EQ(drain_all(q), chunk);
}

}  // namespace
}  // namespace sculpin::wire
