#include "socket/router.hpp"

#include <cassert>
#include <cstring>

#include "socket/generated_routing_id.hpp"

namespace sculpin {

Router::Router() : Socket(SocketType::router) {}

Router::~Router() {
    if (ahead_.present()) report_drop(ahead_.message(), DropReason::closed);
    close_all_pipes();
}

void Router::drop_finished_pipes() {
    for (uint64_t id : fq_.take_finished()) detach(id);
}

std::string Router::generate_routing_id() {
    // A peer may have announced an id with a leading zero itself.
    return next_free_routing_id(next_generated_id_, by_routing_id_);
}

void Router::xattach(PipeEnd& pipe) {
    std::string id = pipe.peer_info.routing_id;
    if (id.empty()) {
        id = generate_routing_id();
    } else if (auto it = by_routing_id_.find(id); it != by_routing_id_.end()) {
        PipeEnd& old = *it->second.pipe;
        if (old.peer_closed()) {
            // The old peer is gone but left messages: they stay readable under a new id.
            std::string renamed = generate_routing_id();
            by_routing_id_.erase(it);
            by_routing_id_[renamed] = OutPipe{&old, true};
            routing_id_of_[old.id()] = std::move(renamed);
        } else if (handover_) {
            detach(old.id());
        } else {
            detach(pipe.id());  // refused: not yet registered, so xdetach finds nothing
            return;
        }
    }
    by_routing_id_[id] = OutPipe{&pipe, true};
    routing_id_of_[pipe.id()] = std::move(id);
    fq_.attach(pipe);
}

void Router::xdetach(PipeEnd& pipe) {
    fq_.remove(pipe);
    ahead_.forget_pipe(pipe);
    auto it = routing_id_of_.find(pipe.id());
    if (it == routing_id_of_.end()) return;
    auto out = by_routing_id_.find(it->second);
    if (out != by_routing_id_.end() && out->second.pipe == &pipe) by_routing_id_.erase(out);
    routing_id_of_.erase(it);
}

bool Router::next_message() {
    if (ahead_.present()) return true;
    Message msg;
    PipeEnd* from = nullptr;
    if (fq_.recv(msg, &from)) {
        // The fair queue reads ahead only for has_in(), which ROUTER does not use.
        assert(from != nullptr);
        msg.push_front(Frame(std::string_view(routing_id_of_.at(from->id()))));
        ahead_.put(std::move(msg), from);
    }
    drop_finished_pipes();
    return ahead_.present();
}

int Router::xrecv(Message& out) {
    if (!next_message()) return EAGAIN;
    PipeEnd* from = nullptr;
    out = ahead_.take(&from);
    set_last_in(from);
    return 0;
}

bool Router::xcan_recv() {
    return next_message();
}

int Router::xsend(Message& msg) {
    if (msg.size() < 2) {
        report_drop(msg, DropReason::malformed);
        msg.clear();
        return 0;
    }
    auto it = by_routing_id_.find(msg.front().view());
    if (it == by_routing_id_.end() || it->second.pipe->peer_closed()) {
        if (mandatory_) return EHOSTUNREACH;
        report_drop(msg, DropReason::unroutable);
        msg.clear();
        return 0;
    }
    OutPipe& out = it->second;
    Frame routing_id = msg.pop_front();
    if (out.active && out.pipe->write(msg)) return 0;
    // The refused write armed the pipe's wake-up: xwrite_activated will follow.
    out.active = false;
    msg.push_front(std::move(routing_id));
    if (mandatory_) return EAGAIN;
    report_drop(msg, DropReason::hwm);
    msg.clear();
    return 0;
}

int Router::xcheck_first_frame(const Frame& first) const {
    if (!mandatory_) return 0;
    auto it = by_routing_id_.find(first.view());
    if (it == by_routing_id_.end() || it->second.pipe->peer_closed()) return EHOSTUNREACH;
    // A full pipe refuses the first frame, so that the frames after it are never refused
    // (libzmq checks the high-water mark only at a message's start).
    const OutPipe& out = it->second;
    return out.active && out.pipe->writable() ? 0 : EAGAIN;
}

bool Router::xcan_send() {
    if (!mandatory_) return true;
    for (const auto& [id, out] : by_routing_id_)
        if (out.active && out.pipe->writable()) return true;
    return false;
}

void Router::xread_activated(PipeEnd& pipe) {
    fq_.activate(pipe);
}

void Router::xwrite_activated(PipeEnd& pipe) {
    auto it = routing_id_of_.find(pipe.id());
    if (it == routing_id_of_.end()) return;
    auto out = by_routing_id_.find(it->second);
    if (out != by_routing_id_.end() && out->second.pipe == &pipe) out->second.active = true;
}

int Router::xset_option(int option, const void* value, size_t size_bytes) {
    if (option != option::router_mandatory && option != option::router_handover) return EINVAL;
    if (value == nullptr || size_bytes != sizeof(int)) return EINVAL;
    int on = 0;
    std::memcpy(&on, value, sizeof(int));
    if (on != 0 && on != 1) return EINVAL;
    (option == option::router_mandatory ? mandatory_ : handover_) = on == 1;
    return 0;
}

int Router::xget_option(int option, void* value, size_t* size_bytes) const {
    if (option != option::router_mandatory && option != option::router_handover) return EINVAL;
    if (value == nullptr || size_bytes == nullptr || *size_bytes < sizeof(int)) return EINVAL;
    const int on = option == option::router_mandatory ? mandatory_ : handover_;
    std::memcpy(value, &on, sizeof(int));
    *size_bytes = sizeof(int);
    return 0;
}

}  // namespace sculpin
