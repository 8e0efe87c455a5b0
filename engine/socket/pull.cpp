#include "socket/pull.hpp"

namespace sculpin {

Pull::Pull() : Socket(SocketType::pull) {}

Pull::~Pull() {
    if (fq_.read_ahead().present()) report_drop(fq_.read_ahead().message(), DropReason::closed);
    close_all_pipes();
}

void Pull::drop_finished_pipes() {
    for (uint64_t id : fq_.take_finished()) detach(id);
}

int Pull::xsend(Message&) {
    return ENOTSUP;
}

int Pull::xrecv(Message& out) {
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

bool Pull::xcan_recv() {
    const bool ready = fq_.has_in();
    drop_finished_pipes();
    return ready;
}

void Pull::xattach(PipeEnd& pipe) {
    fq_.attach(pipe);
}

void Pull::xdetach(PipeEnd& pipe) {
    fq_.remove(pipe);
}

void Pull::xread_activated(PipeEnd& pipe) {
    fq_.activate(pipe);
}

}  // namespace sculpin
