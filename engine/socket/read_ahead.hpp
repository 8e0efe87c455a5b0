// ReadAhead: one message taken from a pipe before the application asked for it.
//
// Polling (can_recv) has to read: reading an empty pipe is what arms its wake-up, and
// sockets that filter or validate (SUB, REQ, REP, ROUTER) only know that a message is
// deliverable once they have looked at it. The message waits here for the next recv.
#pragma once

#include <cassert>
#include <utility>

#include "core/message.hpp"
#include "socket/pipe.hpp"

namespace sculpin {

class ReadAhead {
public:
    bool present() const noexcept { return present_; }
    // 1 when holding a message the ledger follows (trace_id set), else 0.
    size_t traced() const noexcept { return present_ && msg_.trace_id != 0 ? 1 : 0; }
    const Message& message() const noexcept {
        assert(present_);
        return msg_;
    }
    // The pipe the message came from; null once that pipe has been detached.
    PipeEnd* from() const noexcept { return from_; }

    void put(Message&& msg, PipeEnd* from) {
        assert(!present_);
        msg_ = std::move(msg);
        from_ = from;
        present_ = true;
    }
    Message take(PipeEnd** from = nullptr) {
        assert(present_);
        present_ = false;
        if (from != nullptr) *from = from_;
        from_ = nullptr;
        return std::move(msg_);
    }
    // The message stays deliverable: it was read before the pipe went away.
    void forget_pipe(const PipeEnd& pipe) noexcept {
        if (from_ == &pipe) from_ = nullptr;
    }

private:
    bool present_ = false;
    Message msg_;
    PipeEnd* from_ = nullptr;
};

}  // namespace sculpin
