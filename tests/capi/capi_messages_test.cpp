// zmq_msg_t and the utility calls through the C API.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <string>

#include "zmq.h"

namespace {

TEST(CapiMessages, InitSizeDataCopyMoveClose) {
    zmq_msg_t a;
    ASSERT_EQ(zmq_msg_init_size(&a, 100), 0);
    EXPECT_EQ(zmq_msg_size(&a), 100u);
    std::memset(zmq_msg_data(&a), 'x', 100);

    zmq_msg_t b;
    zmq_msg_init(&b);
    ASSERT_EQ(zmq_msg_copy(&b, &a), 0);
    EXPECT_EQ(zmq_msg_size(&b), 100u);
    EXPECT_EQ(std::memcmp(zmq_msg_data(&b), zmq_msg_data(&a), 100), 0);

    zmq_msg_t c;
    zmq_msg_init(&c);
    ASSERT_EQ(zmq_msg_move(&c, &b), 0);
    EXPECT_EQ(zmq_msg_size(&c), 100u);
    EXPECT_EQ(zmq_msg_size(&b), 0u);
    EXPECT_EQ(zmq_msg_get(&c, ZMQ_MORE), 0);
    EXPECT_EQ(zmq_msg_set(&c, ZMQ_MORE, 1), -1);
    EXPECT_EQ(zmq_errno(), EINVAL);
    for (zmq_msg_t* msg : {&a, &b, &c}) EXPECT_EQ(zmq_msg_close(msg), 0);
}

std::atomic<int> freed{0};
void count_free(void* data, void* hint) {
    EXPECT_EQ(hint, &freed);
    delete[] static_cast<char*>(data);
    ++freed;
}

TEST(CapiMessages, InitDataIsZeroCopyAndFreedOnceAfterTheLastUser) {
    freed = 0;
    char* buffer = new char[64];
    std::memcpy(buffer, "zero copy", 10);
    zmq_msg_t msg;
    ASSERT_EQ(zmq_msg_init_data(&msg, buffer, 64, count_free, &freed), 0);
    EXPECT_EQ(zmq_msg_data(&msg), buffer);

    void* context = zmq_ctx_new();
    void* a = zmq_socket(context, ZMQ_PAIR);
    void* b = zmq_socket(context, ZMQ_PAIR);
    ASSERT_EQ(zmq_bind(a, "inproc://zero-copy"), 0);
    ASSERT_EQ(zmq_connect(b, "inproc://zero-copy"), 0);
    ASSERT_EQ(zmq_msg_send(&msg, b, 0), 64);
    zmq_msg_t received;
    zmq_msg_init(&received);
    ASSERT_EQ(zmq_msg_recv(&received, a, 0), 64);
    EXPECT_EQ(zmq_msg_data(&received), buffer);  // the same bytes travelled
    EXPECT_EQ(freed, 0);
    zmq_msg_close(&received);
    EXPECT_EQ(freed, 1);
    zmq_msg_close(&msg);  // already emptied by the send
    EXPECT_EQ(freed, 1);
    zmq_close(a);
    zmq_close(b);
    zmq_ctx_term(context);
}

// Every size form of a zmq_msg_t (empty, small inside it, 49-64 bytes that an engine Frame
// keeps inline but a zmq_msg_t cannot, pooled, malloc'd) through send, receive, forward
// (the same zmq_msg_t sent on), copy, move and close; ASan checks the lifetimes.
TEST(CapiMessages, EverySizeFormSurvivesRecvForwardCopyAndClose) {
    void* context = zmq_ctx_new();
    void* a = zmq_socket(context, ZMQ_PAIR);
    void* b = zmq_socket(context, ZMQ_PAIR);
    ASSERT_EQ(zmq_bind(a, "inproc://size-forms"), 0);
    ASSERT_EQ(zmq_connect(b, "inproc://size-forms"), 0);
    for (const size_t size : {size_t{0}, size_t{5}, size_t{48}, size_t{49}, size_t{64}, size_t{65},
                              size_t{1024}, size_t{20000}}) {
        SCOPED_TRACE(size);
        std::string bytes(size, '\0');
        for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + i % 26);
        ASSERT_EQ(zmq_send(b, bytes.data(), size, 0), static_cast<int>(size));

        zmq_msg_t received;
        zmq_msg_init(&received);
        ASSERT_EQ(zmq_msg_recv(&received, a, 0), static_cast<int>(size));
        ASSERT_EQ(zmq_msg_size(&received), size);
        EXPECT_EQ(std::string(static_cast<const char*>(zmq_msg_data(&received)), size), bytes);

        zmq_msg_t copy;
        zmq_msg_init(&copy);
        ASSERT_EQ(zmq_msg_copy(&copy, &received), 0);
        ASSERT_EQ(zmq_msg_send(&received, a, 0), static_cast<int>(size));  // forwarded
        EXPECT_EQ(zmq_msg_size(&received), 0u);

        zmq_msg_t back;
        zmq_msg_init(&back);
        ASSERT_EQ(zmq_msg_recv(&back, b, 0), static_cast<int>(size));
        EXPECT_EQ(std::string(static_cast<const char*>(zmq_msg_data(&back)), size), bytes);

        zmq_msg_t moved;
        zmq_msg_init(&moved);
        ASSERT_EQ(zmq_msg_move(&moved, &copy), 0);
        EXPECT_EQ(std::string(static_cast<const char*>(zmq_msg_data(&moved)), size), bytes);
        for (zmq_msg_t* msg : {&received, &copy, &back, &moved}) EXPECT_EQ(zmq_msg_close(msg), 0);
    }
    // A message made with zmq_msg_init_size in the 49-64 range is writable and sendable.
    zmq_msg_t made;
    ASSERT_EQ(zmq_msg_init_size(&made, 60), 0);
    std::memset(zmq_msg_data(&made), 'z', 60);
    ASSERT_EQ(zmq_msg_send(&made, b, 0), 60);
    EXPECT_EQ(zmq_msg_close(&made), 0);
    char buffer[64] = {};
    ASSERT_EQ(zmq_recv(a, buffer, sizeof buffer, 0), 60);
    EXPECT_EQ(std::string(buffer, 60), std::string(60, 'z'));
    zmq_close(a);
    zmq_close(b);
    zmq_ctx_term(context);
}

