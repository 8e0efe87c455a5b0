// The NULL mechanism (RFC 37): each side sends READY with its metadata. A server socket
// with a ZAP domain first asks the ZAP handler about the peer and sends READY only if it
// approves (or when no handler is bound, as libzmq does without ZAP_ENFORCE_DOMAIN).
#pragma once

#include "wire/mechanism.hpp"

namespace sculpin::wire {

class NullMechanism final : public Mechanism {
public:
    using Mechanism::Mechanism;

    std::string_view name() const override { return "NULL"; }
    void start(std::vector<uint8_t>& out) override;
    void on_command(const Command& command, std::vector<uint8_t>& out) override;
    void on_zap_unavailable(std::vector<uint8_t>& out) override;

private:
    void on_zap_verdict(const ZapReply& reply, std::vector<uint8_t>& out) override;
    void send_ready(std::vector<uint8_t>& out);

    bool ready_sent_ = false;
    bool ready_received_ = false;
};

}  // namespace sculpin::wire
