// The socket options that choose a connection's security mechanism, as the codec wants
// them. Shared by both runtimes, so a socket handshakes the same way in each.
#pragma once

#include "core/options.hpp"
#include "wire/mechanism.hpp"

namespace sculpin {

inline wire::SecurityConfig security_config(const SocketOptions& options) {
    wire::SecurityConfig security;
    security.mechanism = options.mechanism == security_mechanism::plain ? wire::MechanismKind::plain
                                                                        : wire::MechanismKind::null;
    security.as_server = options.as_server;
    security.plain_username = options.plain_username;
    security.plain_password = options.plain_password;
    security.zap_domain = options.zap_domain;
    return security;
}

}  // namespace sculpin
