// ZMTP 3.1 (RFC 37) with the NULL, PLAIN or CURVE mechanism, downgrading to 3.0 (RFC 23) for older
// peers: one connection's protocol as a state machine. Bytes and time in, messages and bytes
// out. It never touches a socket or reads a clock, so it runs unchanged over kernel TCP
// (real runtime), over the simulated network, and under a fuzzer.
//
// The driver loop, in either runtime:
//   conn.start(now_ms);                 // queues our greeting
//   ... write conn.output_slices() to the peer, then conn.consume_output(n) ...
//   on bytes from the peer: if (!conn.feed(bytes, now_ms)) -> drop the connection
//     (after flushing output: an ERROR command may be queued), reason in conn.error()
//   once conn.ready(): conn.peer() says who the peer is; pop_message() yields messages;
//     send_message() queues outbound messages
//   at conn.next_deadline_ms(): if (!conn.on_timer(now_ms)) -> drop (heartbeat or
//     handshake timeout)
//   when conn.zap_request() is non-null: ask the ZAP handler (RFC 27) and hand its reply
//     to conn.on_zap_reply(), or call conn.on_zap_unavailable() when none is bound; the
//     handshake waits meanwhile (the codec never talks to the handler itself)
//   a failed handshake says how in conn.failure(), for the socket monitor
//
// Subscriptions travel through pipes as one-frame messages "\x01topic" (subscribe) and
// "\x00topic" (cancel), the format XPUB/XSUB users see. The codec turns them into
// SUBSCRIBE/CANCEL commands for a 3.1 peer, and keeps them as messages for a 3.0 peer.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/message.hpp"
#include "core/socket_type.hpp"
#include "wire/frame_decoder.hpp"
#include "wire/greeting.hpp"
#include "wire/handshake_failure.hpp"
#include "wire/mechanism.hpp"
#include "wire/message_ring.hpp"
#include "wire/output_queue.hpp"
#include "wire/session_codec.hpp"

namespace sculpin::wire {

struct ZmtpConfig {
    SocketType socket_type = SocketType::pair;
    std::string routing_id;               // sent as the Identity property (may be empty)
    int64_t max_message_size_bytes = -1;  // -1 = no limit; larger messages drop the connection
    int heartbeat_ivl_ms = 0;             // 0 = send no PINGs
    int heartbeat_ttl_ms = 0;             // TTL field of our PINGs, in ms (sent in deciseconds)
    int heartbeat_timeout_ms = -1;        // silence after a PING that drops the peer; -1 = ivl
    int handshake_ivl_ms = 30000;         // greeting+READY must complete within; 0 = no limit
    // Send the 10-byte signature alone and the rest of the greeting once the peer's
    // signature is in, as libzmq does (raw STREAM peers see the two parts separately).
    // The simulator keeps the one-piece greeting so its pinned traces stay as they were.
    bool staged_greeting = false;
    SecurityConfig security;  // mechanism (NULL, PLAIN, CURVE), credentials, ZAP domain
};

// What the handshake told us about the peer.
struct ZmtpPeer {
    SocketType socket_type = SocketType::pair;
    std::string routing_id;  // Identity property, may be empty
    // Every property of the peer's READY/INITIATE, as sent, plus "User-Id" and the ZAP
    // handler's metadata when a handler approved the peer.
    std::map<std::string, std::string> properties;
    int minor_version = 1;  // 0 = ZMTP 3.0, 1 = ZMTP 3.1
};

class ZmtpConnection final : public SessionCodec {
public:
    explicit ZmtpConnection(ZmtpConfig config);
    ~ZmtpConnection() override;
    ZmtpConnection(const ZmtpConnection&) = delete;
    ZmtpConnection& operator=(const ZmtpConnection&) = delete;

    // Queues our greeting (signature, version 3.1, our mechanism, as-server; with
    // staged_greeting only the signature, the rest once the peer's has arrived) and starts
    // the handshake deadline.
    void start(int64_t now_ms) override;

    // Bytes received from the peer. false = protocol violation or refused peer: the
    // connection must be dropped; error() says what and where. Every complete message
    // decoded before the violation is still available from pop_message().
    // When `bytes` lie inside `backing` (a refcounted receive buffer), large data frames
    // share it instead of being copied (see FrameDecoder::decode).
    // With a backing, decoding stops once kMaxDecodedAhead messages wait to be popped: the
    // rest of the bytes stay in the backing (we hold a reference) and are decoded by
    // pop_message() as the queue empties. A 64 KiB read of small messages then costs a few
    // dozen queued Messages, not a thousand (~200 KiB touched per connection); a violation
    // in the deferred bytes surfaces there (pop_message() false, failed() true).
    static constexpr size_t kMaxDecodedAhead = 64;
    bool feed(std::span<const uint8_t> bytes, int64_t now_ms,
              SharedBuffer* backing = nullptr) override;

    // Handshake finished (greeting and the mechanism's commands both ways, socket types
    // compatible).
    bool ready() const noexcept override;

