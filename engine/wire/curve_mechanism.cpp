#include "wire/curve_mechanism.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "wire/byte_order.hpp"
#include "wire/frame_header.hpp"
#include "wire/printable.hpp"

namespace sculpin::wire {

namespace {

using crypto::BoxKey;
using crypto::BoxNonce;
using crypto::X25519Key;

// RFC 26 command layouts, counted after the command name (Command::data).
constexpr size_t kKeyBytes = 32;
constexpr size_t kShortNonceBytes = 8;
constexpr size_t kLongNonceBytes = 16;
constexpr size_t kBoxOverhead = crypto::kBoxOverheadBytes;
constexpr size_t kHelloPaddingBytes = 72;
constexpr size_t kHelloSignatureBytes = 64;  // zeros, boxed to prove C' knows S
constexpr size_t kHelloDataBytes = 2 + kHelloPaddingBytes + kKeyBytes + kShortNonceBytes +
                                   kHelloSignatureBytes + kBoxOverhead;          // 194 (+6 = 200)
constexpr size_t kCookieBytes = kLongNonceBytes + 2 * kKeyBytes + kBoxOverhead;  // 96
constexpr size_t kWelcomeDataBytes = kLongNonceBytes + kKeyBytes + kCookieBytes + kBoxOverhead;
constexpr size_t kVouchBytes = kLongNonceBytes + 2 * kKeyBytes + kBoxOverhead;  // 96
constexpr size_t kInitiateFixedPlainBytes = kKeyBytes + kVouchBytes;            // 128

constexpr std::string_view kMessageName = "\x07MESSAGE";
constexpr std::string_view kClientMessagePrefix = "CurveZMQMESSAGEC";
constexpr std::string_view kServerMessagePrefix = "CurveZMQMESSAGES";

// A 24-byte nonce: a 16-byte prefix and an 8-byte big-endian counter.
BoxNonce short_nonce(std::string_view prefix, uint64_t counter) {
    assert(prefix.size() == 16);
    BoxNonce nonce;
    std::memcpy(nonce.data(), prefix.data(), 16);
    put_u64_be(nonce.data() + 16, counter);
    return nonce;
}

// A 24-byte nonce: an 8-byte prefix and 16 bytes (random on the sending side).
BoxNonce long_nonce(std::string_view prefix, const uint8_t* tail) {
    assert(prefix.size() == 8);
    BoxNonce nonce;
    std::memcpy(nonce.data(), prefix.data(), 8);
    std::memcpy(nonce.data() + 8, tail, 16);
    return nonce;
}

X25519Key key_at(std::span<const uint8_t> data, size_t offset) {
    X25519Key key;
    std::memcpy(key.data(), data.data() + offset, kKeyBytes);
    return key;
}

std::span<const uint8_t> as_bytes(std::string_view text) {
    return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

}  // namespace

void CurveMechanism::random(std::span<uint8_t> out) {
    assert(security_.random && "CURVE needs a random source");
    security_.random(out);
}

void CurveMechanism::refuse_crypto(std::vector<uint8_t>&, int code, std::string reason) {
    // libzmq hangs up on a bad box without an ERROR: a forger learns nothing from it.
    fail(FailureKind::protocol, code, "CURVE: " + std::move(reason));
}

void CurveMechanism::start(std::vector<uint8_t>& out) {
    assert(state_ == State::idle);
    random(transient_secret_);
    transient_public_ = crypto::x25519_base(transient_secret_);
    if (security_.as_server) {
        random(cookie_key_);
        state_ = State::server_waiting_for_hello;
        return;
    }
    // HELLO: version 1.0, padding (so HELLO is as long as WELCOME's box and the server
    // amplifies nothing), C', and Box[64 zeros](C'->S).
    std::vector<uint8_t> hello;
    hello.reserve(kHelloDataBytes);
    hello.push_back(1);
    hello.push_back(0);
    hello.resize(2 + kHelloPaddingBytes, 0);
    hello.insert(hello.end(), transient_public_.begin(), transient_public_.end());
    const uint64_t nonce = take_nonce();
    uint8_t short_nonce_bytes[kShortNonceBytes];
    put_u64_be(short_nonce_bytes, nonce);
    hello.insert(hello.end(), short_nonce_bytes, short_nonce_bytes + kShortNonceBytes);
    const std::array<uint8_t, kHelloSignatureBytes> zeros{};
    crypto::seal(crypto::box_key(security_.curve_server_key, transient_secret_),
                 short_nonce("CurveZMQHELLO---", nonce), zeros, hello);
    assert(hello.size() == kHelloDataBytes);
    append_command(out, "HELLO", hello);
    state_ = State::client_waiting_for_welcome;
}

void CurveMechanism::unexpected(const Command& command, std::string_view expected,
                                std::vector<uint8_t>& out) {
    refuse(
        out, FailureKind::protocol, protocol_error::zmtp_unexpected_command,
        "CURVE: expected " + std::string(expected) + ", got \"" + printable(command.name) + "\"");
}

void CurveMechanism::on_command(const Command& command, std::vector<uint8_t>& out) {
    switch (state_) {
        case State::client_waiting_for_welcome:
            if (command.name != "WELCOME") return unexpected(command, "WELCOME", out);
            return on_welcome(command.data, out);
        case State::client_waiting_for_ready:
            if (command.name != command_name::ready) return unexpected(command, "READY", out);
            return on_ready(command.data, out);
        case State::server_waiting_for_hello:
            if (command.name != "HELLO") return unexpected(command, "HELLO", out);
            return on_hello(command.data, out);
        case State::server_waiting_for_initiate:
            if (command.name != "INITIATE") return unexpected(command, "INITIATE", out);
            return on_initiate(command.data, out);
        case State::server_waiting_for_zap:
            return unexpected(command, "nothing while the ZAP handler decides", out);
        case State::idle:
        case State::done:
            return unexpected(command, "no command", out);
    }
}

void CurveMechanism::on_hello(std::span<const uint8_t> data, std::vector<uint8_t>& out) {
    if (data.size() != kHelloDataBytes) {
        refuse(out, FailureKind::protocol, protocol_error::zmtp_malformed_command_hello,
               "CURVE: HELLO carries " + std::to_string(data.size()) + " bytes, expected " +
                   std::to_string(kHelloDataBytes));
        return;
    }
    if (data[0] != 1 || data[1] != 0) {
        refuse(out, FailureKind::protocol, protocol_error::zmtp_malformed_command_hello,
               "CURVE: HELLO has version " + std::to_string(data[0]) + "." +
                   std::to_string(data[1]) + ", expected 1.0");
        return;
    }
    size_t at = 2 + kHelloPaddingBytes;
    peer_transient_public_ = key_at(data, at);
    at += kKeyBytes;
    const uint64_t nonce = get_u64_be(data.data() + at);
    at += kShortNonceBytes;
    const auto signature =
        crypto::open(crypto::box_key(peer_transient_public_, security_.curve_secret_key),
                     short_nonce("CurveZMQHELLO---", nonce), data.subspan(at));
    if (!signature) {
        // Usually a client that holds the wrong server key.
        return refuse_crypto(out, protocol_error::zmtp_cryptographic,
                             "HELLO's box does not open: the client does not know our public key");
    }
    peer_nonce_ = nonce;

    // The cookie: Box[C' + s'](K) under a fresh long nonce.
    uint8_t cookie_nonce_tail[kLongNonceBytes];
    random(cookie_nonce_tail);
    std::vector<uint8_t> cookie(cookie_nonce_tail, cookie_nonce_tail + kLongNonceBytes);
    std::vector<uint8_t> cookie_plain(peer_transient_public_.begin(), peer_transient_public_.end());
    cookie_plain.insert(cookie_plain.end(), transient_secret_.begin(), transient_secret_.end());
    crypto::seal(cookie_key_, long_nonce("COOKIE--", cookie_nonce_tail), cookie_plain, cookie);
    assert(cookie.size() == kCookieBytes);

    // WELCOME: a long nonce and Box[S' + cookie](S->C').
    uint8_t welcome_nonce_tail[kLongNonceBytes];
    random(welcome_nonce_tail);
    std::vector<uint8_t> welcome(welcome_nonce_tail, welcome_nonce_tail + kLongNonceBytes);
    std::vector<uint8_t> welcome_plain(transient_public_.begin(), transient_public_.end());
    welcome_plain.insert(welcome_plain.end(), cookie.begin(), cookie.end());
    crypto::seal(crypto::box_key(peer_transient_public_, security_.curve_secret_key),
                 long_nonce("WELCOME-", welcome_nonce_tail), welcome_plain, welcome);
    assert(welcome.size() == kWelcomeDataBytes);
    append_command(out, "WELCOME", welcome);
    state_ = State::server_waiting_for_initiate;
}

void CurveMechanism::on_welcome(std::span<const uint8_t> data, std::vector<uint8_t>& out) {
    if (data.size() != kWelcomeDataBytes) {
        refuse(out, FailureKind::protocol, protocol_error::zmtp_malformed_command_welcome,
               "CURVE: WELCOME carries " + std::to_string(data.size()) + " bytes, expected " +
                   std::to_string(kWelcomeDataBytes));
        return;
    }
    const auto plain =
        crypto::open(crypto::box_key(security_.curve_server_key, transient_secret_),
                     long_nonce("WELCOME-", data.data()), data.subspan(kLongNonceBytes));
    if (!plain) {
        return refuse_crypto(out, protocol_error::zmtp_cryptographic,
                             "WELCOME's box does not open: the server is not who we think");
    }
    peer_transient_public_ = key_at(*plain, 0);
    std::memcpy(cookie_.data(), plain->data() + kKeyBytes, kCookieBytes);
    session_key_ = crypto::box_key(peer_transient_public_, transient_secret_);

    // The vouch: Box[C' + S](C->S'), proving the long-term key C stands behind C'.
    uint8_t vouch_nonce_tail[kLongNonceBytes];
    random(vouch_nonce_tail);
    std::vector<uint8_t> vouch(vouch_nonce_tail, vouch_nonce_tail + kLongNonceBytes);
    std::vector<uint8_t> vouch_plain(transient_public_.begin(), transient_public_.end());
    vouch_plain.insert(vouch_plain.end(), security_.curve_server_key.begin(),
                       security_.curve_server_key.end());
    crypto::seal(crypto::box_key(peer_transient_public_, security_.curve_secret_key),
                 long_nonce("VOUCH---", vouch_nonce_tail), vouch_plain, vouch);
    assert(vouch.size() == kVouchBytes);

    // INITIATE: the cookie back, and Box[C + vouch + metadata](C'->S').
    std::vector<uint8_t> initiate_plain(security_.curve_public_key.begin(),
                                        security_.curve_public_key.end());
    initiate_plain.insert(initiate_plain.end(), vouch.begin(), vouch.end());
    initiate_plain.insert(initiate_plain.end(), our_properties_.begin(), our_properties_.end());
    std::vector<uint8_t> initiate(cookie_.begin(), cookie_.end());
    const uint64_t nonce = take_nonce();
    initiate.resize(initiate.size() + kShortNonceBytes);
    put_u64_be(initiate.data() + kCookieBytes, nonce);
    crypto::seal(session_key_, short_nonce("CurveZMQINITIATE", nonce), initiate_plain, initiate);
    append_command(out, "INITIATE", initiate);
    state_ = State::client_waiting_for_ready;
}

void CurveMechanism::on_initiate(std::span<const uint8_t> data, std::vector<uint8_t>& out) {
    if (data.size() < kCookieBytes + kShortNonceBytes + kInitiateFixedPlainBytes + kBoxOverhead) {
        refuse(out, FailureKind::protocol, protocol_error::zmtp_malformed_command_initiate,
               "CURVE: INITIATE carries only " + std::to_string(data.size()) + " bytes");
        return;
    }
    // Our own cookie must come back unchanged and name the C' of HELLO.
    const auto cookie_plain =
        crypto::open(cookie_key_, long_nonce("COOKIE--", data.data()),
                     data.subspan(kLongNonceBytes, kCookieBytes - kLongNonceBytes));
    if (!cookie_plain ||
        !std::equal(peer_transient_public_.begin(), peer_transient_public_.end(),
                    cookie_plain->begin()) ||
        !std::equal(transient_secret_.begin(), transient_secret_.end(),
                    cookie_plain->begin() + kKeyBytes)) {
        return refuse_crypto(out, protocol_error::zmtp_cryptographic,
                             "INITIATE's cookie is not the one we sent");
    }
    session_key_ = crypto::box_key(peer_transient_public_, transient_secret_);
    const uint64_t nonce = get_u64_be(data.data() + kCookieBytes);
    const auto plain = crypto::open(session_key_, short_nonce("CurveZMQINITIATE", nonce),
                                    data.subspan(kCookieBytes + kShortNonceBytes));
    if (!plain) {
        return refuse_crypto(out, protocol_error::zmtp_cryptographic,
                             "INITIATE's box does not open");
    }
    peer_nonce_ = nonce;
    const X25519Key client_key = key_at(*plain, 0);
    const auto vouch =
        crypto::open(crypto::box_key(client_key, transient_secret_),
                     long_nonce("VOUCH---", plain->data() + kKeyBytes),
                     std::span<const uint8_t>(*plain).subspan(kKeyBytes + kLongNonceBytes,
                                                              kVouchBytes - kLongNonceBytes));
    if (!vouch) {
        return refuse_crypto(out, protocol_error::zmtp_cryptographic,
                             "INITIATE's vouch does not open with the client's key");
    }
    if (!std::equal(peer_transient_public_.begin(), peer_transient_public_.end(), vouch->begin())) {
        return refuse_crypto(out, protocol_error::zmtp_key_exchange,
                             "the vouch names another transient key than HELLO's");
    }
    if (!accept_peer_metadata(std::span<const uint8_t>(*plain).subspan(kInitiateFixedPlainBytes),
                              "INITIATE", protocol_error::zmtp_malformed_command_initiate, out))
        return;
    // RFC 27: the handler judges the client's long-term public key (32 bytes).
    ask_zap("CURVE", {std::string(reinterpret_cast<const char*>(client_key.data()), kKeyBytes)});
    state_ = State::server_waiting_for_zap;
}

void CurveMechanism::on_zap_unavailable(std::vector<uint8_t>& out) {
    assert(state_ == State::server_waiting_for_zap);
    send_ready(out);
}

void CurveMechanism::on_zap_verdict(const ZapReply& reply, std::vector<uint8_t>& out) {
    assert(state_ == State::server_waiting_for_zap);
    if (reply.status_code != "200") {
        fail_on_zap_status(reply, out);
        return;
    }
    send_ready(out);
}

void CurveMechanism::send_ready(std::vector<uint8_t>& out) {
    std::vector<uint8_t> ready(kShortNonceBytes);
    const uint64_t nonce = take_nonce();
    put_u64_be(ready.data(), nonce);
    crypto::seal(session_key_, short_nonce("CurveZMQREADY---", nonce), our_properties_, ready);
    append_command(out, command_name::ready, ready);
    state_ = State::done;
    become_ready();
}

void CurveMechanism::on_ready(std::span<const uint8_t> data, std::vector<uint8_t>& out) {
    if (data.size() < kShortNonceBytes + kBoxOverhead) {
        refuse(out, FailureKind::protocol, protocol_error::zmtp_malformed_command_ready,
               "CURVE: READY carries only " + std::to_string(data.size()) + " bytes");
        return;
    }
    const uint64_t nonce = get_u64_be(data.data());
    const auto plain = crypto::open(session_key_, short_nonce("CurveZMQREADY---", nonce),
                                    data.subspan(kShortNonceBytes));
    if (!plain) {
        return refuse_crypto(out, protocol_error::zmtp_cryptographic, "READY's box does not open");
    }
    peer_nonce_ = nonce;
    if (!accept_peer_metadata(*plain, "READY", protocol_error::zmtp_malformed_command_ready, out))
        return;
    state_ = State::done;
    become_ready();
}

void CurveMechanism::encrypt_frame(uint8_t flags, std::span<const uint8_t> body,
                                   std::vector<uint8_t>& out) {
    assert(state_ == State::done);
    const uint64_t nonce = take_nonce();
    const size_t payload_bytes =
        kMessageName.size() + kShortNonceBytes + kBoxOverhead + 1 + body.size();
    uint8_t header[kMaxFrameHeaderBytes];
    // libzmq sends MESSAGE as a data frame; MORE travels inside the box.
    out.insert(out.end(), header, header + write_frame_header(header, 0, payload_bytes));
    const auto name = as_bytes(kMessageName);
    out.insert(out.end(), name.begin(), name.end());
    const size_t nonce_at = out.size();
    out.resize(nonce_at + kShortNonceBytes);
    put_u64_be(out.data() + nonce_at, nonce);
    std::vector<uint8_t> plain;
    plain.reserve(1 + body.size());
    plain.push_back(flags);
    plain.insert(plain.end(), body.begin(), body.end());
    const std::string_view prefix =
        security_.as_server ? kServerMessagePrefix : kClientMessagePrefix;
    crypto::seal(session_key_, short_nonce(prefix, nonce), plain, out);
}

bool CurveMechanism::decrypt_frame(std::span<const uint8_t> frame, uint8_t& flags,
                                   std::vector<uint8_t>& body, HandshakeFailure& failure,
                                   std::string& error) {
    assert(state_ == State::done);
    const auto name = as_bytes(kMessageName);
    if (frame.size() < name.size() || !std::equal(name.begin(), name.end(), frame.begin())) {
        failure = {FailureKind::protocol, protocol_error::zmtp_unexpected_command};
        error = "CURVE: a frame after the handshake is not a MESSAGE command";
        return false;
    }
    if (frame.size() < name.size() + kShortNonceBytes + kBoxOverhead + 1) {
        failure = {FailureKind::protocol, protocol_error::zmtp_malformed_command_message};
        error = "CURVE: MESSAGE of " + std::to_string(frame.size()) + " bytes is too short";
        return false;
    }
    const uint64_t nonce = get_u64_be(frame.data() + name.size());
    if (nonce <= peer_nonce_) {
        failure = {FailureKind::protocol, protocol_error::zmtp_invalid_sequence};
        error = "CURVE: MESSAGE nonce " + std::to_string(nonce) + " does not follow " +
                std::to_string(peer_nonce_) + " (replayed or reordered)";
        return false;
    }
    const std::string_view prefix =
        security_.as_server ? kClientMessagePrefix : kServerMessagePrefix;
    auto plain = crypto::open(session_key_, short_nonce(prefix, nonce),
                              frame.subspan(name.size() + kShortNonceBytes));
    if (!plain) {
        failure = {FailureKind::protocol, protocol_error::zmtp_cryptographic};
        error = "CURVE: MESSAGE's box does not open";
        return false;
    }
    peer_nonce_ = nonce;
    flags = (*plain)[0];
    body.assign(plain->begin() + 1, plain->end());
    return true;
}

}  // namespace sculpin::wire
