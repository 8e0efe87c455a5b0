#include "socket/req.hpp"

#include <cstring>

namespace sculpin {

namespace {
Frame encode_request_id(uint32_t id) {
    const uint8_t bytes[4] = {static_cast<uint8_t>(id >> 24), static_cast<uint8_t>(id >> 16),
                              static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id)};
    return Frame(bytes, sizeof bytes);
}

uint32_t decode_request_id(const Frame& frame) {
    const uint8_t* b = frame.data();
    return static_cast<uint32_t>(b[0]) << 24 | static_cast<uint32_t>(b[1]) << 16 |
           static_cast<uint32_t>(b[2]) << 8 | static_cast<uint32_t>(b[3]);
}
}  // namespace

Req::Req() : Socket(SocketType::req) {}

Req::~Req() {
    if (ahead_.present()) report_drop(ahead_.message(), DropReason::closed);
    close_all_pipes();
}

void Req::drop_finished_pipes() {
    for (uint64_t id : lb_.take_finished()) detach(id);
    for (uint64_t id : fq_.take_finished()) detach(id);
}

void Req::drop_stale_replies() {
    if (ahead_.present()) report_drop(ahead_.take(), DropReason::stale_reply);
    Message msg;
    while (fq_.recv(msg)) report_drop(msg, DropReason::stale_reply);
}

int Req::xsend(Message& msg) {
    if (receiving_reply_) {
        if (!relaxed_) return kEfsm;
        // As libzmq: trying to send abandons the outstanding request, even if this
        // send then has to wait.
        receiving_reply_ = false;
        reply_pipe_ = nullptr;
    }
    // Before the request leaves, so that a fast reply to it cannot be mistaken for stale.
    drop_stale_replies();

    const uint32_t id = request_id_ + 1;
    msg.push_front(Frame());
    if (correlate_) msg.push_front(encode_request_id(id));
    PipeEnd* to = nullptr;
    const bool sent = lb_.send(msg, &to);
    if (!sent) {
        // Give the application its message back as it was.
        if (correlate_) msg.pop_front();
        msg.pop_front();
    } else {
        request_id_ = id;
        reply_pipe_ = to;
        receiving_reply_ = true;
    }
    drop_finished_pipes();
    return sent ? 0 : EAGAIN;
}

bool Req::accept_reply(Message& msg, const PipeEnd* from, DropReason* reason) const {
    if (from == nullptr || from != reply_pipe_) {
        *reason = DropReason::stale_reply;
        return false;
    }
    size_t envelope = 1;  // the delimiter
    if (correlate_) {
        if (msg.size() < 1 || msg[0].size() != 4) {
            *reason = DropReason::malformed;
            return false;
        }
        if (decode_request_id(msg[0]) != request_id_) {
            *reason = DropReason::stale_reply;
            return false;
        }
        envelope = 2;
    }
    // The delimiter, then at least one frame for the application.
    if (msg.size() <= envelope || !msg[envelope - 1].empty()) {
        *reason = DropReason::malformed;
        return false;
    }
    for (size_t i = 0; i < envelope; ++i) msg.pop_front();
    return true;
}

bool Req::next_reply() {
    if (ahead_.present()) return true;
    Message msg;
    PipeEnd* from = nullptr;
    while (fq_.recv(msg, &from)) {
        DropReason reason = DropReason::stale_reply;
        if (accept_reply(msg, from, &reason)) {
            ahead_.put(std::move(msg), from);
            break;
        }
        report_drop(msg, reason);
    }
    drop_finished_pipes();
    return ahead_.present();
}

int Req::xrecv(Message& out) {
    if (!receiving_reply_) return kEfsm;
    if (!next_reply()) return EAGAIN;
    PipeEnd* from = nullptr;
    out = ahead_.take(&from);
    set_last_in(from);
    receiving_reply_ = false;
    reply_pipe_ = nullptr;
    return 0;
}

int Req::xcheck_first_frame(const Frame&) const {
    if (receiving_reply_ && !relaxed_) return kEfsm;
    return lb_.has_out() ? 0 : EAGAIN;
}

bool Req::xcan_send() {
    return (!receiving_reply_ || relaxed_) && lb_.has_out();
}

bool Req::xcan_recv() {
    return receiving_reply_ && next_reply();
}

void Req::xattach(PipeEnd& pipe) {
    fq_.attach(pipe);
    lb_.attach(pipe);
}

void Req::xdetach(PipeEnd& pipe) {
    fq_.remove(pipe);
    lb_.remove(pipe);
    ahead_.forget_pipe(pipe);
    // The request is lost with its pipe. A strict REQ stays waiting, as libzmq's does
    // (the lazy pirate closes and reopens it); a relaxed one may send again.
    if (reply_pipe_ == &pipe) reply_pipe_ = nullptr;
}

void Req::xread_activated(PipeEnd& pipe) {
    fq_.activate(pipe);
}

void Req::xwrite_activated(PipeEnd& pipe) {
    lb_.activate(pipe);
}

int Req::xset_option(int option, const void* value, size_t size_bytes) {
    if (option != option::req_relaxed && option != option::req_correlate) return EINVAL;
    if (value == nullptr || size_bytes != sizeof(int)) return EINVAL;
    int on = 0;
    std::memcpy(&on, value, sizeof(int));
    if (on < 0) return EINVAL;  // libzmq takes any positive value as "on"
    (option == option::req_relaxed ? relaxed_ : correlate_) = on != 0;
    return 0;
}

int Req::xget_option(int option, void* value, size_t* size_bytes) const {
    if (option != option::req_relaxed && option != option::req_correlate) return EINVAL;
    if (value == nullptr || size_bytes == nullptr || *size_bytes < sizeof(int)) return EINVAL;
    const int on = option == option::req_relaxed ? relaxed_ : correlate_;
    std::memcpy(value, &on, sizeof(int));
    *size_bytes = sizeof(int);
    return 0;
}

}  // namespace sculpin
