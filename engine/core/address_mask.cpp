#include "core/address_mask.hpp"

#include <arpa/inet.h>

#include <string>

namespace sculpin {

bool AddressMask::matches(bool address_ipv6, const uint8_t* address) const noexcept {
    if (address_ipv6 != ipv6) return false;
    int bits_left = prefix_bits;
    for (size_t i = 0; bits_left > 0; ++i, bits_left -= 8) {
        const uint8_t mask = bits_left >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits_left));
        if ((address[i] & mask) != (bytes[i] & mask)) return false;
    }
    return true;
}

std::optional<AddressMask> parse_address_mask(std::string_view text) {
    const size_t slash = text.find('/');
    const std::string address(text.substr(0, slash));
    AddressMask mask;
    if (inet_pton(AF_INET, address.c_str(), mask.bytes.data()) == 1) {
        mask.ipv6 = false;
    } else if (inet_pton(AF_INET6, address.c_str(), mask.bytes.data()) == 1) {
        mask.ipv6 = true;
    } else {
        return std::nullopt;
    }
    const int max_bits = mask.ipv6 ? 128 : 32;
    mask.prefix_bits = max_bits;
    if (slash == std::string_view::npos) return mask;
    const std::string_view bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 3) return std::nullopt;
    int value = 0;
    for (char c : bits) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    if (value > max_bits) return std::nullopt;
    mask.prefix_bits = value;
    return mask;
}

}  // namespace sculpin
