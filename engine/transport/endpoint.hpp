// Endpoint strings: "tcp://host:port", "tcp://*:port", "tcp://127.0.0.1:*",
// "ipc:///path", "ipc://@abstract", "inproc://name", and for connecting
// "tcp://source:port;host:port" (the outgoing socket is bound to the source first; the
// source may be an interface name, its port 0 or "*"). Parsing only, no I/O.
#pragma once

#include <optional>
#include <string>

namespace sculpin {

enum class Transport { tcp, ipc, inproc };

struct Endpoint {
    Transport transport = Transport::tcp;
    std::string host;   // tcp: host name or address ("*" = any interface); [] stripped for IPv6
    int port = 0;       // tcp: 0 = let the kernel choose ("*" in the string)
    std::string path;   // ipc: file path, or "@name" for the abstract namespace; inproc: name
    bool ipv6 = false;  // tcp host was written as [addr]
    // tcp connect: where to bind the outgoing socket; empty = let the kernel choose.
    std::string source_host;  // address or interface name; [] stripped
    int source_port = 0;      // 0 = any
    bool source_ipv6 = false;

    bool has_source() const noexcept { return !source_host.empty(); }

    std::string to_string() const;
};

// nullopt with `error` set to what is wrong, e.g. "unknown transport 'udp'".
std::optional<Endpoint> parse_endpoint(const std::string& text, std::string* error);

}  // namespace sculpin
