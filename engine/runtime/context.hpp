// Context: the real runtime. Owns the I/O thread, the inproc name registry and every
// socket made from it. term() waits until every socket is closed and every lingering
// message is flushed (or its LINGER expired), as zmq_ctx_term does.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/io_thread.hpp"
#include "runtime/socket_handle.hpp"

namespace sculpin {

class Context {
public:
    Context();
    ~Context();  // closes sockets still open (with their LINGER), then term()
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    // The socket stays owned by the context; close() it when done. Null after term().
    SocketHandle* socket(SocketType type);
    // Blocking calls on every socket return kEterm from now on.
    void shutdown();
    // shutdown(), wait for all sockets to be closed, flush, stop the I/O thread.
    void term();
    bool terminated() const noexcept { return shut_down_.load(std::memory_order_acquire); }

    IoThread& io() noexcept { return *io_; }

    // --- inproc: any thread ---------------------------------------------------------
    // Registers `socket` under `name`; peers that connected earlier are attached now.
    int inproc_bind(SocketHandle* socket, const std::string& name);
    // Connects to `name`: attaches at once if bound, else waits for the bind. The id of
    // the connecter's pipe end goes to *pipe_id (for disconnect).
    int inproc_connect(SocketHandle* socket, const std::string& name, uint64_t* pipe_id);
    void inproc_unbind_all(SocketHandle* socket);
    // A pipe to the ZAP handler (the socket bound at inproc://zeromq.zap.01), for the I/O
    // thread to ask it about a peer: returns our end, or null when no handler is bound.
    std::shared_ptr<PipeEnd> connect_zap_handler(PipeListener* our_listener);

    // Called by SocketHandle::close().
    void socket_closed(SocketHandle* socket);

private:
    struct PendingInproc {
        SocketHandle* connecter;
        std::shared_ptr<PipeEnd> binder_end;
        int connecter_sndhwm = 0;  // at connect time, as libzmq keeps them
        int connecter_rcvhwm = 0;
    };
    void attach_inproc(SocketHandle* binder, SocketHandle* connecter,
                       std::shared_ptr<PipeEnd>* binder_end,
                       std::shared_ptr<PipeEnd>* connecter_end);

    std::unique_ptr<IoThread> io_;
    std::mutex mutex_;
    std::condition_variable all_closed_;
    std::vector<std::unique_ptr<SocketHandle>> sockets_;
    size_t open_sockets_ = 0;
    std::atomic<bool> shut_down_{false};
    bool terminated_ = false;
    std::map<std::string, SocketHandle*> inproc_bound_;
    std::map<std::string, std::vector<PendingInproc>> inproc_pending_;
};

}  // namespace sculpin
