#include "wire/printable.hpp"

namespace sculpin::wire {

namespace {
constexpr char kHexDigits[] = "0123456789abcdef";
}

std::string printable(std::span<const uint8_t> bytes, size_t max_bytes) {
    std::string out;
    const size_t shown = bytes.size() < max_bytes ? bytes.size() : max_bytes;
    out.reserve(shown);
    for (size_t i = 0; i < shown; ++i) {
        const uint8_t c = bytes[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += kHexDigits[c >> 4];
            out += kHexDigits[c & 0xf];
        }
    }
    if (shown < bytes.size()) out += "...";
    return out;
}

std::string printable(std::string_view text, size_t max_bytes) {
    return printable(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()),
        max_bytes);
}

std::string hex_byte(uint8_t value) {
    std::string out = "0x";
    out += kHexDigits[value >> 4];
    out += kHexDigits[value & 0xf];
    return out;
}

}  // namespace sculpin::wire
