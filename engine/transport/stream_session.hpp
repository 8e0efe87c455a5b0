// One ZMTP connection over a ByteStream: a kernel socket (tcp, ipc) in the real runtime,
// a simulated TCP connection in the simulator. The same code serves both.
//
// It moves messages between a pipe and the stream through the sans-I/O ZmtpConnection:
// decoded messages go into the pipe until its RCVHWM (then it stops reading, so TCP
// pushes back on the sender), and messages from the pipe are encoded in batches of up
// to kBatchBytes and written with one write. Readiness is edge-triggered: the session
// remembers whether the stream is readable/writable until a read/write says otherwise.
//
// Reads land in a refcounted receive buffer, not in the caller's scratch: large frames
// decoded from it share it (no allocation, no copy per message; the consumer's thread
// releases one reference instead of freeing a block another thread allocated). The
// buffer is reused once nothing points into it any more, else a fresh one is taken.
// Decoded messages enter the pipe as one batch per round, made visible (and the reader
// woken, if it sleeps) once per batch rather than once per message.
//
// It never closes its pipe: whether the pipe outlives the connection (a connecting
// socket keeps queueing across reconnects) is the owner's decision.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "socket/pipe.hpp"
#include "transport/byte_stream.hpp"
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
    // The handshake needs the ZAP handler's verdict (RFC 27). The owner sends `request` to
    // the handler bound at inproc://zeromq.zap.01 and later calls session.answer_zap()
    // with the reply, then pumps the session. By default there is no handler: a runtime
    // without ZAP (the simulator) lets NULL peers in and fails PLAIN handshakes.
    virtual void zap_request(StreamSession& session, const wire::ZapRequest& request);
};

class StreamSession {
public:
    static constexpr size_t kBatchBytes = 64 * 1024;
    // The reason of a session its own socket ended: the socket closed its pipe, or was gone
    // when the handshake finished. libzmq reports such ends to no monitor. (Also the
    // trace's text for them, so its value is part of every scenario's hash.)
    static constexpr std::string_view kSocketClosed = "socket closed";

    enum class Status {
        idle,    // waiting for the fd, the pipe or a timer
        busy,    // stopped to let others run; call pump() again soon
        closed,  // done: reason() says why; the owner destroys the session
    };

    StreamSession(std::unique_ptr<ByteStream> stream, wire::ZmtpConfig config,
                  std::string peer_address, SessionOwner& owner, uint64_t id);
    // Any codec: ZMTP, or raw bytes for a STREAM socket (wire::RawConnection).
    StreamSession(std::unique_ptr<ByteStream> stream, std::unique_ptr<wire::SessionCodec> codec,
                  std::string peer_address, SessionOwner& owner, uint64_t id);
    ~StreamSession();
    StreamSession(const StreamSession&) = delete;
    StreamSession& operator=(const StreamSession&) = delete;

    void start(int64_t now_ms);
    // The ZAP handler's reply to the request made through SessionOwner::zap_request(), or
    // null when no handler is bound. Takes effect at the next pump().
    void answer_zap(const Message* reply);
    // A connecting socket's pipe exists before the connection; hand it in before start().
    void set_pipe(std::shared_ptr<PipeEnd> pipe) { pipe_ = std::move(pipe); }
    const std::shared_ptr<PipeEnd>& pipe() const noexcept { return pipe_; }

    // The stream became readable / writable (edge), the pipe has news, or time passed.
    // `scratch` is the thread's read buffer; only its size is used now (the amount read
    // per call), so both runtimes read the same amounts as before.
    Status on_readable(int64_t now_ms, std::span<uint8_t> scratch);
    Status on_writable(int64_t now_ms, std::span<uint8_t> scratch);
    Status pump(int64_t now_ms, std::span<uint8_t> scratch);
    Status on_timer(int64_t now_ms, std::span<uint8_t> scratch);
    int64_t next_deadline_ms() const noexcept { return codec_->next_deadline_ms(); }

    ByteStream& stream() noexcept { return *stream_; }
    uint64_t id() const noexcept { return id_; }
    const std::string& peer_address() const noexcept { return peer_address_; }
    const std::string& reason() const noexcept { return reason_; }
    // How a failed handshake failed, for the monitor: the codec's classification, or
    // no_detail with the errno of a connection that broke (EPIPE: closed by the peer).
    const wire::HandshakeFailure& failure() const noexcept { return failure_; }
    bool handshake_done() const noexcept { return codec_->ready(); }
    bool ended_by_socket() const noexcept { return reason_ == kSocketClosed; }
    // 1 when a decoded message with a trace id waits for room in the pipe.
    size_t traced_stalled() const noexcept { return has_stalled_ && stalled_.trace_id != 0; }
    // Messages decoded but not yet in the pipe, handed to `sink` and forgotten (the
    // simulator's ledger drops them when a connection dies).
    template <class Sink>
    void discard_undelivered(Sink&& sink) {
        if (has_stalled_) sink(stalled_);
        has_stalled_ = false;
        Message msg;
        while (codec_->pop_message(msg)) {
            msg.trace_id = stream_->message_decoded();
            sink(msg);
        }
    }

private:
    Status close_with(std::string reason, wire::HandshakeFailure failure = {});
    // Closing because of the peer or the network: the codec may have a last word for the
    // socket (a STREAM socket's disconnect notice).
    Status close_lost(std::string reason, wire::HandshakeFailure failure = {});
    // Applies the owner's answer to our ZAP request. false = the handshake failed.
    bool apply_zap_answer(int64_t now_ms);
    bool flush_output();  // false on a write error (reason_ set)
    // At least `size_bytes` of receive buffer to read into.
    std::span<uint8_t> read_space(size_t size_bytes);

    std::unique_ptr<ByteStream> stream_;
    uint64_t id_;
    std::unique_ptr<wire::SessionCodec> codec_;
    std::string peer_address_;
    SessionOwner& owner_;
    std::shared_ptr<PipeEnd> pipe_;
    SharedBuffer* read_buffer_ = nullptr;  // one reference is ours
    size_t read_used_bytes_ = 0;           // bytes of read_buffer_ already read into
    Message stalled_;                      // decoded, but the pipe was full
    bool has_stalled_ = false;
    bool fd_readable_ = true;  // edge-triggered: assume readable until EAGAIN
    bool fd_writable_ = true;
    bool peer_eof_ = false;
    std::string reason_;
    wire::HandshakeFailure failure_;
    bool closed_ = false;
    enum class ZapState { none, asked, answered, done };
    ZapState zap_state_ = ZapState::none;
    bool zap_has_reply_ = false;  // answered: false = no handler is bound
    Message zap_reply_;
};

}  // namespace sculpin
