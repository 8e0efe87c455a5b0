// The message ledger: a running account of every message the programs sent, kept from the
// trace alone. At any instant  sent + forked = delivered + dropped (by reason) + in flight,
// and in flight can never be negative; at the end of a run the simulator counts the
// messages still queued or on the wire and that count must equal in_flight(). It also
// keeps each message's story (which trace events mention it) for the GUI's inspector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/trace.hpp"

namespace sculpin::sim {

class Ledger {
public:
    // Feed every trace event, in order (e.g. from a Trace listener). Event indices in
    // story() count the events observed, so they match Trace::events() when the ledger
    // has seen the trace from its first event.
    void observe(const TraceEvent& event);

    int64_t sent() const noexcept { return sent_; }
    int64_t forked() const noexcept { return forked_; }  // extra copies made by fan-out
    int64_t delivered() const noexcept { return delivered_; }
    int64_t dropped(const std::string& reason) const;
    int64_t dropped_total() const noexcept { return dropped_total_; }
    const std::map<std::string, int64_t>& dropped_by_reason() const noexcept {
        return dropped_by_reason_;
    }
    // Copies made (sent + forked) that are neither delivered nor dropped yet.
    int64_t in_flight() const noexcept { return sent_ + forked_ - delivered_ - dropped_total_; }
    size_t events_observed() const noexcept { return events_observed_; }

    // Messages delivered at node `to` whose send event was at node `from`.
    int64_t delivered_between(const std::string& from, const std::string& to) const;

    // The indices of the observed events that mention message `id`, in order; empty for
    // an id never mentioned.
    std::vector<size_t> story(uint64_t id) const;

    // "" while the account is consistent; else one line naming the first offence: an
    // event about a message that was never sent (or has no id), a message sent twice, a
    // message delivered or dropped more often than it had copies, or in flight < 0.
    std::string balance_error() const;
    // The end-of-run check: consistent, and in_flight() equals what the simulator counts
    // still queued or on the wire.
    bool balanced_at_end(int64_t observed_in_flight) const;

    // "sent 10, forked 2, delivered 9, dropped 3 (hwm 2, crash 1), in flight 0"
    std::string summary() const;

private:
    static constexpr uint32_t kNoNode = UINT32_MAX;

    struct MessageRecord {
        bool sent = false;
        uint32_t sender = kNoNode;  // index into node_names_
        int64_t copies_left = 0;    // copies made minus copies delivered or dropped
        std::vector<uint32_t> story;
    };

    MessageRecord* record_for(uint64_t id);
    const MessageRecord* find_record(uint64_t id) const;
    uint32_t intern_node(const std::string& name);
    void note_error(const TraceEvent& event, size_t index, const std::string& what);

    int64_t sent_ = 0;
    int64_t forked_ = 0;
    int64_t delivered_ = 0;
    int64_t dropped_total_ = 0;
    std::map<std::string, int64_t> dropped_by_reason_;
    size_t events_observed_ = 0;

    // Ids are handed out densely from 1, so most records live in a vector indexed by id;
    // an id far beyond the dense range (which a well-behaved simulator never makes) goes
    // to the map instead of growing the vector without bound.
    std::vector<MessageRecord> dense_;
    std::map<uint64_t, MessageRecord> sparse_;

    std::map<std::string, uint32_t> node_index_;
    std::vector<std::string> node_names_;
    std::map<std::pair<uint32_t, uint32_t>, int64_t> delivered_between_;

    std::string first_error_;
};

}  // namespace sculpin::sim
