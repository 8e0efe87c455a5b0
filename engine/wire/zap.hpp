// ZAP, the ZeroMQ Authentication Protocol (RFC 27): what a server-side mechanism asks
// the application's handler (a REP socket bound at inproc://zeromq.zap.01) about a peer,
// and the handler's verdict. Both travel as multipart messages over an inproc pipe that
// the runtime owns; this file only builds and judges them, so the codec stays sans-I/O.
//
// Request frames: "" (delimiter), "1.0", request id, domain, address, identity,
// mechanism, credentials... Reply frames: "" (delimiter), "1.0", request id, status code
// ("200", "300", "400" or "500"), status text, user id, metadata (READY's property
// encoding).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/message.hpp"
#include "wire/handshake_failure.hpp"

namespace sculpin::wire {

// The handler's well-known inproc name (without "inproc://").
constexpr std::string_view kZapHandlerName = "zeromq.zap.01";
constexpr std::string_view kZapVersion = "1.0";
// One request per connection at a time, so one id is enough (libzmq uses "1" too).
constexpr std::string_view kZapRequestId = "1";

struct ZapRequest {
    std::string domain;                    // ZMQ_ZAP_DOMAIN of the server socket
    std::string identity;                  // the server socket's own routing id, as libzmq sends it
    std::string mechanism;                 // "NULL", "PLAIN"
    std::vector<std::string> credentials;  // PLAIN: username, password
};

struct ZapReply {
    std::string status_code;  // "200", "300", "400" or "500"
    std::string status_text;
    std::string user_id;
    std::map<std::string, std::string> metadata;
};

// The request as the handler receives it; `address` is the peer's IP address.
Message encode_zap_request(const ZapRequest& request, std::string_view address);

// Judges a reply. nullopt = malformed: `failure` holds libzmq's protocol error code for
// it (ZAP_MALFORMED_REPLY, ZAP_BAD_VERSION, ...) and `error` says what was wrong.
std::optional<ZapReply> parse_zap_reply(const Message& reply, HandshakeFailure& failure,
                                        std::string& error);

}  // namespace sculpin::wire