TEST(CapiUtilities, Z85RoundTripsTheRfcExample) {
    const uint8_t bytes[8] = {0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B};
    char text[11];
    ASSERT_NE(zmq_z85_encode(text, bytes, sizeof bytes), nullptr);
    EXPECT_STREQ(text, "HelloWorld");
    uint8_t decoded[8];
    ASSERT_NE(zmq_z85_decode(decoded, "HelloWorld"), nullptr);
    EXPECT_EQ(std::memcmp(decoded, bytes, 8), 0);
    EXPECT_EQ(zmq_z85_encode(text, bytes, 7), nullptr);
    EXPECT_EQ(zmq_z85_decode(decoded, "Hello"), decoded);
    EXPECT_EQ(zmq_z85_decode(decoded, "Hell"), nullptr);
}

TEST(CapiUtilities, CapabilitiesAndVersion) {
    EXPECT_EQ(zmq_has("curve"), 1);
    EXPECT_EQ(zmq_has("ipc"), 1);
    EXPECT_EQ(zmq_has("gssapi"), 0);
    int major = 0, minor = 0, patch = 0;
    zmq_version(&major, &minor, &patch);
    EXPECT_EQ(ZMQ_MAKE_VERSION(major, minor, patch), ZMQ_VERSION);
}

TEST(CapiUtilities, AtomicCounters) {
    void* counter = zmq_atomic_counter_new();
    EXPECT_EQ(zmq_atomic_counter_value(counter), 0);
    EXPECT_EQ(zmq_atomic_counter_inc(counter), 0);
    EXPECT_EQ(zmq_atomic_counter_inc(counter), 1);
    EXPECT_EQ(zmq_atomic_counter_dec(counter), 1);
    EXPECT_EQ(zmq_atomic_counter_dec(counter), 0);
    zmq_atomic_counter_set(counter, 5);
    EXPECT_EQ(zmq_atomic_counter_value(counter), 5);
    zmq_atomic_counter_destroy(&counter);
    EXPECT_EQ(counter, nullptr);
}

void note_timer(int id, void* arg) {
    *static_cast<int*>(arg) = id;
}

TEST(CapiUtilities, TimersFireWhenDueAndCancel) {
    void* timers = zmq_timers_new();
    EXPECT_EQ(zmq_timers_timeout(timers), -1);
    int fired = 0;
    const int id = zmq_timers_add(timers, 0, note_timer, &fired);
    ASSERT_GT(id, 0);
    EXPECT_EQ(zmq_timers_timeout(timers), 0);
    EXPECT_EQ(zmq_timers_execute(timers), 0);
    EXPECT_EQ(fired, id);
    EXPECT_EQ(zmq_timers_set_interval(timers, id, 3600000), 0);
    fired = 0;
    EXPECT_EQ(zmq_timers_execute(timers), 0);
    EXPECT_EQ(fired, 0);
    EXPECT_EQ(zmq_timers_cancel(timers, id), 0);
    EXPECT_EQ(zmq_timers_cancel(timers, id), -1);
    EXPECT_EQ(zmq_errno(), EINVAL);
    EXPECT_EQ(zmq_timers_add(timers, 1, nullptr, nullptr), -1);
    EXPECT_EQ(zmq_timers_destroy(&timers), 0);
    EXPECT_EQ(timers, nullptr);
}

void set_flag(void* arg) {
    static_cast<std::atomic<bool>*>(arg)->store(true);
}

TEST(CapiUtilities, ThreadsAndStopwatch) {
    std::atomic<bool> ran{false};
    void* watch = zmq_stopwatch_start();
    void* thread = zmq_threadstart(set_flag, &ran);
    zmq_threadclose(thread);  // joins
    EXPECT_TRUE(ran);
    const unsigned long first = zmq_stopwatch_intermediate(watch);
    EXPECT_GE(zmq_stopwatch_stop(watch), first);
}

}  // namespace
