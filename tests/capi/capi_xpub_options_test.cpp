// XPUB_NODROP, XPUB_MANUAL, XPUB_WELCOME_MSG, INVERT_MATCHING and XPUB_VERBOSE through
// the C API on the real runtime, over inproc and over tcp.
#include <gtest/gtest.h>

#include <string>

#include "capi_test_support.hpp"
#include "zmq.h"

namespace {

using namespace capi_test;

// Bounds the send-until-full loops; far above any high-water mark used here.
constexpr int kMaxSends = 100000;

std::string subscribe_msg(const std::string& topic) {
    return "\x01" + topic;
}
std::string cancel_msg(const std::string& topic) {
    return std::string(1, '\0') + topic;
}

class CapiXPubOptions : public capi_test::ContextTest<::testing::TestWithParam<const char*>> {
protected:
    CapiXPubOptions() : ContextTest(true) {}
    // Binds to the test's transport and returns the endpoint to connect to.
    std::string bind(void* socket) {
        EXPECT_EQ(zmq_bind(socket, GetParam()), 0) << zmq_strerror(zmq_errno());
        char endpoint[256];
        size_t size = sizeof endpoint;
        EXPECT_EQ(zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, endpoint, &size), 0);
        return endpoint;
    }
};

// A message of kPayloadBytes that says which one it is; large, so that over tcp the
// kernel's (small) socket buffers fill after a few dozen.
constexpr size_t kPayloadBytes = 1024;
std::string numbered(int i) {
    std::string text = "m" + std::to_string(i) + ":";
    text.resize(kPayloadBytes, 'x');
    return text;
}

TEST_P(CapiXPubOptions, NoDropMakesAFullSubscriberHoldTheSenderBack) {
    void* xpub = make(ZMQ_XPUB);
    set_int(xpub, ZMQ_SNDHWM, 10);
    set_int(xpub, ZMQ_SNDBUF, 4096);
    set_int(xpub, ZMQ_XPUB_NODROP, 1);
    const std::string endpoint = bind(xpub);
    void* sub = make(ZMQ_SUB);
    set_int(sub, ZMQ_RCVHWM, 10);
    set_int(sub, ZMQ_RCVBUF, 4096);
    ASSERT_EQ(zmq_connect(sub, endpoint.c_str()), 0);
    ASSERT_EQ(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0), 0);
    EXPECT_EQ(recv_string(xpub), subscribe_msg(""));

    // Fill the way to the subscriber (its queues, and over tcp the kernel's buffers)
    // until a send is refused.
    int sent = 0;
    while (sent < kMaxSends) {
        const std::string text = numbered(sent);
        if (zmq_send(xpub, text.data(), text.size(), ZMQ_DONTWAIT) < 0) break;
        ++sent;
    }
    ASSERT_LT(sent, kMaxSends) << "a send should have been refused";
    EXPECT_EQ(zmq_errno(), EAGAIN);
    ASSERT_GT(sent, 0);

    // Nothing was lost: every accepted message arrives, in order; a blocking send of one
    // more then waits for room and goes through.
    std::string buffer(kPayloadBytes, '\0');
    for (int i = 0; i < sent; ++i) {
        ASSERT_EQ(zmq_recv(sub, buffer.data(), buffer.size(), 0), static_cast<int>(kPayloadBytes))
            << "message " << i << " of " << sent;
        ASSERT_EQ(buffer, numbered(i));
    }
    ASSERT_EQ(send_string(xpub, "last"), 4);
    EXPECT_EQ(recv_string(sub), "last");
    EXPECT_EQ(zmq_close(sub), 0);
    EXPECT_EQ(zmq_close(xpub), 0);
}

