// What a StreamSession needs from the protocol spoken over its byte stream: bytes and
// time in, messages and bytes out. Two codecs implement it: ZmtpConnection (ZMTP 3.x,
// every socket type but STREAM) and RawConnection (ZMQ_STREAM: raw bytes, no framing).
// The session's I/O loop is the same for both, so raw TCP runs on the real runtime and
// on the simulated network alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/frame.hpp"
#include "core/message.hpp"
#include "wire/handshake_failure.hpp"

namespace sculpin::wire {

struct ZmtpPeer;
struct ZapRequest;

// A contiguous piece of pending output. Large frames are referenced, not copied.
struct OutputSlice {
    const uint8_t* data;
    size_t size_bytes;
};

class SessionCodec {
public:
    virtual ~SessionCodec() = default;

    virtual void start(int64_t now_ms) = 0;
    // false: the connection must be dropped; error() says why.
    virtual bool feed(std::span<const uint8_t> bytes, int64_t now_ms,
                      SharedBuffer* backing = nullptr) = 0;
    // Messages may flow (ZMTP: the handshake is done; raw: at once).
    virtual bool ready() const noexcept = 0;
    virtual const ZmtpPeer& peer() const noexcept = 0;
    virtual bool pop_message(Message& out) = 0;
    virtual size_t pending_messages() const noexcept = 0;
    virtual void send_message(const Message& msg) = 0;
    virtual size_t output_slices(OutputSlice* slices, size_t max_slices) const = 0;
    virtual size_t output_size_bytes() const noexcept = 0;
    virtual void consume_output(size_t bytes) = 0;
    virtual int64_t next_deadline_ms() const noexcept = 0;
    virtual bool on_timer(int64_t now_ms) = 0;
    virtual const std::string& error() const noexcept = 0;
    // The connection must be dropped (error() says why). A codec that decodes lazily (see
    // ZmtpConnection::feed) may find a violation in pop_message() rather than in feed().
    virtual bool failed() const noexcept { return false; }
    // A message for the socket when the connection ends because of the peer or the
    // network (raw STREAM_NOTIFY: an empty one). false = nothing to say (ZMTP).
    virtual bool farewell(Message&) { return false; }

    // Security (ZMTP only; a raw STREAM connection has no handshake to secure).
    // Non-null while the handshake waits for the ZAP handler's verdict on the peer.
    virtual const ZapRequest* zap_request() const noexcept { return nullptr; }
    // The handler's reply, or that no handler is bound. false = the handshake failed.
    virtual bool on_zap_reply(const Message&, int64_t) { return false; }
    virtual bool on_zap_unavailable(int64_t) { return true; }
    // How the handshake failed, for the monitor (kind none: it did not, or not in a way
    // libzmq reports in detail).
    virtual const HandshakeFailure& failure() const noexcept {
        static const HandshakeFailure kNone{};
        return kNone;
    }
};

}  // namespace sculpin::wire
