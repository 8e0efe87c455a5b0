#include "socket/rep.hpp"

#include <cassert>

namespace sculpin {

namespace {
// Index of the delimiter, if the message has one with at least one frame after it.
bool find_delimiter(const Message& msg, size_t* index) {
    for (size_t i = 0; i + 1 < msg.size(); ++i) {
        if (msg[i].empty()) {
            *index = i;
            return true;
        }
    }
    return false;
}
}  // namespace

Rep::Rep() : Socket(SocketType::rep) {}

Rep::~Rep() {
    if (ahead_.present()) report_drop(ahead_.message(), DropReason::closed);
    close_all_pipes();
}

void Rep::drop_finished_pipes() {
    for (uint64_t id : fq_.take_finished()) detach(id);
}

bool Rep::next_request() {
    if (ahead_.present()) return true;
    Message msg;
    PipeEnd* from = nullptr;
    while (fq_.recv(msg, &from)) {
        size_t delimiter = 0;
        if (find_delimiter(msg, &delimiter)) {
            ahead_.put(std::move(msg), from);
            break;
        }
        report_drop(msg, DropReason::malformed);
    }
    drop_finished_pipes();
    return ahead_.present();
}

int Rep::xrecv(Message& out) {
    if (sending_reply_) return kEfsm;
    if (!next_request()) return EAGAIN;
    PipeEnd* from = nullptr;
    out = ahead_.take(&from);
    envelope_.clear();
    for (;;) {
        Frame frame = out.pop_front();
        const bool delimiter = frame.empty();
        envelope_.push_back(std::move(frame));
        if (delimiter) break;
    }
    assert(!out.empty());
    reply_pipe_ = from;
    sending_reply_ = true;
    set_last_in(from);
    return 0;
}

int Rep::xsend(Message& msg) {
    if (!sending_reply_) return kEfsm;
    for (size_t i = envelope_.size(); i > 0; --i) msg.push_front(std::move(envelope_[i - 1]));
    envelope_.clear();
    sending_reply_ = false;
    PipeEnd* to = reply_pipe_;
    reply_pipe_ = nullptr;
    if (to == nullptr || to->peer_closed()) {
        report_drop(msg, DropReason::closed);
    } else if (!to->write(msg)) {
        report_drop(msg, DropReason::hwm);
    }
    msg.clear();
    return 0;
}

bool Rep::xcan_recv() {
    return !sending_reply_ && next_request();
}

void Rep::xattach(PipeEnd& pipe) {
    fq_.attach(pipe);
}

void Rep::xdetach(PipeEnd& pipe) {
    fq_.remove(pipe);
    ahead_.forget_pipe(pipe);
    if (reply_pipe_ == &pipe) reply_pipe_ = nullptr;
}

void Rep::xread_activated(PipeEnd& pipe) {
    fq_.activate(pipe);
}

}  // namespace sculpin
