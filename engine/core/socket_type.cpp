#include "core/socket_type.hpp"

#include <array>

namespace sculpin {

namespace {
struct TypeNames {
    SocketType type;
    std::string_view zmtp;
    std::string_view cli;
};
constexpr std::array<TypeNames, 12> kNames{{
    {SocketType::pair, "PAIR", "pair"},
    {SocketType::pub, "PUB", "pub"},
    {SocketType::sub, "SUB", "sub"},
    {SocketType::req, "REQ", "req"},
    {SocketType::rep, "REP", "rep"},
    {SocketType::dealer, "DEALER", "dealer"},
    {SocketType::router, "ROUTER", "router"},
    {SocketType::pull, "PULL", "pull"},
    {SocketType::push, "PUSH", "push"},
    {SocketType::xpub, "XPUB", "xpub"},
    {SocketType::xsub, "XSUB", "xsub"},
    {SocketType::stream, "STREAM", "stream"},
}};
}  // namespace

std::string_view zmtp_name(SocketType type) {
    return kNames[static_cast<int>(type)].zmtp;
}
std::string_view cli_name(SocketType type) {
    return kNames[static_cast<int>(type)].cli;
}

std::optional<SocketType> socket_type_from_zmtp_name(std::string_view name) {
    for (const auto& entry : kNames)
        if (entry.zmtp == name) return entry.type;
    return std::nullopt;
}

std::optional<SocketType> socket_type_from_cli_name(std::string_view name) {
    for (const auto& entry : kNames)
        if (entry.cli == name) return entry.type;
    return std::nullopt;
}

bool compatible(SocketType self, SocketType peer) {
    using T = SocketType;
    switch (self) {
        case T::pair:
            return peer == T::pair;
        case T::pub:
        case T::xpub:
            return peer == T::sub || peer == T::xsub;
        case T::sub:
        case T::xsub:
            return peer == T::pub || peer == T::xpub;
        case T::req:
            return peer == T::rep || peer == T::router;
        case T::rep:
            return peer == T::req || peer == T::dealer;
        case T::dealer:
            return peer == T::rep || peer == T::dealer || peer == T::router;
        case T::router:
            return peer == T::req || peer == T::dealer || peer == T::router;
        case T::pull:
            return peer == T::push;
        case T::push:
            return peer == T::pull;
        case T::stream:
            return false;
    }
    return false;
}

}  // namespace sculpin
