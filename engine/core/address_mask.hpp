// An IP address with a prefix length ("192.168.1.0/24", "::1/128", "10.0.0.7"): the
// entries of ZMQ_TCP_ACCEPT_FILTER. Parsing and matching only, no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sculpin {

struct AddressMask {
    bool ipv6 = false;
    std::array<uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4
    int prefix_bits = 0;              // 0..32 (IPv4) or 0..128 (IPv6)

    // Does `address` (4 or 16 bytes, network order, of the same family) fall inside?
    bool matches(bool address_ipv6, const uint8_t* address) const noexcept;
};

// nullopt for anything but an address optionally followed by "/bits" in range
// (no host names: "foo", "0.0.0.0/", "0.0.0.0/33" are refused, as libzmq does).
std::optional<AddressMask> parse_address_mask(std::string_view text);

}  // namespace sculpin
