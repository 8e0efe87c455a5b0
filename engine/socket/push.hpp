// PUSH (RFC 30): sends each message to one PULL peer, round-robin; never receives.
//
// When no peer can take a message, send returns EAGAIN and the runtime waits: PUSH
// never drops. CONFLATE is not applied here: a sender cannot take back a message it has
// queued, so keeping only the newest is the receiving side's job.
#pragma once

#include "socket/load_balancer.hpp"
#include "socket/socket.hpp"

namespace sculpin {

class Push final : public Socket {
public:
    Push();
    ~Push() override;

protected:
    int xsend(Message& msg) override;
    int xrecv(Message& out) override;
    bool xcan_send() override;
    int xcheck_first_frame(const Frame& first) const override;
    bool xcan_recv() override { return false; }
    void xattach(PipeEnd& pipe) override;
    void xdetach(PipeEnd& pipe) override;
    void xread_activated(PipeEnd& pipe) override;
    void xwrite_activated(PipeEnd& pipe) override;

private:
    void drop_finished_pipes();

    LoadBalancer lb_;
};

}  // namespace sculpin
