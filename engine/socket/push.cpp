#include "socket/push.hpp"

namespace sculpin {

Push::Push() : Socket(SocketType::push) {}

// The base destructor cannot reach xdetach any more, so the pipes go here.
Push::~Push() {
    close_all_pipes();
}

void Push::drop_finished_pipes() {
    for (uint64_t id : lb_.take_finished()) detach(id);
}

int Push::xsend(Message& msg) {
    const bool sent = lb_.send(msg);
    drop_finished_pipes();
    return sent ? 0 : EAGAIN;
}

int Push::xrecv(Message&) {
    return ENOTSUP;
}

int Push::xcheck_first_frame(const Frame&) const {
    return lb_.has_out() ? 0 : EAGAIN;
}

bool Push::xcan_send() {
    return lb_.has_out();
}

void Push::xattach(PipeEnd& pipe) {
    lb_.attach(pipe);
}

void Push::xdetach(PipeEnd& pipe) {
    lb_.remove(pipe);
}

void Push::xread_activated(PipeEnd& pipe) {
    // A PULL peer sends nothing; whatever arrives is discarded so that the pipe can be
    // seen finished once the peer goes.
    Message msg;
    while (pipe.read(msg)) report_drop(msg, DropReason::malformed);
    if (pipe.finished()) detach(pipe.id());
}

void Push::xwrite_activated(PipeEnd& pipe) {
    lb_.activate(pipe);
}

}  // namespace sculpin
