#include "runtime/context.hpp"

#include "wire/zap.hpp"

namespace sculpin {

namespace {
// libzmq sums both sides' HWMs for an inproc pipe (there is no session in between).
uint64_t inproc_capacity(int sndhwm, int rcvhwm) {
    if (sndhwm <= 0 || rcvhwm <= 0) return 0;
    return static_cast<uint64_t>(sndhwm) + static_cast<uint64_t>(rcvhwm);
}
}  // namespace

Context::Context() : io_(std::make_unique<IoThread>()) {
    io_->set_zap_connector(
        [this](PipeListener* our_listener) { return connect_zap_handler(our_listener); });
}

std::shared_ptr<PipeEnd> Context::connect_zap_handler(PipeListener* our_listener) {
    SocketHandle* handler = nullptr;
    std::shared_ptr<PipeEnd> handler_end;
    std::shared_ptr<PipeEnd> our_end;
    {
        std::lock_guard lock(mutex_);
        auto it = inproc_bound_.find(std::string(wire::kZapHandlerName));
        if (it == inproc_bound_.end()) return nullptr;
        handler = it->second;
        // No HWM either way: a ZAP request must never be dropped (libzmq does the same).
        auto [to_handler, to_us] = make_pipe(0, 0);
        // The handler sees a REQ-like peer: requests come with an empty delimiter.
        to_handler->peer_info.socket_type = handler->type();
        to_handler->peer_info.address = "inproc";
        to_us->peer_info.socket_type = SocketType::req;
        to_us->peer_info.address = "inproc";
        to_handler->set_listener(our_listener);
        to_us->set_listener(handler);
        our_end = std::move(to_handler);
        handler_end = std::move(to_us);
    }
    handler->post_attach(std::move(handler_end));
    return our_end;
}

Context::~Context() {
    std::vector<SocketHandle*> open;
    {
        std::lock_guard lock(mutex_);
        for (auto& socket : sockets_)
            if (!socket->is_closed()) open.push_back(socket.get());
    }
    for (SocketHandle* socket : open) socket->close();
    term();
}

SocketHandle* Context::socket(SocketType type) {
    std::lock_guard lock(mutex_);
    if (shut_down_) return nullptr;
    sockets_.push_back(std::make_unique<SocketHandle>(*this, type));
    ++open_sockets_;
    return sockets_.back().get();
}

void Context::shutdown() {
    std::vector<SocketHandle*> all;
    {
        std::lock_guard lock(mutex_);
        shut_down_ = true;
        for (auto& socket : sockets_) all.push_back(socket.get());
    }
    for (SocketHandle* socket : all) socket->wake();
}

void Context::term() {
    shutdown();
    {
        std::unique_lock lock(mutex_);
        if (terminated_) return;
        all_closed_.wait(lock, [&] { return open_sockets_ == 0; });
        terminated_ = true;
    }
    io_->stop_when_idle();
}

void Context::socket_closed(SocketHandle*) {
    std::lock_guard lock(mutex_);
    if (open_sockets_ > 0) --open_sockets_;
    if (open_sockets_ == 0) all_closed_.notify_all();
}

void Context::attach_inproc(SocketHandle* binder, SocketHandle* connecter,
                            std::shared_ptr<PipeEnd>* binder_end,
                            std::shared_ptr<PipeEnd>* connecter_end) {
    const SocketOptions& b = binder->socket().options();
    const SocketOptions& c = connecter->socket().options();
    auto [to_binder, to_connecter] =
        make_pipe(inproc_capacity(c.sndhwm, b.rcvhwm), inproc_capacity(b.sndhwm, c.rcvhwm));
    // to_binder is the connecter's end (it writes towards the binder).
    to_binder->peer_info = {binder->type(), b.routing_id, "inproc"};
    to_connecter->peer_info = {connecter->type(), c.routing_id, "inproc"};
    to_binder->set_peer_hwms(b.sndhwm, b.rcvhwm);
    to_connecter->set_peer_hwms(c.sndhwm, c.rcvhwm);
    to_binder->set_listener(connecter);
    to_connecter->set_listener(binder);
    *connecter_end = std::move(to_binder);
    *binder_end = std::move(to_connecter);
}

int Context::inproc_bind(SocketHandle* socket, const std::string& name) {
    std::vector<PendingInproc> pending;
    {
        std::lock_guard lock(mutex_);
        if (inproc_bound_.count(name) != 0) return EADDRINUSE;
        inproc_bound_[name] = socket;
        auto it = inproc_pending_.find(name);
        if (it != inproc_pending_.end()) {
            pending = std::move(it->second);
            inproc_pending_.erase(it);
        }
    }
    const SocketOptions& b = socket->socket().options();
    for (PendingInproc& early : pending) {
        // The pipe was sized by the connecter alone; now each queue gets the sum of its
        // writer's SNDHWM and its reader's RCVHWM, as if the bind had come first.
        PipeEnd& binder_end = *early.binder_end;
        binder_end.set_peer_hwms(early.connecter_sndhwm, early.connecter_rcvhwm);
        binder_end.peer().set_peer_hwms(b.sndhwm, b.rcvhwm);
        binder_end.set_outbound_capacity(queue_capacity(b.sndhwm, early.connecter_rcvhwm));
        binder_end.set_inbound_capacity(queue_capacity(b.rcvhwm, early.connecter_sndhwm));
        early.binder_end->peer_info.socket_type = early.connecter->type();
        early.binder_end->peer_info.routing_id = early.connecter->socket().options().routing_id;
        early.binder_end->set_listener(socket);
        // bind runs on the binder's thread: attach now, so that a SUB's subscriptions
        // reach the early publisher before bind returns.
        socket->attach_on_own_thread(std::move(early.binder_end));
    }
    return 0;
}

int Context::inproc_connect(SocketHandle* socket, const std::string& name, uint64_t* pipe_id) {
    SocketHandle* binder = nullptr;
    std::shared_ptr<PipeEnd> binder_end;
    std::shared_ptr<PipeEnd> connecter_end;
    {
        std::lock_guard lock(mutex_);
        auto it = inproc_bound_.find(name);
        if (it != inproc_bound_.end()) {
            binder = it->second;
            attach_inproc(binder, socket, &binder_end, &connecter_end);
        } else {
            // Not bound yet: the connecter can queue now; the binder gets its end at bind.
            const SocketOptions& c = socket->socket().options();
            // Until the bind, each queue holds what the connecter's own HWM allows.
            auto [to_binder, to_connecter] =
                make_pipe(queue_capacity(c.sndhwm, -1), queue_capacity(c.rcvhwm, -1));
            to_binder->peer_info.address = "inproc";
            to_connecter->peer_info.address = "inproc";
            to_binder->set_listener(socket);
            connecter_end = std::move(to_binder);
            inproc_pending_[name].push_back({socket, std::move(to_connecter), c.sndhwm, c.rcvhwm});
        }
    }
    if (binder != nullptr) binder->post_attach(std::move(binder_end));
    *pipe_id = connecter_end->id();
    socket->attach_on_own_thread(std::move(connecter_end));  // connect runs on its thread
    return 0;
}

void Context::inproc_unbind_all(SocketHandle* socket) {
    std::lock_guard lock(mutex_);
    for (auto it = inproc_bound_.begin(); it != inproc_bound_.end();) {
        if (it->second == socket) {
            it = inproc_bound_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace sculpin
