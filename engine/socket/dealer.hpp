// DEALER (RFC 28): sends round-robin to its peers and receives from them fair-queued,
// with no envelope of its own. Sending blocks (EAGAIN) when no peer can take a message.
//
// CONFLATE applies on the receiving side, as for PULL.
#pragma once

#include "socket/fair_queue.hpp"
#include "socket/load_balancer.hpp"
#include "socket/socket.hpp"

namespace sculpin {

class Dealer final : public Socket {
public:
    Dealer();
    ~Dealer() override;

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
    void xwrite_activated(PipeEnd& pipe) override;

private:
    void drop_finished_pipes();

    FairQueue fq_;
    LoadBalancer lb_;
};

}  // namespace sculpin