    // Non-null while the handshake waits for the ZAP handler's verdict on the peer.
    const ZapRequest* zap_request() const noexcept override;
    // The handler's reply (a whole multipart message, delimiter first). false = the
    // handshake failed (a malformed reply, or the handler refused the peer).
    bool on_zap_reply(const Message& reply, int64_t now_ms) override;
    // No handler is bound: NULL goes on without one, PLAIN fails.
    bool on_zap_unavailable(int64_t now_ms) override;
    const ZmtpPeer& peer() const noexcept override;

    // Next decoded application message (subscriptions from a 3.1 peer come as "\x01topic"
    // / "\x00topic" messages). false = none decoded yet.
    bool pop_message(Message& out) override;
    // Number of decoded messages waiting in pop_message(), plus one while received bytes
    // wait to be decoded (0 = everything received has been popped).
    size_t pending_messages() const noexcept override;

    // Queues a message for the peer. Only valid once ready().
    void send_message(const Message& msg) override;

    // Pending bytes for the peer, as up to `max_slices` slices; returns the count.
    size_t output_slices(OutputSlice* slices, size_t max_slices) const override;
    size_t output_size_bytes() const noexcept override;
    void consume_output(size_t bytes) override;

    // Timers: handshake deadline, next PING, heartbeat timeout. Returns INT64_MAX when none.
    int64_t next_deadline_ms() const noexcept override;
    // false = a deadline expired (handshake or heartbeat timeout); error() says which.
    bool on_timer(int64_t now_ms) override;

    bool failed() const noexcept override;
    const std::string& error() const noexcept override;
    // How the handshake failed, for the monitor (kind none: not failed in the handshake,
    // or in a way libzmq does not report in detail).
    const HandshakeFailure& failure() const noexcept override { return failure_; }

private:
    enum class State { idle, greeting, handshake, ready, failed };

    static constexpr int64_t kNoDeadline = INT64_MAX;

    bool fail(std::string reason, HandshakeFailure failure = {});
    // Fails the handshake and tells the peer why in an ERROR command (RFC 37).
    bool refuse(std::string reason, HandshakeFailure failure);
    // After the mechanism had its say: fails, completes the handshake, or waits.
    bool after_mechanism(int64_t now_ms);
    bool on_peer_error(std::span<const uint8_t> data);
    void complete_handshake(int64_t now_ms);
    std::vector<uint8_t> our_properties() const;
    bool feed_greeting(std::span<const uint8_t> bytes, size_t& consumed);
    // Decodes frames from bytes[consumed..]; when `may_defer` and there is a backing,
    // stops (keeping the rest in deferred_) once kMaxDecodedAhead messages are queued.
    bool decode_frames(std::span<const uint8_t> bytes, size_t consumed, int64_t now_ms,
                       SharedBuffer* backing, bool may_defer);
    // Decodes the deferred bytes, as feed() would have when they arrived.
    bool decode_deferred(bool may_defer);
    bool on_frame(int64_t now_ms);
    bool on_command(Frame& body, int64_t now_ms);
    // CURVE: every frame after the handshake is a MESSAGE box holding a data frame or a
    // command. Taken only when the mechanism encrypts, so NULL's path stays as it is.
    bool on_encrypted_frame(const Frame& frame, int64_t now_ms);
    void send_encrypted(const Message& msg);
    // Queues the command in scratch_ (PING, PONG), boxed when the mechanism encrypts.
    void flush_command_scratch();
    void queue_ping();
    void flush_scratch();
    void send_subscription(const Frame& frame);
    bool peer_speaks_3_1() const noexcept { return peer_.minor_version >= 1; }
    int64_t heartbeat_timeout_ms() const noexcept;
    std::string handshake_progress() const;

    ZmtpConfig config_;
    State state_ = State::idle;
    ZmtpPeer peer_;
    std::string error_;
    HandshakeFailure failure_;
    std::unique_ptr<Mechanism> mechanism_;  // made when the greetings agree
    bool encrypted_ = false;                // ready, and the mechanism boxes every frame

    uint8_t peer_greeting_[kGreetingBytes] = {};
    size_t peer_greeting_got_bytes_ = 0;
    bool greeting_rest_sent_ = false;  // staged greeting: bytes after the signature went out
    uint64_t received_bytes_ = 0;      // whole stream, for the handshake timeout text

    FrameDecoder decoder_;
    Message partial_;    // data frames of a multipart message still missing its last frame
    MessageRing inbox_;  // complete messages for pop_message()
    // Received but not yet decoded (inside deferred_backing_, which we hold a reference
    // to), and the time they arrived at.
    std::span<const uint8_t> deferred_;
    SharedBuffer* deferred_backing_ = nullptr;
    int64_t deferred_now_ms_ = 0;

    OutputQueue output_;
    std::vector<uint8_t> scratch_;  // reused to build commands and frame headers

    int64_t start_ms_ = 0;
    int64_t handshake_deadline_ms_ = kNoDeadline;
    int64_t next_ping_ms_ = kNoDeadline;
    // When we sent the first PING that no traffic has followed yet; cleared on traffic.
    int64_t unanswered_ping_ms_ = kNoDeadline;
    int64_t last_rx_ms_ = 0;
    // Armed by a peer's PING with a TTL, disarmed by any later traffic (as libzmq does).
    int64_t ttl_deadline_ms_ = kNoDeadline;
    int64_t peer_ttl_ms_ = 0;
};

}  // namespace sculpin::wire
