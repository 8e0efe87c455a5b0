#include "sim/ledger.hpp"

namespace sculpin::sim {

namespace {

// How far past the dense range an id may be and still grow the vector: ids arrive in
// increasing order, so a gap larger than this means a stray id, not the next message.
constexpr uint64_t kDenseSlack = 4096;

bool mentions_message(TraceKind kind) {
    switch (kind) {
        case TraceKind::send:
        case TraceKind::deliver:
        case TraceKind::drop:
        case TraceKind::fork:
            return true;
        default:
            return false;
    }
}

}  // namespace

Ledger::MessageRecord* Ledger::record_for(uint64_t id) {
    if (id < dense_.size()) return &dense_[id];
    if (id < dense_.size() + kDenseSlack) {
        dense_.resize(id + 1);
        return &dense_[id];
    }
    return &sparse_[id];
}

const Ledger::MessageRecord* Ledger::find_record(uint64_t id) const {
    if (id < dense_.size()) return &dense_[id];
    const auto it = sparse_.find(id);
    return it == sparse_.end() ? nullptr : &it->second;
}

uint32_t Ledger::intern_node(const std::string& name) {
    const auto [it, inserted] = node_index_.try_emplace(name, 0);
    if (inserted) {
        it->second = static_cast<uint32_t>(node_names_.size());
        node_names_.push_back(name);
    }
    return it->second;
}

void Ledger::note_error(const TraceEvent& event, size_t index, const std::string& what) {
    if (!first_error_.empty()) return;  // the first offence is the one worth reading
    first_error_ = "event " + std::to_string(index) + " (" + std::string(to_string(event.kind)) +
                   " at " + std::to_string(event.time_ns) + " ns, node \"" + event.node +
                   "\"): message " + std::to_string(event.message) + " " + what;
}

void Ledger::observe(const TraceEvent& event) {
    const size_t index = events_observed_++;
    if (event.kind == TraceKind::encoded || event.kind == TraceKind::arrived) {
        // On the wire: part of the message's story, not of the balance.
        MessageRecord* record = event.message == 0 ? nullptr : record_for(event.message);
        if (record != nullptr) record->story.push_back(static_cast<uint32_t>(index));
        return;
    }
    if (!mentions_message(event.kind)) return;

    // A drop or deliver without an id would still move the counters, so it is counted
    // and reported rather than silently skipped.
    MessageRecord* record = event.message == 0 ? nullptr : record_for(event.message);
    if (record != nullptr) record->story.push_back(static_cast<uint32_t>(index));

    switch (event.kind) {
        case TraceKind::send:
            ++sent_;
            if (record == nullptr) {
                note_error(event, index, "has no id");
                break;
            }
            if (record->sent) {
                note_error(event, index, "was sent twice");
                break;
            }
            record->sent = true;
            record->sender = intern_node(event.node);
            record->copies_left += 1;
            break;
        case TraceKind::fork:
            forked_ += event.value;
            if (record == nullptr || !record->sent) {
                note_error(event, index, "was forked but never sent");
                break;
            }
            record->copies_left += event.value;
            break;
        case TraceKind::deliver:
        case TraceKind::drop: {
            const bool deliver = event.kind == TraceKind::deliver;
            if (deliver) {
                ++delivered_;
            } else {
                ++dropped_by_reason_[event.detail];
                ++dropped_total_;
            }
            const char* verb = deliver ? "delivered" : "dropped";
            if (record == nullptr || !record->sent) {
                note_error(event, index, std::string("was ") + verb + " but never sent");
                break;
            }
            if (--record->copies_left < 0) {
                note_error(event, index,
                           std::string("was ") + verb + " more often than it had copies");
            }
            if (deliver) ++delivered_between_[{record->sender, intern_node(event.node)}];
            break;
        }
        default:
            break;
    }
}

int64_t Ledger::dropped(const std::string& reason) const {
    const auto it = dropped_by_reason_.find(reason);
    return it == dropped_by_reason_.end() ? 0 : it->second;
}

int64_t Ledger::delivered_between(const std::string& from, const std::string& to) const {
    const auto from_it = node_index_.find(from);
    const auto to_it = node_index_.find(to);
    if (from_it == node_index_.end() || to_it == node_index_.end()) return 0;
    const auto it = delivered_between_.find({from_it->second, to_it->second});
    return it == delivered_between_.end() ? 0 : it->second;
}

std::vector<size_t> Ledger::story(uint64_t id) const {
    const MessageRecord* record = id == 0 ? nullptr : find_record(id);
    if (record == nullptr) return {};
    return {record->story.begin(), record->story.end()};
}

std::string Ledger::balance_error() const {
    if (!first_error_.empty()) return first_error_;
    if (in_flight() < 0) {
        return "in flight is " + std::to_string(in_flight()) + " (sent " + std::to_string(sent_) +
               " + forked " + std::to_string(forked_) + " - delivered " +
               std::to_string(delivered_) + " - dropped " + std::to_string(dropped_total_) + ")";
    }
    return "";
}

bool Ledger::balanced_at_end(int64_t observed_in_flight) const {
    return balance_error().empty() && in_flight() == observed_in_flight;
}

std::string Ledger::summary() const {
    std::string out = "sent " + std::to_string(sent_);
    if (forked_ != 0) out += ", forked " + std::to_string(forked_);
    out += ", delivered " + std::to_string(delivered_);
    out += ", dropped " + std::to_string(dropped_total_);
    if (!dropped_by_reason_.empty()) {
        out += " (";
        bool first = true;
        for (const auto& [reason, count] : dropped_by_reason_) {
            if (!first) out += ", ";
            first = false;
            out += (reason.empty() ? std::string("unspecified") : reason) + " " +
                   std::to_string(count);
        }
        out += ")";
    }
    out += ", in flight " + std::to_string(in_flight());
    return out;
}

}  // namespace sculpin::sim
