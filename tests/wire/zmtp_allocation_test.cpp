// Steady-state cost: once buffers have grown to fit the traffic, a small message costs no
// heap allocation to encode, write out, decode and pop. Counted by replacing the global
// operator new for this test binary (Frame's own storage uses malloc and is inline up to
// 64 bytes, so frames of that size cost nothing either).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "zmtp_test_support.hpp"

namespace {
std::atomic<size_t> g_allocations{0};
std::vector<int>* volatile g_probe = nullptr;
}  // namespace

void* operator new(size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, size_t) noexcept {
    std::free(p);
}

namespace sculpin::wire::test {
namespace {

// Moves all of a's output into b without allocating (a fixed buffer, not take_output).
void transfer(ZmtpConnection& from, ZmtpConnection& to) {
    OutputSlice slices[8];
    while (from.output_size_bytes() > 0) {
        const size_t count = from.output_slices(slices, 8);
        size_t written = 0;
        for (size_t i = 0; i < count; ++i) {
            ASSERT_TRUE(to.feed({slices[i].data, slices[i].size_bytes}, 0)) << to.error();
            written += slices[i].size_bytes;
        }
        from.consume_output(written);
    }
}

void expect_round_trips_without_allocation(size_t body_bytes, size_t batch) {
    Pair p(config_for(SocketType::push), config_for(SocketType::pull));
    ASSERT_TRUE(p.a.ready() && p.b.ready());
    const Message msg(Frame(std::string(body_bytes, 'm')));
    Message got;
    auto round = [&] {
        for (size_t i = 0; i < batch; ++i) p.a.send_message(msg);
        transfer(p.a, p.b);
        for (size_t i = 0; i < batch; ++i) ASSERT_TRUE(p.b.pop_message(got));
    };
    for (int warm = 0; warm < 3; ++warm) round();  // let buffers reach their size
    const size_t before = g_allocations.load();
    for (int i = 0; i < 1000; ++i) round();
    EXPECT_EQ(g_allocations.load() - before, 0u) << body_bytes << "-byte messages, batch " << batch;
    EXPECT_EQ(got, msg);
}

TEST(ZmtpAllocation, CounterSeesAllocations) {
    const size_t before = g_allocations.load();
    g_probe = new std::vector<int>(100);  // through a volatile global: no elision
    delete g_probe;
    EXPECT_GE(g_allocations.load() - before, 2u);
}

TEST(ZmtpAllocation, SmallMessageRoundTripDoesNotAllocateInSteadyState) {
    expect_round_trips_without_allocation(32, 1);
    expect_round_trips_without_allocation(32, 50);
}

TEST(ZmtpAllocation, Frame64BytesCostsOnlyItsOwnBufferInSteadyState) {
    // The 64-byte frame's SharedBuffer comes from malloc (not counted here); everything
    // around it — output queue, decoder, inbox — must not allocate.
    expect_round_trips_without_allocation(64, 1);
    expect_round_trips_without_allocation(64, 50);
}

TEST(ZmtpAllocation, PingPongDoesNotAllocateInSteadyState) {
    ZmtpConfig config = config_for(SocketType::dealer);
    config.heartbeat_ivl_ms = 10;
    Pair p(config, config_for(SocketType::router));
    int64_t now = 0;
    auto round = [&] {
        now += 10;
        ASSERT_TRUE(p.a.on_timer(now));
        transfer(p.a, p.b);
        transfer(p.b, p.a);
    };
    for (int warm = 0; warm < 3; ++warm) round();
    const size_t before = g_allocations.load();
    for (int i = 0; i < 1000; ++i) round();
    EXPECT_EQ(g_allocations.load() - before, 0u);
}

}  // namespace
}  // namespace sculpin::wire::test
