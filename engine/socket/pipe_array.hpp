// PipeArray: the pipes of one routing strategy, in a vector whose front part is "active".
//
// The load balancer and the fair queue both walk the active pipes round-robin and move a
// pipe out of the active part when it cannot take or give a message, as libzmq's array_t
// does. Swapping keeps activation and deactivation O(log n); the order that results
// depends only on the sequence of events, never on addresses, so it is deterministic.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "socket/pipe.hpp"

namespace sculpin {

class PipeArray {
public:
    size_t size() const noexcept { return pipes_.size(); }
    bool empty() const noexcept { return pipes_.empty(); }
    PipeEnd& operator[](size_t i) const noexcept {
        assert(i < pipes_.size());
        return *pipes_[i];
    }
    bool contains(const PipeEnd& pipe) const { return index_.count(pipe.id()) != 0; }
    size_t index_of(const PipeEnd& pipe) const {
        auto it = index_.find(pipe.id());
        assert(it != index_.end());
        return it->second;
    }

    void push_back(PipeEnd& pipe) {
        assert(!contains(pipe));
        index_.emplace(pipe.id(), pipes_.size());
        pipes_.push_back(&pipe);
    }
    void swap(size_t a, size_t b) {
        assert(a < pipes_.size() && b < pipes_.size());
        if (a == b) return;
        std::swap(pipes_[a], pipes_[b]);
        index_[pipes_[a]->id()] = a;
        index_[pipes_[b]->id()] = b;
    }
    // Removes `pipe` by moving the last pipe into its place.
    void erase(const PipeEnd& pipe) {
        const size_t i = index_of(pipe);
        swap(i, pipes_.size() - 1);
        pipes_.pop_back();
        index_.erase(pipe.id());
    }

private:
    std::vector<PipeEnd*> pipes_;
    std::map<uint64_t, size_t> index_;  // pipe id -> position in pipes_
};

}  // namespace sculpin
