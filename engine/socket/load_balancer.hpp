// LoadBalancer: sends each message to one pipe, round-robin over the pipes that can take
// it (libzmq's lb_t). PUSH, DEALER and REQ send through it.
//
// A pipe that refuses a message (at its high-water mark, or its peer has gone) leaves the
// active set until activate(): the refused write armed the pipe's wake-up, which the
// runtime relays as pipe_writable once the queue has drained to its low-water mark. This
// gives libzmq's hysteresis: a full pipe is skipped until it has room for a burst again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/message.hpp"
#include "socket/pipe.hpp"
#include "socket/pipe_array.hpp"

namespace sculpin {

class LoadBalancer {
public:
    // New pipes start active.
    void attach(PipeEnd& pipe);
    // Forgets the pipe; it is about to go away.
    void remove(PipeEnd& pipe);
    // The pipe has room again.
    void activate(PipeEnd& pipe);

    // Writes `msg` to the next active pipe that accepts it. On success `msg` is consumed
    // and `*to` (if given) names the pipe; on failure `msg` is untouched and no active
    // pipe is left.
    bool send(Message& msg, PipeEnd** to = nullptr);
    // Would send() succeed now?
    bool has_out() const;

    // Pipes found finished (peer gone, nothing left to read) while sending. The socket
    // drops them after the call, so that the pipes are never reshuffled mid-iteration.
    std::vector<uint64_t> take_finished() { return std::move(finished_); }

    size_t size() const noexcept { return pipes_.size(); }
    size_t active_count() const noexcept { return active_; }

private:
    void deactivate(size_t index);

    PipeArray pipes_;  // [0, active_) may be written to
    size_t active_ = 0;
    size_t current_ = 0;  // next pipe to try, < active_ unless active_ == 0
    std::vector<uint64_t> finished_;
};

}  // namespace sculpin
