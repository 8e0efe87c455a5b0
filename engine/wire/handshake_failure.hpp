// Why a handshake failed, classified the way libzmq's socket monitor reports it, so the
// runtime can raise the same ZMQ_EVENT_HANDSHAKE_FAILED_* event with the same value.
#pragma once

namespace sculpin::wire {

enum class FailureKind {
    none,       // not failed, or failed in a way the codec does not classify
    protocol,   // HANDSHAKE_FAILED_PROTOCOL, code = a protocol_error:: value
    auth,       // HANDSHAKE_FAILED_AUTH, code = ZAP status code (300, 400, 500)
    no_detail,  // HANDSHAKE_FAILED_NO_DETAIL, code = an errno value
    silent,     // the peer refused us with an ERROR that is no ZAP status: no event
};

struct HandshakeFailure {
    FailureKind kind = FailureKind::none;
    int code = 0;
};

// libzmq's ZMQ_PROTOCOL_ERROR_* numbers (zmq.h), the value of HANDSHAKE_FAILED_PROTOCOL.
namespace protocol_error {
constexpr int zmtp_unspecified = 0x10000000;
constexpr int zmtp_unexpected_command = 0x10000001;
constexpr int zmtp_invalid_sequence = 0x10000002;
constexpr int zmtp_key_exchange = 0x10000003;
constexpr int zmtp_malformed_command_unspecified = 0x10000011;
constexpr int zmtp_malformed_command_message = 0x10000012;
constexpr int zmtp_malformed_command_hello = 0x10000013;
constexpr int zmtp_malformed_command_initiate = 0x10000014;
constexpr int zmtp_malformed_command_error = 0x10000015;
constexpr int zmtp_malformed_command_ready = 0x10000016;
constexpr int zmtp_malformed_command_welcome = 0x10000017;
constexpr int zmtp_invalid_metadata = 0x10000018;
constexpr int zmtp_cryptographic = 0x11000001;
constexpr int zmtp_mechanism_mismatch = 0x11000002;
constexpr int zap_unspecified = 0x20000000;
constexpr int zap_malformed_reply = 0x20000001;
constexpr int zap_bad_request_id = 0x20000002;
constexpr int zap_bad_version = 0x20000003;
constexpr int zap_invalid_status_code = 0x20000004;
constexpr int zap_invalid_metadata = 0x20000005;
}  // namespace protocol_error

}  // namespace sculpin::wire
