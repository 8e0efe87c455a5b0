#include "socket/dealer.hpp"

namespace sculpin {

Dealer::Dealer() : Socket(SocketType::dealer) {}

Dealer::~Dealer() {
    if (fq_.read_ahead().present()) report_drop(fq_.read_ahead().message(), DropReason::closed);
    close_all_pipes();
}

void Dealer::drop_finished_pipes() {
    for (uint64_t id : lb_.take_finished()) detach(id);
    for (uint64_t id : fq_.take_finished()) detach(id);
}

int Dealer::xsend(Message& msg) {
    const bool sent = lb_.send(msg);
    drop_finished_pipes();
    return sent ? 0 : EAGAIN;
}

int Dealer::xrecv(Message& out) {
    PipeEnd* from = nullptr;
    bool received = false;
    if (options_.conflate) {
        received = fq_.recv_newest(out, &from, [this](const Message& older) {
            report_drop(older, DropReason::conflated);
        });
    } else {
        received = fq_.recv(out, &from);
    }
    if (received) set_last_in(from);
    drop_finished_pipes();
    return received ? 0 : EAGAIN;
}

int Dealer::xcheck_first_frame(const Frame&) const {
    return lb_.has_out() ? 0 : EAGAIN;
}

bool Dealer::xcan_send() {
    return lb_.has_out();
}

bool Dealer::xcan_recv() {
    const bool ready = fq_.has_in();
    drop_finished_pipes();
    return ready;
}

void Dealer::xattach(PipeEnd& pipe) {
    fq_.attach(pipe);
    lb_.attach(pipe);
}

void Dealer::xdetach(PipeEnd& pipe) {
    fq_.remove(pipe);
    lb_.remove(pipe);
}

void Dealer::xread_activated(PipeEnd& pipe) {
    fq_.activate(pipe);
}

void Dealer::xwrite_activated(PipeEnd& pipe) {
    lb_.activate(pipe);
}

}  // namespace sculpin
