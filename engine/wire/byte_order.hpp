// Network byte order (big-endian) reads and writes for ZMTP length fields. Written
// byte by byte so the result does not depend on the host's endianness or alignment.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sculpin::wire {

inline void put_u16_be(uint8_t* out, uint16_t value) noexcept {
    out[0] = static_cast<uint8_t>(value >> 8);
    out[1] = static_cast<uint8_t>(value);
}

inline void put_u32_be(uint8_t* out, uint32_t value) noexcept {
    for (size_t i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(value >> (8 * (3 - i)));
}

inline void put_u64_be(uint8_t* out, uint64_t value) noexcept {
    for (size_t i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(value >> (8 * (7 - i)));
}

inline uint16_t get_u16_be(const uint8_t* in) noexcept {
    return static_cast<uint16_t>((static_cast<uint16_t>(in[0]) << 8) | in[1]);
}

inline uint32_t get_u32_be(const uint8_t* in) noexcept {
    uint32_t value = 0;
    for (size_t i = 0; i < 4; ++i) value = (value << 8) | in[i];
    return value;
}

inline uint64_t get_u64_be(const uint8_t* in) noexcept {
    uint64_t value = 0;
    for (size_t i = 0; i < 8; ++i) value = (value << 8) | in[i];
    return value;
}

}  // namespace sculpin::wire
