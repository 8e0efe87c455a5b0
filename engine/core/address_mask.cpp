#include "core/address_mask.hpp"

#include <string>
#include <vector>

namespace sculpin {

namespace {

// The sans-I/O layers may not include the OS's inet_pton; these are its two parsers.
// "a.b.c.d", each part 0..255 in decimal -> 4 bytes.
bool parse_ipv4(std::string_view text, uint8_t* out) {
    int part = 0;
    int value = -1;  // -1: no digit yet in this part
    for (char c : text) {
        if (c == '.') {
            if (value < 0 || part == 3) return false;
            out[part++] = static_cast<uint8_t>(value);
            value = -1;
        } else if (c >= '0' && c <= '9') {
            value = (value < 0 ? 0 : value * 10) + (c - '0');
            if (value > 255) return false;
        } else {
            return false;
        }
    }
    if (value < 0 || part != 3) return false;
    out[3] = static_cast<uint8_t>(value);
    return true;
}

// Colon-separated groups of 1..4 hex digits; the last may be a dotted IPv4 address
// (two groups). Appends 16-bit groups to `groups`.
bool parse_groups(std::string_view text, bool may_end_in_ipv4, std::vector<uint16_t>* groups) {
    if (text.empty()) return true;
    size_t start = 0;
    while (true) {
        const size_t colon = text.find(':', start);
        const std::string_view group = text.substr(
            start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
        if (colon == std::string_view::npos && may_end_in_ipv4 &&
            group.find('.') != std::string_view::npos) {
            uint8_t v4[4];
            if (!parse_ipv4(group, v4)) return false;
            groups->push_back(static_cast<uint16_t>(v4[0] << 8 | v4[1]));
            groups->push_back(static_cast<uint16_t>(v4[2] << 8 | v4[3]));
            return true;
        }
        if (group.empty() || group.size() > 4) return false;
        uint16_t value = 0;
        for (char c : group) {
            int digit = 0;
            if (c >= '0' && c <= '9') {
                digit = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                digit = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                digit = c - 'A' + 10;
            } else {
                return false;
            }
            value = static_cast<uint16_t>(value << 4 | digit);
        }
        groups->push_back(value);
        if (colon == std::string_view::npos) return true;
        start = colon + 1;
    }
}

// RFC 4291 text ("::1", "fe80::/..", "::ffff:1.2.3.4") -> 16 bytes.
bool parse_ipv6(std::string_view text, uint8_t* out) {
    const size_t gap = text.find("::");
    std::vector<uint16_t> head;
    std::vector<uint16_t> tail;
    if (gap == std::string_view::npos) {
        if (!parse_groups(text, true, &head) || head.size() != 8) return false;
    } else {
        if (text.find("::", gap + 1) != std::string_view::npos) return false;
        if (!parse_groups(text.substr(0, gap), false, &head)) return false;
        if (!parse_groups(text.substr(gap + 2), true, &tail)) return false;
        if (head.size() + tail.size() > 7) return false;
    }
    std::vector<uint16_t> groups = head;
    groups.resize(8 - tail.size(), 0);
    groups.insert(groups.end(), tail.begin(), tail.end());
    for (size_t i = 0; i < 8; ++i) {
        out[2 * i] = static_cast<uint8_t>(groups[i] >> 8);
        out[2 * i + 1] = static_cast<uint8_t>(groups[i] & 0xff);
    }
    return true;
}

}  // namespace

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
    const std::string_view address = text.substr(0, slash);
    AddressMask mask;
    if (parse_ipv4(address, mask.bytes.data())) {
        mask.ipv6 = false;
    } else if (parse_ipv6(address, mask.bytes.data())) {
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
