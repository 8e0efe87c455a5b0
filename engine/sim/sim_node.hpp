// SimNode: one simulated process. It runs a node program (a coroutine) and owns its
// sockets, and the tcp sessions, listeners and connecters that serve them: the role the
// I/O thread plays in the real runtime, played here by scheduler events at virtual times.
//
// Every event that concerns the node is posted through post(): it is dropped if the node
// died since (incarnation changed) and held back while the node is paused.
#pragma once

#include <coroutine>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "node/node.hpp"
#include "sim/flat_id_map.hpp"
#include "sim/scheduler.hpp"
#include "sim/sim_network.hpp"
#include "sim/trace.hpp"
#include "socket/socket.hpp"
#include "transport/stream_session.hpp"

namespace sculpin::sim {

class Simulation;

using Program = std::function<Task<>(Node&)>;

class SimNode final : public NodeRuntime, public PipeListener, public SessionOwner {
public:
    SimNode(Simulation& simulation, std::string name, std::string program_name, Program program,
            Params params, Rng rng);
    ~SimNode() override;

    // --- lifecycle (faults) ----------------------------------------------------------
    void start();  // (re)starts the program from scratch
    void crash();  // the process dies: sockets, queues and connections vanish
    void pause();
    void resume();
    void set_slow(int64_t delay_per_message_ms) { slow_delay_ms_ = delay_per_message_ms; }

    bool alive() const noexcept { return alive_; }
    bool exited() const noexcept { return exited_; }
    bool paused() const noexcept { return paused_; }
    const std::string& program_name() const noexcept { return program_name_; }
    uint64_t random_draws() const noexcept { return rng_.draws(); }
    // Messages held inside this node (queues, stalled decodes), for the ledger check.
    size_t traced_messages_held() const;
    // What the GUI shows per node.
    struct PipeView {
        std::string peer;                  // the node at the other end ("inproc" peers: this node)
        size_t inbound = 0, outbound = 0;  // messages queued each way
        uint64_t inbound_hwm = 0, outbound_hwm = 0;  // the queues' limits; 0 = none
    };
    struct SocketView {
        int id;
        SocketType type;
        std::vector<std::string> endpoints;
        std::vector<PipeView> pipes;
        int heartbeat_ivl_ms = 0;       // ZMTP PING interval (0: no heartbeats)
        int heartbeat_timeout_ms = -1;  // -1: the interval
    };
    std::vector<SocketView> sockets_view() const;

    // --- NodeRuntime ---------------------------------------------------------------------
    int64_t now_ms() override;
    int open_socket(SocketType type) override;
    void close_socket(int socket_id) override;
    int bind(int socket_id, const std::string& endpoint) override;
    int connect(int socket_id, const std::string& endpoint) override;
    int disconnect(int socket_id, const std::string& endpoint) override;
    int set_option(int socket_id, int option, const void* value, size_t size) override;
    int get_option(int socket_id, int option, void* value, size_t* size) override;
    int try_send(int socket_id, Message& msg) override;
    int try_recv(int socket_id, Message& out) override;
    bool ready(int socket_id, short events) override;
    bool wait_now(const WaitSpec& spec) override;
    void wait_later(const WaitSpec& spec, std::coroutine_handle<> waiter) override;
    void log(std::string_view line) override;
    Rng& rng() override { return rng_; }
    const std::string& name() const override { return name_; }
    void mark(std::string_view what, std::string_view detail) override;

    // --- PipeListener: for both socket ends and session ends of this node's pipes -------
    void pipe_readable(PipeEnd& end) override;
    void pipe_writable(PipeEnd& end) override;

    // --- SessionOwner ---------------------------------------------------------------------
    std::shared_ptr<PipeEnd> session_ready(StreamSession& session, const wire::ZmtpPeer& peer,
                                           std::string* refusal) override;

private:
    struct SimSocket;
    struct Listener;
    struct Connecter;
    struct SessionEntry;

    // Takes any callable (a lambda is stored in the scheduler's event as it is: no
    // std::function, no allocation); defined in sim_node.cpp, the only place that posts.
    template <class Fn>
    void post(Fn&& fn);
    void trace(TraceKind kind, int socket, uint64_t message, std::string_view peer,
               std::string_view detail, int64_t value = 0);
    SimSocket* find_socket(int socket_id);
    void attach(SimSocket& socket, std::shared_ptr<PipeEnd> end);
    void after_socket_event();
    void resume_waiter();
    void resume_program(std::coroutine_handle<> handle);
    void check_program_done();
    void start_connect(uint64_t connecter_id);
    void start_session(std::unique_ptr<SimStream> stream, int socket_id, uint64_t connecter_id,
                       std::string endpoint);
    void pump_session(uint64_t session_id);
    void end_session(uint64_t session_id, const std::string& lost_reason);
    void remove_connecter(uint64_t connecter_id, const char* drop_reason);
    void teardown(const std::string& reason);
    wire::ZmtpConfig codec_config(const SimSocket& socket) const;

    Simulation& sim_;
    std::string name_;
    std::string program_name_;
    Program program_;
    Params params_;
    Rng rng_;
    // CURVE's transient keys and nonces: a sub-stream of the node's seed, shared by its
    // connections' codecs, so a CURVE scenario replays byte for byte and the program's own
    // draws (and every existing trace) stay as they were.
    std::shared_ptr<Rng> curve_rng_;
    std::unique_ptr<Node> node_;
    Task<> task_;

    uint64_t incarnation_ = 0;
    bool alive_ = false;
    bool exited_ = false;
    bool paused_ = false;
    bool crashing_ = false;
    int64_t slow_delay_ms_ = 0;
    TimeNs busy_until_ns_ = 0;  // slow consumer: still working on the last message
    std::vector<std::function<void()>> held_events_;

    // The program's one outstanding wait.
    struct Waiter {
        WaitSpec spec;
        std::coroutine_handle<> handle;
        EventId deadline_event = 0;
    };
    // Reused from one wait to the next (its spec keeps its capacity): a program waits
    // about once per message, and allocating a waiter each time showed in profiles.
    Waiter waiter_;
    bool waiting_ = false;
    bool resume_posted_ = false;

    int next_socket_id_ = 1;
    uint64_t next_object_id_ = 1;
    std::map<int, std::unique_ptr<SimSocket>> sockets_;
    // sockets_ by id (ids count up from 1 in each incarnation; null once closed): the
    // lookup every socket call and pipe event makes, without a tree walk.
    std::vector<SimSocket*> socket_by_id_;
    // Looked up on every pipe and stream event: flat, so a lookup stays in one block.
    FlatIdMap<uint64_t, int> socket_of_pipe_;        // socket-side pipe id -> socket id
    FlatIdMap<uint64_t, uint64_t> session_of_pipe_;  // session-side pipe id -> session id
    std::map<uint64_t, std::unique_ptr<Listener>> listeners_;
    std::map<uint64_t, std::unique_ptr<Connecter>> connecters_;
    FlatIdMap<uint64_t, std::unique_ptr<SessionEntry>> sessions_;
    std::map<std::string, int> inproc_bound_;        // name -> socket id
    std::vector<std::weak_ptr<PipeEnd>> all_pipes_;  // one end of every pipe made here
    // Events produced inside a socket call are traced after the call's own event.
    bool deferring_ = false;
    std::vector<TraceEvent> deferred_;
    // The preview of the message being sent or delivered, reused from message to message.
    std::string preview_;
};

}  // namespace sculpin::sim