TEST_P(CapiXPubOptions, ManualPassesSubscriptionsAndAppliesTheApplicationsOwn) {
    void* xpub = make(ZMQ_XPUB);
    set_int(xpub, ZMQ_XPUB_MANUAL, 1);
    const std::string endpoint = bind(xpub);
    void* xsub = make(ZMQ_XSUB);
    ASSERT_EQ(zmq_connect(xsub, endpoint.c_str()), 0);
    ASSERT_EQ(send_string(xsub, subscribe_msg("A")), 2);
    EXPECT_EQ(recv_string(xpub), subscribe_msg("A"));
    set_bytes(xpub, ZMQ_SUBSCRIBE, "XA");
    ASSERT_EQ(send_string(xpub, "A"), 1);   // asked for, not applied: goes nowhere
    ASSERT_EQ(send_string(xpub, "XA"), 2);  // applied
    EXPECT_EQ(recv_string(xsub), "XA");

    EXPECT_EQ(zmq_close(xsub), 0);
    EXPECT_EQ(recv_string(xpub), cancel_msg("A"));
    EXPECT_EQ(zmq_close(xpub), 0);
}

TEST_P(CapiXPubOptions, WelcomeMessageReachesANewSubscriber) {
    void* xpub = make(ZMQ_XPUB);
    set_bytes(xpub, ZMQ_XPUB_WELCOME_MSG, "W");
    const std::string endpoint = bind(xpub);
    void* sub = make(ZMQ_SUB);
    set_bytes(sub, ZMQ_SUBSCRIBE, "W");
    ASSERT_EQ(zmq_connect(sub, endpoint.c_str()), 0);
    EXPECT_EQ(recv_string(xpub), subscribe_msg("W"));
    EXPECT_EQ(recv_string(sub), "W");
    EXPECT_EQ(zmq_close(sub), 0);
    EXPECT_EQ(zmq_close(xpub), 0);
}

TEST_P(CapiXPubOptions, InvertMatchingSendsWhatDoesNotMatch) {
    void* xpub = make(ZMQ_XPUB);
    set_int(xpub, ZMQ_INVERT_MATCHING, 1);
    const std::string endpoint = bind(xpub);
    void* sub = make(ZMQ_SUB);
    set_int(sub, ZMQ_INVERT_MATCHING, 1);
    int value = 0;
    size_t size = sizeof value;
    ASSERT_EQ(zmq_getsockopt(sub, ZMQ_INVERT_MATCHING, &value, &size), 0);
    EXPECT_EQ(value, 1);
    set_bytes(sub, ZMQ_SUBSCRIBE, "a");
    ASSERT_EQ(zmq_connect(sub, endpoint.c_str()), 0);
    EXPECT_EQ(recv_string(xpub), subscribe_msg("a"));
    ASSERT_EQ(send_string(xpub, "a1"), 2);
    ASSERT_EQ(send_string(xpub, "b1"), 2);
    // "a1" would have come first: one pipe keeps the order.
    EXPECT_EQ(recv_string(sub), "b1");
    EXPECT_EQ(zmq_close(sub), 0);
    EXPECT_EQ(zmq_close(xpub), 0);
}

TEST_P(CapiXPubOptions, VerboseSeesASubscribeRepeatedOnOneSub) {
    void* xpub = make(ZMQ_XPUB);
    const std::string endpoint = bind(xpub);
    void* sub = make(ZMQ_SUB);
    ASSERT_EQ(zmq_connect(sub, endpoint.c_str()), 0);
    set_bytes(sub, ZMQ_SUBSCRIBE, "A");
    EXPECT_EQ(recv_string(xpub), subscribe_msg("A"));
    set_int(xpub, ZMQ_XPUB_VERBOSE, 1);
    set_bytes(sub, ZMQ_SUBSCRIBE, "A");
    EXPECT_EQ(recv_string(xpub), subscribe_msg("A"));
    EXPECT_EQ(zmq_close(sub), 0);
    EXPECT_EQ(zmq_close(xpub), 0);
}

INSTANTIATE_TEST_SUITE_P(Transports, CapiXPubOptions,
                         ::testing::Values("inproc://xpub-options", "tcp://127.0.0.1:*"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                             return std::string(info.param[0] == 'i' ? "inproc" : "tcp");
                         });

}  // namespace
