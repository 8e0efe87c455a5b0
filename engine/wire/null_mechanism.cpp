#include "wire/null_mechanism.hpp"

#include "wire/printable.hpp"

namespace sculpin::wire {

void NullMechanism::start(std::vector<uint8_t>& out) {
    if (!security_.zap_domain.empty()) {
        ask_zap("NULL", {});  // READY waits for the handler's verdict
        return;
    }
    send_ready(out);
}

void NullMechanism::send_ready(std::vector<uint8_t>& out) {
    append_command(out, command_name::ready, our_properties_);
    ready_sent_ = true;
    if (ready_received_) become_ready();
}

void NullMechanism::on_command(const Command& command, std::vector<uint8_t>& out) {
    if (command.name != command_name::ready) {
        refuse(out, FailureKind::protocol, protocol_error::zmtp_unexpected_command,
               "expected a READY command, got \"" + printable(command.name) + "\"");
        return;
    }
    if (ready_received_) {
        refuse(out, FailureKind::protocol, protocol_error::zmtp_unexpected_command,
               "peer sent READY twice");
        return;
    }
    if (!accept_peer_metadata(command.data, "READY", protocol_error::zmtp_malformed_command_ready,
                              out))
        return;
    ready_received_ = true;
    if (ready_sent_) become_ready();
}

void NullMechanism::on_zap_unavailable(std::vector<uint8_t>& out) {
    // Without ZAP_ENFORCE_DOMAIN, libzmq lets NULL peers in when nobody is there to ask.
    send_ready(out);
}

void NullMechanism::on_zap_verdict(const ZapReply& reply, std::vector<uint8_t>& out) {
    if (reply.status_code == "200") {
        send_ready(out);
        return;
    }
    fail_on_zap_status(reply, out);
}

}  // namespace sculpin::wire
