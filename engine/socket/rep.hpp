// REP (RFC 28): a service that alternates strictly between receiving a request and
// sending its reply.
//
// recv takes a request fair-queued, removes its envelope (every frame up to and
// including the empty delimiter) and keeps it with the pipe it came from; send puts the
// envelope back in front of the reply and writes it to that pipe. A request without a
// delimiter, or with nothing after it, is dropped (malformed). A reply whose peer has
// gone is dropped (closed), one to a full pipe too (hwm): REP never blocks on send.
// Receiving while a reply is due, or replying without a request, fails with EFSM.
#pragma once

#include "socket/fair_queue.hpp"
#include "socket/read_ahead.hpp"
#include "socket/socket.hpp"

namespace sculpin {

class Rep final : public Socket {
public:
    Rep();
    ~Rep() override;

    size_t traced_held() const override { return fq_.read_ahead().traced() + ahead_.traced(); }
protected:
    int xsend(Message& msg) override;
    int xrecv(Message& out) override;
    bool xcan_send() override { return sending_reply_; }
    bool xcan_recv() override;
    void xattach(PipeEnd& pipe) override;
    void xdetach(PipeEnd& pipe) override;
    void xread_activated(PipeEnd& pipe) override;
    void xwrite_activated(PipeEnd&) override {}

private:
    // Reads until a well-formed request is in ahead_; drops malformed ones.
    bool next_request();
    void drop_finished_pipes();

    FairQueue fq_;
    ReadAhead ahead_;  // a well-formed request, envelope still on
    bool sending_reply_ = false;
    Message envelope_;               // of the request being answered, delimiter included
    PipeEnd* reply_pipe_ = nullptr;  // where it came from; null once that pipe is gone
};

}  // namespace sculpin
