#include "wire/plain_mechanism.hpp"

#include <cassert>
#include <cerrno>

#include "wire/printable.hpp"

namespace sculpin::wire {

namespace {

void append_short_string(std::vector<uint8_t>& out, std::string_view text) {
    assert(text.size() <= kMaxPlainCredentialBytes);
    out.push_back(static_cast<uint8_t>(text.size()));
    out.insert(out.end(), text.begin(), text.end());
}

// Reads a 1-byte length and that many bytes at `offset`. false = not enough bytes.
bool read_short_string(std::span<const uint8_t> data, size_t& offset, std::string& out) {
    if (offset >= data.size()) return false;
    const size_t length = data[offset];
    if (data.size() - offset - 1 < length) return false;
    out.assign(reinterpret_cast<const char*>(data.data()) + offset + 1, length);
    offset += 1 + length;
    return true;
}

}  // namespace

void PlainMechanism::start(std::vector<uint8_t>& out) {
    assert(state_ == State::idle);
    if (security_.as_server) {
        state_ = State::server_waiting_for_hello;
        return;
    }
    std::vector<uint8_t> hello;
    append_short_string(hello, security_.plain_username);
    append_short_string(hello, security_.plain_password);
    append_command(out, command_name::hello, hello);
    state_ = State::client_waiting_for_welcome;
}

void PlainMechanism::unexpected(const Command& command, std::string_view expected,
                                std::vector<uint8_t>& out) {
    refuse(
        out, FailureKind::protocol, protocol_error::zmtp_unexpected_command,
        "PLAIN: expected " + std::string(expected) + ", got \"" + printable(command.name) + "\"");
}

void PlainMechanism::on_command(const Command& command, std::vector<uint8_t>& out) {
    switch (state_) {
        case State::client_waiting_for_welcome:
            if (command.name != command_name::welcome) return unexpected(command, "WELCOME", out);
            if (!command.data.empty()) {
                refuse(out, FailureKind::protocol, protocol_error::zmtp_malformed_command_welcome,
                       "PLAIN: WELCOME carries " + std::to_string(command.data.size()) +
                           " bytes, expected none");
                return;
            }
            append_command(out, command_name::initiate, our_properties_);
            state_ = State::client_waiting_for_ready;
            return;
        case State::client_waiting_for_ready:
            if (command.name != command_name::ready) return unexpected(command, "READY", out);
            if (!accept_peer_metadata(command.data, "READY",
                                      protocol_error::zmtp_malformed_command_ready, out))
                return;
            state_ = State::done;
            become_ready();
            return;
        case State::server_waiting_for_hello:
            if (command.name != command_name::hello) return unexpected(command, "HELLO", out);
            on_hello(command.data, out);
            return;
        case State::server_waiting_for_initiate:
            if (command.name != command_name::initiate) return unexpected(command, "INITIATE", out);
            if (!accept_peer_metadata(command.data, "INITIATE",
                                      protocol_error::zmtp_malformed_command_initiate, out))
                return;
            append_command(out, command_name::ready, our_properties_);
            state_ = State::done;
            become_ready();
            return;
        case State::server_waiting_for_zap:
            return unexpected(command, "nothing while the ZAP handler decides", out);
        case State::idle:
        case State::done:
            return unexpected(command, "no command", out);
    }
}

void PlainMechanism::on_hello(std::span<const uint8_t> data, std::vector<uint8_t>& out) {
    std::string username;
    std::string password;
    size_t offset = 0;
    if (!read_short_string(data, offset, username)) {
        refuse(out, FailureKind::protocol, protocol_error::zmtp_malformed_command_hello,
               "PLAIN: HELLO has no complete username");
        return;
    }
    if (!read_short_string(data, offset, password)) {
        refuse(out, FailureKind::protocol, protocol_error::zmtp_malformed_command_hello,
               "PLAIN: HELLO has no complete password");
        return;
    }
    if (offset != data.size()) {
        refuse(out, FailureKind::protocol, protocol_error::zmtp_malformed_command_hello,
               "PLAIN: HELLO has " + std::to_string(data.size() - offset) +
                   " bytes after the password");
        return;
    }
    ask_zap("PLAIN", {std::move(username), std::move(password)});
    state_ = State::server_waiting_for_zap;
}

void PlainMechanism::on_zap_unavailable(std::vector<uint8_t>&) {
    assert(state_ == State::server_waiting_for_zap);
    fail(FailureKind::no_detail, EFAULT,
         "PLAIN server has no ZAP handler (inproc://zeromq.zap.01) to check the password");
}

void PlainMechanism::on_zap_verdict(const ZapReply& reply, std::vector<uint8_t>& out) {
    assert(state_ == State::server_waiting_for_zap);
    if (reply.status_code != "200") {
        fail_on_zap_status(reply, out);
        return;
    }
    append_command(out, command_name::welcome, {});
    state_ = State::server_waiting_for_initiate;
}

}  // namespace sculpin::wire
