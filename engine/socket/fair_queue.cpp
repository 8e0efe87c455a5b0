#include "socket/fair_queue.hpp"

#include <algorithm>
#include <cassert>

namespace sculpin {

void FairQueue::attach(PipeEnd& pipe) {
    pipes_.push_back(pipe);
    pipes_.swap(pipes_.size() - 1, active_);
    ++active_;
}

void FairQueue::remove(PipeEnd& pipe) {
    ahead_.forget_pipe(pipe);
    if (!pipes_.contains(pipe)) return;
    const size_t index = pipes_.index_of(pipe);
    if (index < active_) deactivate(index);
    pipes_.erase(pipe);
    finished_.erase(std::remove(finished_.begin(), finished_.end(), pipe.id()), finished_.end());
}

void FairQueue::activate(PipeEnd& pipe) {
    if (!pipes_.contains(pipe)) return;
    const size_t index = pipes_.index_of(pipe);
    if (index < active_) return;
    pipes_.swap(index, active_);
    ++active_;
}

void FairQueue::deactivate(size_t index) {
    assert(index < active_);
    --active_;
    pipes_.swap(index, active_);
    if (current_ >= active_) current_ = 0;
}

bool FairQueue::read_next(Message& out, PipeEnd** from) {
    while (active_ > 0) {
        PipeEnd& pipe = pipes_[current_];
        if (pipe.read(out)) {
            if (from != nullptr) *from = &pipe;
            current_ = (current_ + 1) % active_;
            return true;
        }
        if (pipe.finished() &&
            std::find(finished_.begin(), finished_.end(), pipe.id()) == finished_.end()) {
            finished_.push_back(pipe.id());
        }
        deactivate(current_);
    }
    return false;
}

bool FairQueue::recv(Message& out, PipeEnd** from) {
    if (ahead_.present()) {
        out = ahead_.take(from);
        return true;
    }
    return read_next(out, from);
}

bool FairQueue::has_in() {
    if (ahead_.present()) return true;
    for (size_t i = 0; i < active_; ++i)
        if (pipes_[i].readable()) return true;
    // Nothing visible: read anyway, which arms every pipe's wake-up. A message that
    // landed in between is kept for the next recv().
    Message msg;
    PipeEnd* from = nullptr;
    if (!read_next(msg, &from)) return false;
    ahead_.put(std::move(msg), from);
    return true;
}

}  // namespace sculpin
