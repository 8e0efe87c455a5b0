// PULL (RFC 30): receives from its PUSH peers, fair-queued; never sends.
//
// CONFLATE: recv takes everything that has arrived and returns only the newest message;
// the others are reported dropped (reason conflated).
#pragma once

#include "socket/fair_queue.hpp"
#include "socket/socket.hpp"

namespace sculpin {

class Pull final : public Socket {
public:
    Pull();
    ~Pull() override;

    size_t traced_held() const override { return fq_.read_ahead().traced(); }
protected:
    int xsend(Message& msg) override;
    int xrecv(Message& out) override;
    bool xcan_send() override { return false; }
    bool xcan_recv() override;
    void xattach(PipeEnd& pipe) override;
    void xdetach(PipeEnd& pipe) override;
    void xread_activated(PipeEnd& pipe) override;
    void xwrite_activated(PipeEnd&) override {}

private:
    void drop_finished_pipes();

    FairQueue fq_;
};

}  // namespace sculpin
