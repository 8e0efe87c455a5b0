#include "socket/stream.hpp"

#include <cassert>
#include <cstring>

#include "socket/generated_routing_id.hpp"

namespace sculpin {

Stream::Stream() : Socket(SocketType::stream) {}

Stream::~Stream() {
    if (ahead_.present()) report_drop(ahead_.message(), DropReason::closed);
    close_all_pipes();
}

void Stream::drop_finished_pipes() {
    for (uint64_t id : fq_.take_finished()) detach(id);
}

std::string Stream::generate_routing_id() {
    // A connect routing id may have taken this value already.
    return next_free_routing_id(next_generated_id_, by_routing_id_);
}

void Stream::xattach(PipeEnd& pipe) {
    // A raw peer announces nothing: a non-empty id here is the connect routing id.
    std::string id = pipe.peer_info.routing_id;
    if (id.empty() || by_routing_id_.count(id) != 0) {
        id = generate_routing_id();
        options_.routing_id = id;  // what libzmq reports as ZMQ_ROUTING_ID afterwards
    }
    by_routing_id_[id] = &pipe;
    routing_id_of_[pipe.id()] = std::move(id);
    fq_.attach(pipe);
}

void Stream::xdetach(PipeEnd& pipe) {
    fq_.remove(pipe);
    ahead_.forget_pipe(pipe);
    auto it = routing_id_of_.find(pipe.id());
    if (it == routing_id_of_.end()) return;
    auto out = by_routing_id_.find(it->second);
    if (out != by_routing_id_.end() && out->second == &pipe) by_routing_id_.erase(out);
    routing_id_of_.erase(it);
}

bool Stream::next_message() {
    if (ahead_.present()) return true;
    Message msg;
    PipeEnd* from = nullptr;
    if (fq_.recv(msg, &from)) {
        assert(from != nullptr);
        assert(msg.size() == 1 && "a raw connection delivers one chunk per message");
        msg.push_front(Frame(std::string_view(routing_id_of_.at(from->id()))));
        ahead_.put(std::move(msg), from);
    }
    drop_finished_pipes();
    return ahead_.present();
}

int Stream::xrecv(Message& out) {
    if (!next_message()) return EAGAIN;
    PipeEnd* from = nullptr;
    out = ahead_.take(&from);
    set_last_in(from);
    return 0;
}

bool Stream::xcan_recv() {
    return next_message();
}

int Stream::xcheck_first_frame(const Frame& first) const {
    auto it = by_routing_id_.find(first.view());
    return it == by_routing_id_.end() || it->second->peer_closed() ? EHOSTUNREACH : 0;
}

int Stream::xsend(Message& msg) {
    if (msg.size() != 2) return EINVAL;  // [routing id][bytes], nothing else
    auto it = by_routing_id_.find(msg.front().view());
    if (it == by_routing_id_.end() || it->second->peer_closed()) return EHOSTUNREACH;
    PipeEnd& pipe = *it->second;
    if (msg[1].empty()) {
        // Close: the session writes what the pipe still holds, then ends the connection.
        drop_pipe(pipe);
        msg.clear();
        return 0;
    }
    Frame routing_id = msg.pop_front();
    if (pipe.write(msg)) return 0;
    msg.push_front(std::move(routing_id));
    return EAGAIN;
}

void Stream::xread_activated(PipeEnd& pipe) {
    fq_.activate(pipe);
}

int Stream::xset_option(int option, const void* value, size_t size_bytes) {
    if (option != option::stream_notify) return EINVAL;
    if (value == nullptr || size_bytes != sizeof(int)) return EINVAL;
    int on = 0;
    std::memcpy(&on, value, sizeof(int));
    if (on != 0 && on != 1) return EINVAL;
    options_.stream_notify = on == 1;
    return 0;
}

int Stream::xget_option(int option, void* value, size_t* size_bytes) const {
    if (option != option::stream_notify) return EINVAL;
    if (value == nullptr || size_bytes == nullptr || *size_bytes < sizeof(int)) return EINVAL;
    const int on = options_.stream_notify ? 1 : 0;
    std::memcpy(value, &on, sizeof(int));
    *size_bytes = sizeof(int);
    return 0;
}

}  // namespace sculpin
