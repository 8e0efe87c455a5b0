// REQ (RFC 28): a client that alternates strictly between sending a request and
// receiving its reply.
//
// A request goes to one peer, round-robin, behind an empty delimiter frame (and, with
// REQ_CORRELATE, a 4-byte request id in front of that). Only a reply from that peer is
// accepted, and only if it carries the envelope back: a reply from another peer or to an
// earlier request is dropped (stale_reply), one without the delimiter (malformed).
// Sending while waiting for a reply, or receiving without a request out, fails with
// EFSM, unless REQ_RELAXED: then a new request abandons the old one, whose reply will be
// dropped when it comes.
//
// Request ids start at 1 and are sent big-endian: deterministic, and opaque to peers.
#pragma once

#include <cstdint>

#include "socket/fair_queue.hpp"
#include "socket/load_balancer.hpp"
#include "socket/read_ahead.hpp"
#include "socket/socket.hpp"

namespace sculpin {

class Req final : public Socket {
public:
    Req();
    ~Req() override;

    size_t traced_held() const override { return fq_.read_ahead().traced() + ahead_.traced(); }
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
    int xset_option(int option, const void* value, size_t size_bytes) override;
    int xget_option(int option, void* value, size_t* size_bytes) const override;

private:
    // Reads until a valid reply to the outstanding request, stripped of its envelope,
    // is in ahead_; drops everything else.
    bool next_reply();
    // Why `msg` from `from` is not the reply we wait for, or nothing: then `msg` has
    // been stripped to the application's part.
    bool accept_reply(Message& msg, const PipeEnd* from, DropReason* reason) const;
    // Drops whatever has already arrived: it answers requests we no longer wait for.
    void drop_stale_replies();
    void drop_finished_pipes();

    FairQueue fq_;
    LoadBalancer lb_;
    ReadAhead ahead_;                      // a validated reply
    bool receiving_reply_ = false;         // a request is out
    const PipeEnd* reply_pipe_ = nullptr;  // where it went; null once that pipe is gone
    uint32_t request_id_ = 0;              // of the outstanding request
    bool relaxed_ = false;
    bool correlate_ = false;
};

}  // namespace sculpin
