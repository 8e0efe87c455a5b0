// The CURVE mechanism (RFC 26 CurveZMQ, as ZMTP 3 carries it): X25519 key agreement with
// a transient key pair per connection on each side, and XSalsa20-Poly1305 boxes for every
// command after HELLO and every frame after the handshake.
//
//   client (C, C')                                  server (S, S')
//   HELLO    C', Box[64 zeros](C'->S)           ->
//                                               <-  WELCOME  Box[S' + cookie](S->C')
//   INITIATE cookie, Box[C + vouch + metadata](C'->S')  ->
//            vouch = Box[C' + S](C->S')            (asks ZAP with C; 200 goes on,
//                                                   400/500 send ERROR, 300 hangs up)
//                                               <-  READY    Box[metadata](S'->C')
//   MESSAGE  Box[flags + frame](C'->S' or S'->C'), both ways, short nonces counting up
//
// The cookie (Box[C' + s'] under a key only this server connection knows) lets the server
// forget nothing it needs: INITIATE brings the client's transient key back to it. Short
// nonces are 8-byte big-endian counters from 1 per direction, each after a 16-byte prefix
// that says which command they belong to, so no two boxes ever share a nonce; a peer's
// MESSAGE nonce must grow.
//
// A server without a ZAP handler accepts every client that knows its public key (libzmq's
// "Stonehouse"): CURVE still encrypts and proves the server's identity.
#pragma once

#include <array>

#include "crypto/box.hpp"
#include "wire/mechanism.hpp"

namespace sculpin::wire {

class CurveMechanism final : public Mechanism {
public:
    using Mechanism::Mechanism;

    std::string_view name() const override { return "CURVE"; }
    void start(std::vector<uint8_t>& out) override;
    void on_command(const Command& command, std::vector<uint8_t>& out) override;
    void on_zap_unavailable(std::vector<uint8_t>& out) override;

    bool encrypts() const noexcept override { return true; }
    void encrypt_frame(uint8_t flags, std::span<const uint8_t> body,
                       std::vector<uint8_t>& out) override;
    bool decrypt_frame(std::span<const uint8_t> frame, uint8_t& flags, std::vector<uint8_t>& body,
                       HandshakeFailure& failure, std::string& error) override;

private:
    enum class State {
        idle,
        client_waiting_for_welcome,
        client_waiting_for_ready,
        server_waiting_for_hello,
        server_waiting_for_initiate,
        server_waiting_for_zap,
        done,
    };

    void on_zap_verdict(const ZapReply& reply, std::vector<uint8_t>& out) override;
    void on_welcome(std::span<const uint8_t> data, std::vector<uint8_t>& out);
    void on_ready(std::span<const uint8_t> data, std::vector<uint8_t>& out);
    void on_hello(std::span<const uint8_t> data, std::vector<uint8_t>& out);
    void on_initiate(std::span<const uint8_t> data, std::vector<uint8_t>& out);
    void send_ready(std::vector<uint8_t>& out);
    void unexpected(const Command& command, std::string_view expected, std::vector<uint8_t>& out);
    void refuse_crypto(std::vector<uint8_t>& out, int code, std::string reason);
    void random(std::span<uint8_t> out);
    uint64_t take_nonce() { return next_nonce_++; }

    State state_ = State::idle;
    crypto::X25519Key transient_public_{};  // C' on a client, S' on a server
    crypto::X25519Key transient_secret_{};
    crypto::X25519Key peer_transient_public_{};  // S' on a client, C' on a server
    crypto::BoxKey session_key_{};               // Box key between C' and S'
    crypto::BoxKey cookie_key_{};                // server: seals this connection's cookie
    std::array<uint8_t, 96> cookie_{};           // client: the server's cookie for INITIATE
    uint64_t next_nonce_ = 1;                    // our next short nonce
    uint64_t peer_nonce_ = 0;                    // the peer's last short nonce
};

}  // namespace sculpin::wire
