// Distributor: sends a copy of a message to each of a set of pipes (libzmq's dist_t).
// PUB and XPUB send data to the pipes whose subscriptions match; XSUB and SUB send
// subscriptions to all pipes.
//
// Copies are cheap: a large Frame is reference-counted, so fan-out to N pipes bumps a
// counter N times rather than copying the bytes. A pipe at its high-water mark does not
// block the others: its copy is dropped (reason hwm) and the pipe is skipped until it
// has drained to its low-water mark and activate() is called, as libzmq does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "core/drop_reason.hpp"
#include "core/message.hpp"
#include "socket/pipe.hpp"

namespace sculpin {

class Distributor {
public:
    // Told about each copy that could not be delivered.
    using DropFn = std::function<void(const Message& msg, DropReason reason)>;

    void attach(PipeEnd& pipe);
    // Forgets the pipe; it is about to go away.
    void remove(PipeEnd& pipe);
    // The pipe drained to its low-water mark: it takes messages again.
    void activate(PipeEnd& pipe);

    // Matching: the set of pipes the next send_to_matched() reaches.
    void unmatch();
    // Unknown ids are ignored; matching a pipe twice is harmless.
    void match(uint64_t pipe_id);
    size_t matched_count() const noexcept { return matched_.size(); }
    // INVERT_MATCHING: the matched set becomes every other pipe (in pipe id order).
    void reverse_match();

    // XPUB_NODROP asks before sending, so that a full pipe makes the sender wait instead
    // of losing its copy. Pipes whose peer has gone are not waited for (their copy is
    // dropped as closed). A pipe found full counts as full until activate(), as after a
    // refused write; its listener is told when it has drained to the low-water mark.
    bool matched_have_room();
    bool all_have_room();

    // Sends a copy to every matched pipe, in the order they were matched, and returns
    // how many there were. `msg` is consumed unless no pipe was matched (returns 0).
    size_t send_to_matched(Message& msg, const DropFn& drop);
    // Sends a copy to every pipe, in pipe id order; the same contract otherwise.
    size_t send_to_all(Message& msg, const DropFn& drop);
    // Control traffic (subscriptions): to every pipe whose peer is still there, ignoring
    // the high-water mark.
    void send_to_all_forced(const Message& msg);

    // Pipes found finished while sending; the socket drops them after the call.
    std::vector<uint64_t> take_finished() { return std::move(finished_); }

    size_t size() const noexcept { return pipes_.size(); }
    bool empty() const noexcept { return pipes_.empty(); }

private:
    struct Entry {
        PipeEnd* pipe = nullptr;
        bool active = true;  // false from a refused write until activate()
        bool matched = false;
    };
    // Writes a copy of `msg` to the entry's pipe, or `msg` itself (moved) when
    // `take_original`; a copy that cannot be delivered is reported against `msg`.
    void deliver(Entry& entry, Message& msg, bool take_original, const DropFn& drop);

    std::map<uint64_t, Entry> pipes_;  // by pipe id: deterministic order
    std::vector<Entry*> matched_;      // map nodes are stable; each has matched set
    std::vector<uint64_t> finished_;
};

}  // namespace sculpin
