#include "wire/mechanism.hpp"

#include <cassert>
#include <utility>

#include "wire/curve_mechanism.hpp"
#include "wire/null_mechanism.hpp"
#include "wire/plain_mechanism.hpp"
#include "wire/printable.hpp"

namespace sculpin::wire {

std::string_view mechanism_name(MechanismKind kind) {
    switch (kind) {
        case MechanismKind::null:
            return "NULL";
        case MechanismKind::plain:
            return "PLAIN";
        case MechanismKind::curve:
            return "CURVE";
    }
    return "NULL";
}

Mechanism::Mechanism(SocketType our_type, std::vector<uint8_t> our_properties,
                     std::string routing_id, SecurityConfig security)
    : our_type_(our_type),
      our_properties_(std::move(our_properties)),
      routing_id_(std::move(routing_id)),
      security_(std::move(security)) {}

std::unique_ptr<Mechanism> Mechanism::create(SocketType our_type,
                                             std::vector<uint8_t> our_properties,
                                             std::string routing_id, SecurityConfig security) {
    switch (security.mechanism) {
        case MechanismKind::null:
            return std::make_unique<NullMechanism>(our_type, std::move(our_properties),
                                                   std::move(routing_id), std::move(security));
        case MechanismKind::plain:
            return std::make_unique<PlainMechanism>(our_type, std::move(our_properties),
                                                    std::move(routing_id), std::move(security));
        case MechanismKind::curve:
            return std::make_unique<CurveMechanism>(our_type, std::move(our_properties),
                                                    std::move(routing_id), std::move(security));
    }
    return nullptr;
}

void Mechanism::encrypt_frame(uint8_t, std::span<const uint8_t>, std::vector<uint8_t>&) {
    assert(false && "encrypt_frame() on a mechanism that does not encrypt");
}

bool Mechanism::decrypt_frame(std::span<const uint8_t>, uint8_t&, std::vector<uint8_t>&,
                              HandshakeFailure& failure, std::string& error) {
    assert(false && "decrypt_frame() on a mechanism that does not encrypt");
    failure = {FailureKind::protocol, protocol_error::zmtp_unspecified};
    error = "this mechanism does not decrypt";
    return false;
}

void Mechanism::fail(FailureKind kind, int code, std::string reason) {
    if (status_ == Status::failed) return;  // the first reason is the one that counts
    status_ = Status::failed;
    failure_ = {kind, code};
    error_ = std::move(reason);
    zap_request_.reset();
}

void Mechanism::refuse(std::vector<uint8_t>& out, FailureKind kind, int code, std::string reason) {
    append_error(out, reason);
    fail(kind, code, std::move(reason));
}

bool Mechanism::accept_peer_metadata(std::span<const uint8_t> data, std::string_view command,
                                     int malformed_code, std::vector<uint8_t>& out) {
    std::map<std::string, std::string> properties;
    std::string error;
    if (!parse_properties(data, properties, error)) {
        refuse(out, FailureKind::protocol, malformed_code,
               "malformed " + std::string(command) + ": " + error);
        return false;
    }
    const std::string* type_name = find_property(properties, "Socket-Type");
    if (type_name == nullptr) {
        refuse(out, FailureKind::protocol, protocol_error::zmtp_invalid_metadata,
               "peer's " + std::string(command) + " has no Socket-Type property");
        return false;
    }
    const auto type = socket_type_from_zmtp_name(*type_name);
    if (!type) {
        refuse(out, FailureKind::protocol, protocol_error::zmtp_invalid_metadata,
               "peer announced unknown socket type \"" + printable(*type_name) + "\"");
        return false;
    }
    if (!compatible(our_type_, *type)) {
        refuse(out, FailureKind::protocol, protocol_error::zmtp_invalid_metadata,
               "socket type mismatch: " + std::string(zmtp_name(our_type_)) +
                   " cannot connect to " + std::string(zmtp_name(*type)));
        return false;
    }
    peer_type_ = *type;
    // The handler's verdict may have come first: its properties stay, the peer's own
    // metadata is added (the peer cannot override what the handler said).
    for (auto& [key, value] : properties) peer_properties_.emplace(key, std::move(value));
    return true;
}

void Mechanism::ask_zap(std::string mechanism, std::vector<std::string> credentials) {
    assert(!zap_request_ && "one ZAP request per handshake");
    zap_request_ =
        ZapRequest{security_.zap_domain, routing_id_, std::move(mechanism), std::move(credentials)};
}

void Mechanism::on_zap_reply(const Message& reply, std::vector<uint8_t>& out) {
    if (status_ == Status::failed) return;
    assert(zap_request_ && "a ZAP reply without a request");
    zap_request_.reset();
    HandshakeFailure failure;
    std::string error;
    const auto parsed = parse_zap_reply(reply, failure, error);
    if (!parsed) {
        // A broken handler is our problem, not the peer's: no ERROR goes out (libzmq).
        fail(failure.kind, failure.code, std::move(error));
        return;
    }
    if (parsed->status_code == "200") {
        if (!parsed->user_id.empty()) peer_properties_["User-Id"] = parsed->user_id;
        for (const auto& [key, value] : parsed->metadata) peer_properties_[key] = value;
    }
    on_zap_verdict(*parsed, out);
}

void Mechanism::fail_on_zap_status(const ZapReply& reply, std::vector<uint8_t>& out) {
    assert(reply.status_code != "200");
    const int status = std::stoi(reply.status_code);
    std::string reason =
        "ZAP handler refused the peer: " + reply.status_code + " " + printable(reply.status_text);
    if (status == 300) {
        fail(FailureKind::auth, status, std::move(reason));
        return;
    }
    append_error(out, reply.status_code);
    fail(FailureKind::auth, status, std::move(reason));
}

}  // namespace sculpin::wire
