// One ZMTP connection over a stream file descriptor (tcp or ipc), for the real runtime.
//
// It moves messages between a pipe and the kernel through the sans-I/O ZmtpConnection:
// decoded messages go into the pipe until its RCVHWM (then it stops reading the fd, so
// TCP pushes back on the sender), and messages from the pipe are encoded in batches of
// up to kBatchBytes and written with one writev. The fd is registered edge-triggered,
// so the session remembers whether the fd is readable/writable.
//
// It never closes its pipe: whether the pipe outlives the connection (a connecting
// socket keeps queueing across reconnects) is the owner's decision.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "socket/pipe.hpp"
#include "wire/zmtp_connection.hpp"

namespace sculpin {

class StreamSession;

// Implemented by the runtime.
class SessionOwner {
public:
    virtual ~SessionOwner() = default;
    // The handshake completed. Return the pipe end the session should serve, or null to
    // refuse the peer (the session then closes with `refusal`).
    virtual std::shared_ptr<PipeEnd> session_ready(StreamSession& session,
                                                   const wire::ZmtpPeer& peer,
                                                   std::string* refusal) = 0;
};

class StreamSession {
public:
    static constexpr size_t kBatchBytes = 64 * 1024;

    enum class Status {
        idle,    // waiting for the fd, the pipe or a timer
        busy,    // stopped to let others run; call pump() again soon
        closed,  // done: reason() says why; the owner destroys the session
    };

    StreamSession(int fd, wire::ZmtpConfig config, std::string peer_address, SessionOwner& owner,
                  uint64_t id);
    ~StreamSession();
    StreamSession(const StreamSession&) = delete;
    StreamSession& operator=(const StreamSession&) = delete;

    void start(int64_t now_ms);
    // A connecting socket's pipe exists before the connection; hand it in before start().
    void set_pipe(std::shared_ptr<PipeEnd> pipe) { pipe_ = std::move(pipe); }
    const std::shared_ptr<PipeEnd>& pipe() const noexcept { return pipe_; }

    // The fd became readable / writable (edge), the pipe has news, or time passed.
    // `scratch` is a read buffer shared by all sessions of the thread.
    Status on_readable(int64_t now_ms, std::span<uint8_t> scratch);
    Status on_writable(int64_t now_ms, std::span<uint8_t> scratch);
    Status pump(int64_t now_ms, std::span<uint8_t> scratch);
    Status on_timer(int64_t now_ms, std::span<uint8_t> scratch);
    int64_t next_deadline_ms() const noexcept { return codec_.next_deadline_ms(); }

    int fd() const noexcept { return fd_; }
    uint64_t id() const noexcept { return id_; }
    const std::string& peer_address() const noexcept { return peer_address_; }
    const std::string& reason() const noexcept { return reason_; }
    bool handshake_done() const noexcept { return codec_.ready(); }

private:
    Status close_with(std::string reason);
    bool flush_output();  // false on a write error (reason_ set)

    int fd_;
    uint64_t id_;
    wire::ZmtpConnection codec_;
    std::string peer_address_;
    SessionOwner& owner_;
    std::shared_ptr<PipeEnd> pipe_;
    Message stalled_;  // decoded, but the pipe was full
    bool has_stalled_ = false;
    bool fd_readable_ = true;  // edge-triggered: assume readable until EAGAIN
    bool fd_writable_ = true;
    bool peer_eof_ = false;
    std::string reason_;
    bool closed_ = false;
};

}  // namespace sculpin
