#include "socket/pair.hpp"

namespace sculpin {

Pair::Pair() : Socket(SocketType::pair) {}

Pair::~Pair() {
    if (fq_.read_ahead().present()) report_drop(fq_.read_ahead().message(), DropReason::closed);
    close_all_pipes();
}

void Pair::drop_finished_pipes() {
    for (uint64_t id : fq_.take_finished()) detach(id);
}

int Pair::xsend(Message& msg) {
    if (pipe_ == nullptr) return EAGAIN;
    if (pipe_->peer_closed()) {
        // The peer is gone; the runtime waits until a new one is attached.
        if (pipe_->finished()) detach(pipe_->id());
        return EAGAIN;
    }
    return pipe_->write(msg) ? 0 : EAGAIN;
}

int Pair::xrecv(Message& out) {
    PipeEnd* from = nullptr;
    const bool received = fq_.recv(out, &from);
    if (received) set_last_in(from);
    drop_finished_pipes();
    return received ? 0 : EAGAIN;
}

int Pair::xcheck_first_frame(const Frame&) const {
    return pipe_ != nullptr && pipe_->writable() ? 0 : EAGAIN;
}

bool Pair::xcan_send() {
    return pipe_ != nullptr && pipe_->writable();
}

bool Pair::xcan_recv() {
    const bool ready = fq_.has_in();
    drop_finished_pipes();
    return ready;
}

void Pair::xattach(PipeEnd& pipe) {
    if (pipe_ != nullptr) {
        detach(pipe.id());
        return;
    }
    pipe_ = &pipe;
    fq_.attach(pipe);
}

void Pair::xdetach(PipeEnd& pipe) {
    fq_.remove(pipe);
    if (pipe_ == &pipe) pipe_ = nullptr;
}

void Pair::xread_activated(PipeEnd& pipe) {
    fq_.activate(pipe);
}

}  // namespace sculpin
