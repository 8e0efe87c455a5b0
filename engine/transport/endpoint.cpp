#include "transport/endpoint.hpp"

#include <charconv>

namespace sculpin {

std::string Endpoint::to_string() const {
    switch (transport) {
        case Transport::tcp:
            return "tcp://" + (ipv6 ? "[" + host + "]" : host) + ":" +
                   (port == 0 ? std::string("*") : std::to_string(port));
        case Transport::ipc:
            return "ipc://" + path;
        case Transport::inproc:
            return "inproc://" + path;
    }
    return {};
}

std::optional<Endpoint> parse_endpoint(const std::string& text, std::string* error) {
    auto fail = [&](std::string why) -> std::optional<Endpoint> {
        if (error != nullptr) *error = "bad endpoint '" + text + "': " + std::move(why);
        return std::nullopt;
    };
    const size_t scheme_end = text.find("://");
    if (scheme_end == std::string::npos) return fail("expected transport://address");
    const std::string scheme = text.substr(0, scheme_end);
    const std::string rest = text.substr(scheme_end + 3);
    Endpoint ep;
    if (scheme == "inproc" || scheme == "ipc") {
        if (rest.empty()) return fail("empty " + scheme + " name");
        if (rest == "@") return fail("empty abstract ipc name");
        ep.transport = scheme == "inproc" ? Transport::inproc : Transport::ipc;
        ep.path = rest;
        return ep;
    }
    if (scheme != "tcp") return fail("unknown transport '" + scheme + "' (tcp, ipc, inproc)");
    ep.transport = Transport::tcp;
    const size_t colon = rest.rfind(':');
    if (colon == std::string::npos) return fail("expected host:port");
    std::string host = rest.substr(0, colon);
    const std::string port = rest.substr(colon + 1);
    // "tcp://iface;peer:port" source addresses are not supported.
    if (host.find(';') != std::string::npos) return fail("source addresses are not supported");
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
        ep.ipv6 = true;
    }
    if (host.empty()) return fail("empty host");
    if (host.find_first_of(" \t") != std::string::npos) return fail("blank in host name");
    ep.host = host;
    if (port == "*" || port == "0") {
        ep.port = 0;
    } else {
        int value = 0;
        auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || ptr != port.data() + port.size() || value < 1 || value > 65535)
            return fail("port '" + port + "' is not a number in 1..65535 or '*'");
        ep.port = value;
    }
    return ep;
}

}  // namespace sculpin
