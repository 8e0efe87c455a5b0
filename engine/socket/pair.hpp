// PAIR (RFC 31): exactly one peer, both directions.
//
// A second peer is refused: its pipe is detached as soon as it is attached, as libzmq
// does. Sending with no peer, or to a full pipe, returns EAGAIN.
#pragma once

#include "socket/fair_queue.hpp"
#include "socket/socket.hpp"

namespace sculpin {

class Pair final : public Socket {
public:
    Pair();
    ~Pair() override;

    size_t traced_held() const override { return fq_.read_ahead().traced(); }
protected:
    int xsend(Message& msg) override;
    int xrecv(Message& out) override;
    bool xcan_send() override;
    int xcheck_first_frame(const Frame& first) const override;
    bool xcan_recv() override;
    void xattach(PipeEnd& pipe) override;
    void xdetach(PipeEnd& pipe) override;
    void xread_activated(PipeEnd& pipe) override;
    void xwrite_activated(PipeEnd&) override {}

private:
    void drop_finished_pipes();

    PipeEnd* pipe_ = nullptr;  // the one peer
    FairQueue fq_;             // over at most pipe_; gives polling its read-ahead
};

}  // namespace sculpin
