#include "socket/load_balancer.hpp"

#include <algorithm>
#include <cassert>

namespace sculpin {

void LoadBalancer::attach(PipeEnd& pipe) {
    pipes_.push_back(pipe);
    pipes_.swap(pipes_.size() - 1, active_);
    ++active_;
}

void LoadBalancer::remove(PipeEnd& pipe) {
    if (!pipes_.contains(pipe)) return;
    const size_t index = pipes_.index_of(pipe);
    if (index < active_) deactivate(index);
    pipes_.erase(pipe);
    finished_.erase(std::remove(finished_.begin(), finished_.end(), pipe.id()), finished_.end());
}

void LoadBalancer::activate(PipeEnd& pipe) {
    if (!pipes_.contains(pipe)) return;
    const size_t index = pipes_.index_of(pipe);
    if (index < active_) return;
    pipes_.swap(index, active_);
    ++active_;
}

void LoadBalancer::deactivate(size_t index) {
    assert(index < active_);
    --active_;
    pipes_.swap(index, active_);
    if (current_ >= active_) current_ = 0;
}

bool LoadBalancer::send(Message& msg, PipeEnd** to) {
    while (active_ > 0) {
        PipeEnd& pipe = pipes_[current_];
        // A pipe whose peer has gone would accept the message and lose it.
        if (!pipe.peer_closed() && pipe.write(msg)) {
            if (to != nullptr) *to = &pipe;
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

bool LoadBalancer::has_out() const {
    for (size_t i = 0; i < active_; ++i)
        if (pipes_[i].writable()) return true;
    return false;
}

}  // namespace sculpin
