// A receiver's reads free room for the sender in batches of the low-water mark, (HWM + 1)
// / 2 of the pipe, as in libzmq: the counts below are libzmq 4.3.4's.
#include "capi/capi_test_support.hpp"

namespace {

using capi_test::ContextTest;
using capi_test::recv_string;
using capi_test::send_string;
using capi_test::set_int;

class CapiHwmCredit : public ContextTest<> {};

int send_until_eagain(void* socket, int limit = 1000) {
    int sent = 0;
    for (; sent < limit; ++sent) {
        if (send_string(socket, "m", ZMQ_DONTWAIT) == -1) {
            EXPECT_EQ(zmq_errno(), EAGAIN);
            break;
        }
    }
    return sent;
}

TEST_F(CapiHwmCredit, AnInprocSenderGetsRoomOnlyForEachWholeBatchTheReceiverReads) {
    void* pull = make(ZMQ_PULL);
    set_int(pull, ZMQ_RCVHWM, 10);
    ASSERT_EQ(zmq_bind(pull, "inproc://credit"), 0);
    void* push = make(ZMQ_PUSH);
    set_int(push, ZMQ_SNDHWM, 10);
    ASSERT_EQ(zmq_connect(push, "inproc://credit"), 0);

    // inproc: the pipe holds SNDHWM + RCVHWM = 20; the batch is 10.
    EXPECT_EQ(send_until_eagain(push), 20);
    for (int i = 0; i < 9; ++i) ASSERT_EQ(recv_string(pull, ZMQ_DONTWAIT), "m");
    EXPECT_EQ(send_until_eagain(push), 0) << "nine reads are not a batch yet";
    ASSERT_EQ(recv_string(pull, ZMQ_DONTWAIT), "m");
    EXPECT_EQ(send_until_eagain(push), 10) << "the tenth read credits the batch";
    // 20 queued, 10 reads credited. Nineteen more reads complete one batch (20 credited)
    // and leave nine uncredited: room for 10, not 19.
    for (int i = 0; i < 19; ++i) ASSERT_EQ(recv_string(pull, ZMQ_DONTWAIT), "m") << i;
    EXPECT_EQ(send_until_eagain(push), 10);
    zmq_close(push);
    zmq_close(pull);
}

}  // namespace
