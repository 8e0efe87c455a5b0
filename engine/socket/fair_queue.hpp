// FairQueue: receives round-robin from the pipes that have something to read (libzmq's
// fq_t). PULL, DEALER, ROUTER, REQ, REP, SUB and XSUB read through it.
//
// A pipe whose read fails leaves the active set until activate(): the failed read armed
// the pipe's wake-up, which the runtime relays as pipe_readable when a message lands.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/message.hpp"
#include "socket/pipe.hpp"
#include "socket/pipe_array.hpp"
#include "socket/read_ahead.hpp"

namespace sculpin {

class FairQueue {
public:
    // New pipes start active: they may hold messages already.
    void attach(PipeEnd& pipe);
    // Forgets the pipe; it is about to go away. A message already read ahead from it
    // stays deliverable.
    void remove(PipeEnd& pipe);
    // Something arrived on the pipe.
    void activate(PipeEnd& pipe);

    // Takes the next message round-robin. `*from` (if given) names its pipe, or is null
    // when the pipe went away after the message was read ahead.
    bool recv(Message& out, PipeEnd** from = nullptr);
    // Would recv() succeed now? May read one message ahead (see ReadAhead).
    bool has_in();
    // CONFLATE: takes every message available and keeps the newest; each older one is
    // handed to `skipped` (the socket reports it dropped, reason conflated).
    template <class Skipped>
    bool recv_newest(Message& out, PipeEnd** from, Skipped&& skipped) {
        if (!recv(out, from)) return false;
        Message newer;
        PipeEnd* newer_from = nullptr;
        while (recv(newer, &newer_from)) {
            skipped(static_cast<const Message&>(out));
            out = std::move(newer);
            if (from != nullptr) *from = newer_from;
        }
        return true;
    }

    // Pipes found finished (peer gone, everything read). The socket drops them after the
    // call, so that the pipes are never reshuffled mid-iteration.
    std::vector<uint64_t> take_finished() { return std::move(finished_); }

    size_t size() const noexcept { return pipes_.size(); }
    size_t active_count() const noexcept { return active_; }

    // A message read ahead by has_in(), if any: a socket that closes reports it dropped.
    ReadAhead& read_ahead() noexcept { return ahead_; }
    const ReadAhead& read_ahead() const noexcept { return ahead_; }

private:
    void deactivate(size_t index);
    bool read_next(Message& out, PipeEnd** from);

    PipeArray pipes_;  // [0, active_) may have something to read
    size_t active_ = 0;
    size_t current_ = 0;  // next pipe to read, < active_ unless active_ == 0
    std::vector<uint64_t> finished_;
    ReadAhead ahead_;
};

}  // namespace sculpin
