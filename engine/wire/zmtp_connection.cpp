#include "wire/zmtp_connection.hpp"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <utility>

#include "wire/command.hpp"
#include "wire/frame_header.hpp"
#include "wire/printable.hpp"

namespace sculpin::wire {

namespace {

// Before READY the peer is unauthenticated and unknown; its commands are the mechanism's
// (READY, HELLO, INITIATE: a few properties or credentials) or ERROR. 64 KiB is far beyond any real
// READY and bounds what a stranger can make us allocate before we know what it is.
constexpr uint64_t kMaxHandshakeCommandBytes = 64 * 1024;
// After READY, PING/PONG/ERROR must always fit, whatever MAXMSGSIZE says.
constexpr uint64_t kMinCommandLimitBytes = 512;
// A SUBSCRIBE command carries its topic with a name in front ("\x09SUBSCRIBE" = 10
// bytes), one byte more than the equivalent "\x01topic" message's 1-byte prefix.
constexpr uint64_t kSubscribeOverheadBytes = 16;

bool is_subscriber(SocketType type) {
    return type == SocketType::sub || type == SocketType::xsub;
}

// libzmq sends Identity from the types whose peers may route by it, even when empty.
bool sends_identity(SocketType type) {
    return type == SocketType::req || type == SocketType::dealer || type == SocketType::router;
}

// The greeting's as-server flag: only a PLAIN or CURVE server says so (NULL has no roles).
bool greets_as_server(const SecurityConfig& security) {
    return security.mechanism != MechanismKind::null && security.as_server;
}

// Bytes of the frame header at the start of `frame` (a command built by append_command).
size_t frame_header_bytes(std::span<const uint8_t> frame) {
    assert(!frame.empty());
    return (frame[0] & kFlagLong) != 0 ? kMaxFrameHeaderBytes : 2;
}

}  // namespace

ZmtpConnection::~ZmtpConnection() {
    if (deferred_backing_ != nullptr) deferred_backing_->release();
}

ZmtpConnection::ZmtpConnection(ZmtpConfig config) : config_(std::move(config)) {
    assert(config_.heartbeat_ivl_ms >= 0);
    assert(config_.handshake_ivl_ms >= 0);
}

void ZmtpConnection::start(int64_t now_ms) {
    assert(state_ == State::idle);
    uint8_t greeting[kGreetingBytes];
    write_greeting(greeting, mechanism_name(config_.security.mechanism),
                   greets_as_server(config_.security));
    if (config_.staged_greeting) {
        output_.append_bytes(std::span<const uint8_t>(greeting, kSignatureEndIndex + 1));
    } else {
        output_.append_bytes(greeting);
        greeting_rest_sent_ = true;
    }
    state_ = State::greeting;
    start_ms_ = now_ms;
    last_rx_ms_ = now_ms;
    handshake_deadline_ms_ =
        config_.handshake_ivl_ms > 0 ? now_ms + config_.handshake_ivl_ms : kNoDeadline;
    decoder_.set_stream_offset(kGreetingBytes);
    decoder_.set_data_frames_allowed(false);
    decoder_.set_limits(config_.max_message_size_bytes, kMaxHandshakeCommandBytes);
}

bool ZmtpConnection::fail(std::string reason, HandshakeFailure failure) {
    assert(state_ != State::failed);
    state_ = State::failed;
    error_ = std::move(reason);
    failure_ = failure;
    partial_.clear();
    return false;
}

bool ZmtpConnection::refuse(std::string reason, HandshakeFailure failure) {
    // Our greeting went out in start(), so a command frame is valid on the wire here.
    scratch_.clear();
    append_error(scratch_, reason);
    flush_scratch();
    return fail(std::move(reason), failure);
}

void ZmtpConnection::flush_scratch() {
    output_.append_bytes(scratch_);
    scratch_.clear();
}

bool ZmtpConnection::feed(std::span<const uint8_t> bytes, int64_t now_ms, SharedBuffer* backing) {
    if (state_ == State::failed) return false;
    assert(state_ != State::idle && "start() before feed()");
    if (state_ == State::idle) return fail("bytes fed before start()");
    if (!bytes.empty()) {
        // Any byte from the peer proves it alive: both heartbeat clocks start over.
        received_bytes_ += bytes.size();
        last_rx_ms_ = now_ms;
        unanswered_ping_ms_ = kNoDeadline;
        ttl_deadline_ms_ = kNoDeadline;
    }
    size_t consumed = 0;
    if (state_ == State::greeting && !feed_greeting(bytes, consumed)) return false;
    // Older bytes first, all of them: the new ones must not overtake them.
    if (!deferred_.empty() && !decode_deferred(false)) return false;
    return decode_frames(bytes, consumed, now_ms, backing, true);
}

bool ZmtpConnection::decode_frames(std::span<const uint8_t> bytes, size_t consumed, int64_t now_ms,
                                   SharedBuffer* backing, bool may_defer) {
    assert(deferred_.empty());
    while (state_ == State::handshake || state_ == State::ready) {
        if (may_defer && backing != nullptr && state_ == State::ready &&
            inbox_.size() >= kMaxDecodedAhead && consumed < bytes.size()) {
            // Between frames (the decoder keeps no partial frame here): the rest waits.
            deferred_ = bytes.subspan(consumed);
            deferred_backing_ = backing;
            deferred_backing_->retain();
            deferred_now_ms_ = now_ms;
            return true;
        }
        switch (decoder_.decode(bytes, consumed, backing)) {
            case FrameDecoder::Result::need_more:
                return true;
            case FrameDecoder::Result::error:
                return fail(decoder_.error());
            case FrameDecoder::Result::frame:
                if (!on_frame(now_ms)) return false;
                break;
        }
    }
    assert(state_ != State::failed);
    return true;
}

bool ZmtpConnection::decode_deferred(bool may_defer) {
    const std::span<const uint8_t> bytes = deferred_;
    SharedBuffer* backing = deferred_backing_;
    deferred_ = {};
    deferred_backing_ = nullptr;
    // Decoded frames that share the buffer hold their own references; so may deferred_
    // again (decode_frames retains it anew).
    const bool ok = decode_frames(bytes, 0, deferred_now_ms_, backing, may_defer);
    backing->release();
    return ok;
}

bool ZmtpConnection::feed_greeting(std::span<const uint8_t> bytes, size_t& consumed) {
    assert(peer_greeting_got_bytes_ < kGreetingBytes);
    const size_t take =
        std::min(kGreetingBytes - peer_greeting_got_bytes_, bytes.size() - consumed);
    if (take == 0) return true;  // memcpy must not see an empty span's null pointer
    std::memcpy(peer_greeting_ + peer_greeting_got_bytes_, bytes.data() + consumed, take);
    consumed += take;
    peer_greeting_got_bytes_ += take;
    // Judged on every chunk, so a non-ZMTP peer is dropped at its first wrong byte and a
    // ZMTP 2.0 peer (12-byte greeting, then waits) is not left hanging.
    const std::string_view our_mechanism = mechanism_name(config_.security.mechanism);
    std::string error = greeting_error({peer_greeting_, peer_greeting_got_bytes_}, our_mechanism);
    if (!error.empty()) {
        const bool mismatch = peer_greeting_got_bytes_ >= kMechanismIndex + kMechanismBytes;
        return fail(std::move(error),
                    mismatch ? HandshakeFailure{FailureKind::protocol,
                                                protocol_error::zmtp_mechanism_mismatch}
                             : HandshakeFailure{});
    }
    if (!greeting_rest_sent_ && peer_greeting_got_bytes_ > kSignatureEndIndex) {
        // The peer's signature is in: it speaks ZMTP 3, so the rest of ours may follow.
        uint8_t greeting[kGreetingBytes];
        write_greeting(greeting, our_mechanism, greets_as_server(config_.security));
        output_.append_bytes(std::span<const uint8_t>(greeting).subspan(kSignatureEndIndex + 1));
        greeting_rest_sent_ = true;
    }
    if (peer_greeting_got_bytes_ < kGreetingBytes) return true;
    peer_.minor_version = negotiated_minor_version(peer_greeting_);
    state_ = State::handshake;
    mechanism_ = Mechanism::create(config_.socket_type, our_properties(), config_.routing_id,
                                   config_.security);
    scratch_.clear();
    mechanism_->start(scratch_);  // NULL: READY goes out now (unless ZAP must decide first)
    flush_scratch();
    return true;
}

std::vector<uint8_t> ZmtpConnection::our_properties() const {
    std::vector<uint8_t> properties;
    append_property(properties, "Socket-Type", zmtp_name(config_.socket_type));
    if (sends_identity(config_.socket_type) || !config_.routing_id.empty()) {
        append_property(properties, "Identity", config_.routing_id);
    }
    return properties;
}

bool ZmtpConnection::on_frame(int64_t now_ms) {
    Frame& frame = decoder_.frame();
    if (encrypted_) return on_encrypted_frame(frame, now_ms);
    if (decoder_.is_command()) return on_command(frame, now_ms);
    assert(state_ == State::ready);  // the decoder refuses data frames before READY
    const bool more = decoder_.more();
    partial_.push_back(std::move(frame));
    if (!more) inbox_.push(partial_);
    return true;
}

bool ZmtpConnection::on_encrypted_frame(const Frame& frame, int64_t now_ms) {
    uint8_t flags = 0;
    std::vector<uint8_t> body;
    HandshakeFailure failure;
    std::string error;
    if (!mechanism_->decrypt_frame({frame.data(), frame.size()}, flags, body, failure, error)) {
        return fail(std::move(error), failure);
    }
    Frame plain = Frame::with_size(body.size());
    if (!body.empty()) std::memcpy(plain.mutable_data(), body.data(), body.size());
    if ((flags & kEncryptedFlagCommand) != 0) return on_command(plain, now_ms);
    partial_.push_back(std::move(plain));
    if ((flags & kEncryptedFlagMore) == 0) inbox_.push(partial_);
    return true;
}

bool ZmtpConnection::on_command(Frame& body, int64_t now_ms) {
    std::string error;
    const auto command = parse_command({body.data(), body.size()}, error);
    if (!command) {
        return state_ == State::handshake
                   ? refuse("malformed command: " + error,
                            {FailureKind::protocol,
                             protocol_error::zmtp_malformed_command_unspecified})
                   : fail("malformed command: " + error);
    }
    if (command->name == command_name::error) return on_peer_error(command->data);
    if (state_ == State::handshake) {
        assert(mechanism_);
        scratch_.clear();
        mechanism_->on_command(*command, scratch_);
        flush_scratch();
        return after_mechanism(now_ms);
    }
    assert(state_ == State::ready);
    if (command->name == command_name::ping) {
        // PING/PONG are ZMTP 3.1, but libzmq answers (and sends) them whatever minor
        // version the peer announced, and peers rely on it.
        const auto ping = parse_ping(command->data, error);
        if (!ping) return fail(error);
        scratch_.clear();
        append_command(scratch_, command_name::pong, ping->context);
        flush_command_scratch();
        if (ping->ttl_deciseconds > 0) {
            peer_ttl_ms_ = int64_t{ping->ttl_deciseconds} * 100;
            ttl_deadline_ms_ = now_ms + peer_ttl_ms_;
        }
        return true;
    }
    if (command->name == command_name::subscribe || command->name == command_name::cancel) {
        // Accepted from any peer: libzmq only sends them to 3.1 peers, but being liberal
        // here costs nothing. They reach the socket as "\x01topic" / "\x00topic".
        Frame frame = Frame::with_size(1 + command->data.size());
        uint8_t* out = frame.mutable_data();
        out[0] = command->name == command_name::subscribe ? 1 : 0;
        if (!command->data.empty()) {
            std::memcpy(out + 1, command->data.data(), command->data.size());
        }
        Message subscription(std::move(frame));
        inbox_.push(subscription);
        return true;
    }
    if (command->name == command_name::ready) return fail("peer sent READY twice");
    // PONG needs nothing beyond counting as traffic (done in feed()); RFC 37 says to
    // ignore commands we do not know.
    return true;
}

bool ZmtpConnection::on_peer_error(std::span<const uint8_t> data) {
    std::string error;
    const auto reason = parse_error_reason(data, error);
    if (!reason) {
        return fail("peer sent a malformed ERROR command: " + error,
                    {state_ == State::handshake ? FailureKind::protocol : FailureKind::none,
                     protocol_error::zmtp_malformed_command_error});
    }
    // A ZAP status code ("400", "500", "300") means the peer's ZAP handler refused us:
    // the monitor reports it as an authentication failure, as libzmq does.
    const std::string_view text = *reason;
    const bool status_code =
        text.size() == 3 && text[0] >= '3' && text[0] <= '5' && text[1] == '0' && text[2] == '0';
    HandshakeFailure failure;
    if (state_ == State::handshake) {
        failure = status_code ? HandshakeFailure{FailureKind::auth, (text[0] - '0') * 100}
                              : HandshakeFailure{FailureKind::silent, 0};
    }
    return fail("peer sent ERROR: " + printable(*reason, kMaxErrorReasonBytes), failure);
}

bool ZmtpConnection::after_mechanism(int64_t now_ms) {
    switch (mechanism_->status()) {
        case Mechanism::Status::failed:
            return fail(mechanism_->error(), mechanism_->failure());
        case Mechanism::Status::ready:
            complete_handshake(now_ms);
            return true;
        case Mechanism::Status::handshaking:
            return true;
    }
    return true;
}

void ZmtpConnection::complete_handshake(int64_t now_ms) {
    peer_.socket_type = mechanism_->peer_type();
    peer_.properties = mechanism_->peer_properties();
    if (const std::string* identity = find_property(peer_.properties, "Identity")) {
        peer_.routing_id = *identity;
    }

    state_ = State::ready;
    encrypted_ = mechanism_->encrypts();
    handshake_deadline_ms_ = kNoDeadline;
    decoder_.set_data_frames_allowed(true);
    const int64_t max_message = config_.max_message_size_bytes;
    const uint64_t command_limit =
        max_message >= 0 ? std::max(static_cast<uint64_t>(max_message) + kSubscribeOverheadBytes,
                                    kMinCommandLimitBytes)
                         : kMaxFrameBytesWithoutLimit;
    decoder_.set_limits(max_message, command_limit);
    if (config_.heartbeat_ivl_ms > 0) {  // to 3.0 peers too, as libzmq
        next_ping_ms_ = now_ms + config_.heartbeat_ivl_ms;
    }
}

const ZapRequest* ZmtpConnection::zap_request() const noexcept {
    if (state_ != State::handshake || !mechanism_) return nullptr;
    return mechanism_->zap_request();
}

bool ZmtpConnection::on_zap_reply(const Message& reply, int64_t now_ms) {
    if (state_ == State::failed) return false;
    assert(zap_request() != nullptr && "on_zap_reply() without a pending request");
    if (zap_request() == nullptr) return true;
    scratch_.clear();
    mechanism_->on_zap_reply(reply, scratch_);
    flush_scratch();
    return after_mechanism(now_ms);
}

bool ZmtpConnection::on_zap_unavailable(int64_t now_ms) {
    if (state_ == State::failed) return false;
    assert(zap_request() != nullptr && "on_zap_unavailable() without a pending request");
    if (zap_request() == nullptr) return true;
    scratch_.clear();
    mechanism_->on_zap_unavailable(scratch_);
    flush_scratch();
    return after_mechanism(now_ms);
}

bool ZmtpConnection::ready() const noexcept {
    return state_ == State::ready;
}

const ZmtpPeer& ZmtpConnection::peer() const noexcept {
    return peer_;
}

bool ZmtpConnection::pop_message(Message& out) {
    if (inbox_.empty() && !deferred_.empty() && state_ != State::failed) decode_deferred(true);
    return inbox_.pop(out);
}

size_t ZmtpConnection::pending_messages() const noexcept {
    return inbox_.size() + (deferred_.empty() ? 0 : 1);
}

void ZmtpConnection::send_message(const Message& msg) {
    // A failed connection is being dropped; whatever the socket still hands us is lost
    // with it and accounted for by the socket layer.
    if (state_ == State::failed) return;
    assert(state_ == State::ready && "send_message() before the handshake completed");
    assert(!msg.empty() && "a ZMTP message has at least one frame");
    if (state_ != State::ready || msg.empty()) return;
    if (encrypted_) return send_encrypted(msg);

    if (is_subscriber(config_.socket_type) && peer_speaks_3_1() && msg.size() == 1 &&
        !msg[0].empty() && (msg[0].data()[0] == 0 || msg[0].data()[0] == 1)) {
        send_subscription(msg[0]);
        return;
    }
    uint8_t header[kMaxFrameHeaderBytes];
    for (size_t i = 0; i < msg.size(); ++i) {
        const Frame& frame = msg[i];
        const uint8_t flags = i + 1 < msg.size() ? kFlagMore : 0;
        output_.append_bytes({header, write_frame_header(header, flags, frame.size())});
        output_.append_frame(frame);
    }
}

void ZmtpConnection::send_encrypted(const Message& msg) {
    if (is_subscriber(config_.socket_type) && peer_speaks_3_1() && msg.size() == 1 &&
        !msg[0].empty() && (msg[0].data()[0] == 0 || msg[0].data()[0] == 1)) {
        const Frame& frame = msg[0];
        const auto name = frame.data()[0] == 1 ? command_name::subscribe : command_name::cancel;
        scratch_.clear();
        append_command(scratch_, name, {frame.data() + 1, frame.size() - 1});
        flush_command_scratch();
        return;
    }
    std::vector<uint8_t> wire;
    for (size_t i = 0; i < msg.size(); ++i) {
        const uint8_t flags = i + 1 < msg.size() ? kEncryptedFlagMore : 0;
        mechanism_->encrypt_frame(flags, {msg[i].data(), msg[i].size()}, wire);
    }
    output_.append_bytes(wire);
}

void ZmtpConnection::flush_command_scratch() {
    if (!encrypted_) return flush_scratch();
    // The command travels inside a MESSAGE box, flagged as a command, without its header.
    const std::span<const uint8_t> command(scratch_);
    std::vector<uint8_t> wire;
    mechanism_->encrypt_frame(kEncryptedFlagCommand, command.subspan(frame_header_bytes(command)),
                              wire);
    scratch_.clear();
    output_.append_bytes(wire);
}

void ZmtpConnection::send_subscription(const Frame& frame) {
    assert(!frame.empty());
    const auto name = frame.data()[0] == 1 ? command_name::subscribe : command_name::cancel;
    scratch_.clear();
    append_command_prefix(scratch_, name, frame.size() - 1);
    flush_scratch();
    output_.append_frame(frame, 1);  // the topic, without the 1-byte prefix
}

void ZmtpConnection::queue_ping() {
    const int64_t ttl_deciseconds =
        std::clamp<int64_t>(config_.heartbeat_ttl_ms / 100, 0, UINT16_MAX);
    scratch_.clear();
    append_ping(scratch_, static_cast<uint16_t>(ttl_deciseconds), {});
    flush_command_scratch();
}

size_t ZmtpConnection::output_slices(OutputSlice* slices, size_t max_slices) const {
    const size_t count = std::min(max_slices, output_.slice_count());
    for (size_t i = 0; i < count; ++i) {
        const auto slice = output_.slice(i);
        slices[i] = OutputSlice{slice.data(), slice.size()};
    }
    return count;
}

size_t ZmtpConnection::output_size_bytes() const noexcept {
    return output_.size_bytes();
}

void ZmtpConnection::consume_output(size_t bytes) {
    assert(bytes <= output_.size_bytes());
    output_.consume(std::min(bytes, output_.size_bytes()));
}

int64_t ZmtpConnection::heartbeat_timeout_ms() const noexcept {
    return config_.heartbeat_timeout_ms < 0 ? config_.heartbeat_ivl_ms
                                            : config_.heartbeat_timeout_ms;
}

int64_t ZmtpConnection::next_deadline_ms() const noexcept {
    switch (state_) {
        case State::idle:
        case State::failed:
            return kNoDeadline;
        case State::greeting:
        case State::handshake:
            return handshake_deadline_ms_;
        case State::ready:
            break;
    }
    int64_t deadline = std::min(next_ping_ms_, ttl_deadline_ms_);
    const int64_t timeout = heartbeat_timeout_ms();
    if (timeout > 0 && unanswered_ping_ms_ != kNoDeadline) {
        deadline = std::min(deadline, unanswered_ping_ms_ + timeout);
    }
    return deadline;
}

std::string ZmtpConnection::handshake_progress() const {
    if (state_ == State::greeting) {
        return "got " + std::to_string(peer_greeting_got_bytes_) + " of " +
               std::to_string(kGreetingBytes) + " greeting bytes";
    }
    if (zap_request() != nullptr) return "greeting done, waiting for the ZAP handler's verdict";
    return "greeting done, waiting for the peer's " +
           std::string(mechanism_name(config_.security.mechanism)) + " handshake commands (got " +
           std::to_string(received_bytes_ - kGreetingBytes) + " bytes after the greeting)";
}

bool ZmtpConnection::on_timer(int64_t now_ms) {
    if (state_ == State::failed) return false;
    if (state_ == State::idle) return true;
    if (state_ != State::ready) {
        if (now_ms >= handshake_deadline_ms_) {
            return fail("handshake timeout after " + std::to_string(now_ms - start_ms_) +
                            " ms: " + handshake_progress(),
                        {FailureKind::no_detail, ETIMEDOUT});
        }
        return true;
    }
    if (now_ms >= ttl_deadline_ms_) {
        return fail("heartbeat TTL expired: the peer's PING asked for traffic within " +
                    std::to_string(peer_ttl_ms_) + " ms, none for " +
                    std::to_string(now_ms - last_rx_ms_) + " ms");
    }
    const int64_t timeout = heartbeat_timeout_ms();
    if (timeout > 0 && unanswered_ping_ms_ != kNoDeadline &&
        now_ms >= unanswered_ping_ms_ + timeout) {
        return fail("heartbeat timeout: no traffic from peer for " +
                    std::to_string(now_ms - last_rx_ms_) + " ms");
    }
    if (now_ms >= next_ping_ms_) {
        queue_ping();
        if (unanswered_ping_ms_ == kNoDeadline) unanswered_ping_ms_ = now_ms;
        next_ping_ms_ = now_ms + config_.heartbeat_ivl_ms;
    }
    return true;
}

bool ZmtpConnection::failed() const noexcept {
    return state_ == State::failed;
}

const std::string& ZmtpConnection::error() const noexcept {
    return error_;
}

}  // namespace sculpin::wire
