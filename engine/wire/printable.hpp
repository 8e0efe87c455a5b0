// Peer-supplied bytes quoted in error texts. A hostile or confused peer controls these
// bytes, so they are escaped (and cut short) before they reach a log line or a terminal.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sculpin::wire {

// Printable ASCII kept, anything else as \xNN; at most max_bytes input bytes, then "...".
std::string printable(std::span<const uint8_t> bytes, size_t max_bytes = 64);
std::string printable(std::string_view text, size_t max_bytes = 64);

// "0x47"
std::string hex_byte(uint8_t value);

}  // namespace sculpin::wire
