// The socket types, numbered as libzmq numbers them (the C API relies on it), with
// their ZMTP names and the RFC 37 table of which types may talk to each other.
#pragma once

#include <optional>
#include <string_view>

namespace sculpin {

enum class SocketType : int {
    pair = 0,
    pub = 1,
    sub = 2,
    req = 3,
    rep = 4,
    dealer = 5,
    router = 6,
    pull = 7,
    push = 8,
    xpub = 9,
    xsub = 10,
    stream = 11,
};

// "PAIR", "PUB", ... as sent in the READY command's Socket-Type property.
std::string_view zmtp_name(SocketType type);
// Lower-case name as used on the command line ("pair", "pub", ...).
std::string_view cli_name(SocketType type);
std::optional<SocketType> socket_type_from_zmtp_name(std::string_view name);
std::optional<SocketType> socket_type_from_cli_name(std::string_view name);
// RFC 37: may a socket of type `self` accept a peer announcing `peer`?
bool compatible(SocketType self, SocketType peer);

}  // namespace sculpin
