#include "socket/distributor.hpp"

#include <algorithm>
#include <cassert>

namespace sculpin {

void Distributor::attach(PipeEnd& pipe) {
    const bool inserted = pipes_.emplace(pipe.id(), Entry{&pipe, true, false}).second;
    assert(inserted);
    (void)inserted;
}

void Distributor::remove(PipeEnd& pipe) {
    auto it = pipes_.find(pipe.id());
    if (it == pipes_.end()) return;
    Entry* entry = &it->second;
    if (entry->matched)
        matched_.erase(std::remove(matched_.begin(), matched_.end(), entry), matched_.end());
    pipes_.erase(it);
    finished_.erase(std::remove(finished_.begin(), finished_.end(), pipe.id()), finished_.end());
}

void Distributor::activate(PipeEnd& pipe) {
    auto it = pipes_.find(pipe.id());
    if (it != pipes_.end()) it->second.active = true;
}

void Distributor::unmatch() {
    for (Entry* entry : matched_) entry->matched = false;
    matched_.clear();
}

void Distributor::match(uint64_t pipe_id) {
    auto it = pipes_.find(pipe_id);
    if (it == pipes_.end() || it->second.matched) return;
    it->second.matched = true;
    matched_.push_back(&it->second);
}

void Distributor::reverse_match() {
    matched_.clear();
    for (auto& [id, entry] : pipes_) {
        entry.matched = !entry.matched;
        if (entry.matched) matched_.push_back(&entry);
    }
}

namespace {
// Has room, or will never take a copy anyway. A pipe found full stays refused until it
// has drained to its low-water mark and activate() is called, as after a lossy send's
// refused write (libzmq's hysteresis): a sender does not get one message in each time the
// reader takes one.
bool room_or_gone(PipeEnd& pipe, bool& active) {
    if (pipe.peer_closed()) return true;
    if (!active) return false;
    if (pipe.writable()) return true;
    active = false;  // writable() has asked to be told when it drains
    return false;
}
}  // namespace

bool Distributor::matched_have_room() {
    for (Entry* entry : matched_)
        if (!room_or_gone(*entry->pipe, entry->active)) return false;
    return true;
}

bool Distributor::all_have_room() {
    for (auto& [id, entry] : pipes_)
        if (!room_or_gone(*entry.pipe, entry.active)) return false;
    return true;
}

void Distributor::deliver(Entry& entry, Message& msg, bool take_original, const DropFn& drop) {
    PipeEnd& pipe = *entry.pipe;
    if (pipe.peer_closed()) {
        // Written, the copy would only be drained and dropped with the pipe.
        drop(msg, DropReason::closed);
        if (pipe.finished() &&
            std::find(finished_.begin(), finished_.end(), pipe.id()) == finished_.end()) {
            finished_.push_back(pipe.id());
        }
        return;
    }
    // A pipe at its high-water mark is told about the copy it would have had, but no copy
    // is made: under a fast publisher most copies end here, and a drop only reads the
    // message (what a failed write leaves is an untouched copy, equal to `msg`).
    if (entry.active) {
        if (take_original) {
            if (pipe.write(msg)) return;
        } else {
            Message copy = msg;
            if (pipe.write(copy)) return;
        }
    }
    entry.active = false;
    drop(msg, DropReason::hwm);
}

size_t Distributor::send_to_matched(Message& msg, const DropFn& drop) {
    const size_t count = matched_.size();
    if (count == 0) return 0;
    // Every pipe but the last gets a copy; the last one takes the original.
    for (size_t i = 0; i < count; ++i) deliver(*matched_[i], msg, i + 1 == count, drop);
    msg.clear();
    return count;
}

size_t Distributor::send_to_all(Message& msg, const DropFn& drop) {
    const size_t count = pipes_.size();
    if (count == 0) return 0;
    size_t i = 0;
    for (auto& [id, entry] : pipes_) deliver(entry, msg, ++i == count, drop);
    msg.clear();
    return count;
}

void Distributor::send_to_all_forced(const Message& msg) {
    for (auto& [id, entry] : pipes_) {
        if (entry.pipe->peer_closed()) continue;
        Message copy = msg;
        entry.pipe->write_forced(copy);
    }
}

}  // namespace sculpin
