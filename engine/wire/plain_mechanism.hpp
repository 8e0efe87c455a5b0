// The PLAIN mechanism (RFC 24): a username and password in clear text, checked by the
// server's ZAP handler.
//
//   client                         server
//   HELLO (username, password) ->
//                                  (asks ZAP; 200 goes on, 400/500 send ERROR, 300 hangs up)
//                              <-  WELCOME
//   INITIATE (metadata)        ->
//                              <-  READY (metadata)
//
// A server without a ZAP handler refuses every client: PLAIN has no other way to check
// a password (libzmq reports HANDSHAKE_FAILED_NO_DETAIL with EFAULT).
#pragma once

#include "wire/mechanism.hpp"

namespace sculpin::wire {

namespace command_name {
constexpr std::string_view hello = "HELLO";
constexpr std::string_view welcome = "WELCOME";
constexpr std::string_view initiate = "INITIATE";
}  // namespace command_name

// PLAIN credentials are 1-byte-length strings.
constexpr size_t kMaxPlainCredentialBytes = 255;

class PlainMechanism final : public Mechanism {
public:
    using Mechanism::Mechanism;

    std::string_view name() const override { return "PLAIN"; }
    void start(std::vector<uint8_t>& out) override;
    void on_command(const Command& command, std::vector<uint8_t>& out) override;
    void on_zap_unavailable(std::vector<uint8_t>& out) override;

private:
    enum class State {
        idle,
        client_waiting_for_welcome,
        client_waiting_for_ready,
        server_waiting_for_hello,
        server_waiting_for_zap,
        server_waiting_for_initiate,
        done,
    };

    void on_zap_verdict(const ZapReply& reply, std::vector<uint8_t>& out) override;
    void on_hello(std::span<const uint8_t> data, std::vector<uint8_t>& out);
    void unexpected(const Command& command, std::string_view expected, std::vector<uint8_t>& out);

    State state_ = State::idle;
};

}  // namespace sculpin::wire
