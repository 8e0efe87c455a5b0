// Task coroutine frames come from a per-thread pool (engine/node/task.hpp). These check
// that pooled frames behave as heap frames do: results, nesting, frames of many sizes, a
// frame destroyed on another thread than the one that made it.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <thread>
#include <vector>

#include "node/task.hpp"

namespace sculpin {
namespace {

Task<int> small_frame(int value) {
    co_return value + 1;
}

// A frame with `Bytes` of locals that live across a suspension point (so they are in it).
template <size_t Bytes>
Task<int> frame_of(int seed) {
    std::array<uint8_t, Bytes> locals{};
    for (size_t i = 0; i < Bytes; ++i) locals[i] = static_cast<uint8_t>(seed + i);
    const int inner = co_await small_frame(seed);
    int sum = inner;
    for (uint8_t b : locals) sum += b;
    co_return sum;
}

template <size_t Bytes>
int expected_sum(int seed) {
    int sum = seed + 1;
    for (size_t i = 0; i < Bytes; ++i) sum += static_cast<uint8_t>(seed + i);
    return sum;
}

Task<> run_all(std::vector<int>& out) {
    for (int round = 0; round < 200; ++round) {
        out.push_back(co_await frame_of<8>(round));
        out.push_back(co_await frame_of<300>(round));
        out.push_back(co_await frame_of<1500>(round));
        out.push_back(co_await frame_of<5000>(round));  // beyond the pooled sizes
    }
}

TEST(TaskFramePoolTest, FramesOfManySizesGiveTheirResults) {
    std::vector<int> results;
    Task<> task = run_all(results);
    task.start();
    ASSERT_TRUE(task.done());
    ASSERT_EQ(results.size(), 800u);
    for (int round = 0; round < 200; ++round) {
        EXPECT_EQ(results[4 * round + 0], expected_sum<8>(round));
        EXPECT_EQ(results[4 * round + 1], expected_sum<300>(round));
        EXPECT_EQ(results[4 * round + 2], expected_sum<1500>(round));
        EXPECT_EQ(results[4 * round + 3], expected_sum<5000>(round));
    }
}

TEST(TaskFramePoolTest, AFrameMadeOnOneThreadCanBeDestroyedOnAnother) {
    std::vector<Task<int>> made;
    std::thread maker([&made] {
        for (int i = 0; i < 100; ++i) made.push_back(frame_of<200>(i));
    });
    maker.join();  // the maker's own lists are gone: its frames live on regardless
    for (int i = 0; i < 100; i += 2) {
        made[static_cast<size_t>(i)].start();
        EXPECT_EQ(made[static_cast<size_t>(i)].await_resume(), expected_sum<200>(i));
    }
    std::thread destroyer([&made] { made.clear(); });  // started or not, all freed there
    destroyer.join();
    EXPECT_TRUE(made.empty());
}

#if !defined(__SANITIZE_ADDRESS__)
TEST(TaskFramePoolTest, AFreedFrameIsReusedForTheNextOfItsSize) {
    // Through the promise's operator new/delete, as a coroutine allocates its frame, so the
    // check does not depend on the compiler's frame sizes.
    // Take one first, so that the class's free list (bounded) has room for `a`.
    void* held = detail::PromiseBase::operator new(200);
    void* a = detail::PromiseBase::operator new(200);
    detail::PromiseBase::operator delete(a, 200);
    void* b = detail::PromiseBase::operator new(193);  // the same 64-byte class: 193..256
    EXPECT_EQ(a, b);
    detail::PromiseBase::operator delete(b, 193);
    detail::PromiseBase::operator delete(held, 200);
}
#endif

}  // namespace
}  // namespace sculpin
