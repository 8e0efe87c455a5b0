#include "transport/endpoint.hpp"

#include <charconv>

namespace sculpin {

namespace {

std::string host_and_port(const std::string& host, bool ipv6, int port) {
    return (ipv6 ? "[" + host + "]" : host) + ":" +
           (port == 0 ? std::string("*") : std::to_string(port));
}

// "host:port" with host possibly "[v6]": false with `why` set when malformed.
bool parse_host_port(const std::string& text, std::string* host, int* port, bool* ipv6,
                     std::string* why) {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
        *why = "expected host:port";
        return false;
    }
    std::string name = text.substr(0, colon);
    const std::string port_text = text.substr(colon + 1);
    *ipv6 = false;
    if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
        name = name.substr(1, name.size() - 2);
        *ipv6 = true;
    }
    if (name.empty()) {
        *why = "empty host";
        return false;
    }
    if (name.find_first_of(" \t") != std::string::npos) {
        *why = "blank in host name";
        return false;
    }
    *host = name;
    if (port_text == "*" || port_text == "0") {
        *port = 0;
        return true;
    }
    int value = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || value < 1 ||
        value > 65535) {
        *why = "port '" + port_text + "' is not a number in 1..65535 or '*'";
        return false;
    }
    *port = value;
    return true;
}

}  // namespace

std::string Endpoint::to_string() const {
    switch (transport) {
        case Transport::tcp:
            return "tcp://" +
                   (has_source() ? host_and_port(source_host, source_ipv6, source_port) + ";"
                                 : std::string()) +
                   host_and_port(host, ipv6, port);
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
    std::string why;
    std::string destination = rest;
    const size_t semicolon = rest.find(';');
    if (semicolon != std::string::npos) {
        destination = rest.substr(semicolon + 1);
        if (!parse_host_port(rest.substr(0, semicolon), &ep.source_host, &ep.source_port,
                             &ep.source_ipv6, &why))
            return fail("source: " + why);
    }
    if (!parse_host_port(destination, &ep.host, &ep.port, &ep.ipv6, &why)) return fail(why);
    return ep;
}

}  // namespace sculpin
