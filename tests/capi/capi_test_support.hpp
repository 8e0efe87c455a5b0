// Helpers shared by the C API tests. They reach the library only through zmq.h, so the
// same tests could run on any libzmq.so.5.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "zmq.h"

namespace capi_test {

// A guard against a hang, not a timing assertion: every blocking call gives up.
constexpr int kWatchdogMs = 10000;

inline void set_int(void* socket, int option, int value) {
    ASSERT_EQ(zmq_setsockopt(socket, option, &value, sizeof value), 0) << zmq_strerror(zmq_errno());
}

inline void set_bytes(void* socket, int option, const std::string& value) {
    ASSERT_EQ(zmq_setsockopt(socket, option, value.data(), value.size()), 0)
        << zmq_strerror(zmq_errno());
}

// One message of up to 256 bytes as text, or "<error ...>" so a failure reads well in an
// EXPECT_EQ.
inline std::string recv_string(void* socket, int flags = 0) {
    char buffer[256];
    const int size = zmq_recv(socket, buffer, sizeof buffer, flags);
    if (size < 0) return "<error " + std::string(zmq_strerror(zmq_errno())) + ">";
    return std::string(buffer, static_cast<size_t>(std::min(size, 256)));
}

inline int send_string(void* socket, const std::string& text, int flags = 0) {
    return zmq_send(socket, text.data(), text.size(), flags);
}

inline std::string last_endpoint(void* socket) {
    char endpoint[256];
    size_t size = sizeof endpoint;
    EXPECT_EQ(zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, endpoint, &size), 0);
    return std::string(endpoint);
}

// A context per test, terminated (and checked) at the end. Its sockets don't linger and
// give up receiving after the watchdog; with `guard_sends`, sending too.
template <class Base = ::testing::Test>
class ContextTest : public Base {
protected:
    explicit ContextTest(bool guard_sends = false) : guard_sends_(guard_sends) {}
    void SetUp() override { context = zmq_ctx_new(); }
    void TearDown() override { EXPECT_EQ(zmq_ctx_term(context), 0); }
    void* make(int type) {
        void* socket = zmq_socket(context, type);
        EXPECT_NE(socket, nullptr) << zmq_strerror(zmq_errno());
        set_int(socket, ZMQ_RCVTIMEO, kWatchdogMs);
        if (guard_sends_) set_int(socket, ZMQ_SNDTIMEO, kWatchdogMs);
        set_int(socket, ZMQ_LINGER, 0);
        return socket;
    }
    void* context = nullptr;

private:
    bool guard_sends_;
};

}  // namespace capi_test
