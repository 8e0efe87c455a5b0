// The socket options that choose a connection's security mechanism, as the codec wants
// them. Shared by both runtimes, so a socket handshakes the same way in each; each
// runtime adds its own random source (security.random) for CURVE.
#pragma once

#include "core/options.hpp"
#include "wire/mechanism.hpp"

namespace sculpin {

inline wire::SecurityConfig security_config(const SocketOptions& options) {
    wire::SecurityConfig security;
    switch (options.mechanism) {
        case security_mechanism::plain:
            security.mechanism = wire::MechanismKind::plain;
            break;
        case security_mechanism::curve:
            security.mechanism = wire::MechanismKind::curve;
            break;
        default:
            security.mechanism = wire::MechanismKind::null;
            break;
    }
    security.as_server = options.as_server;
    security.plain_username = options.plain_username;
    security.plain_password = options.plain_password;
    security.curve_public_key = options.curve_public_key;
    security.curve_secret_key = options.curve_secret_key;
    security.curve_server_key = options.curve_server_key;
    security.zap_domain = options.zap_domain;
    return security;
}

}  // namespace sculpin
