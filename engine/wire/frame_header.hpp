// ZMTP 3.x frame header: one flags byte, then the body size as one byte (short frame)
// or eight big-endian bytes (long frame, flag bit 1).
#pragma once

#include <cstddef>
#include <cstdint>

#include "wire/byte_order.hpp"

namespace sculpin::wire {

constexpr uint8_t kFlagMore = 0x01;
constexpr uint8_t kFlagLong = 0x02;
constexpr uint8_t kFlagCommand = 0x04;
// RFC 23: bits 7-3 are reserved and zero. A set bit means the stream is out of step.
constexpr uint8_t kFlagsReserved = 0xf8;

constexpr size_t kMaxFrameHeaderBytes = 9;
constexpr uint64_t kMaxShortFrameBytes = 255;

// Writes the header for a frame of `size_bytes` into `out` (room for
// kMaxFrameHeaderBytes); `flags` carries MORE and/or COMMAND, LONG is added here when
// the size needs it. Returns the header length.
inline size_t write_frame_header(uint8_t* out, uint8_t flags, uint64_t size_bytes) noexcept {
    if (size_bytes <= kMaxShortFrameBytes) {
        out[0] = flags;
        out[1] = static_cast<uint8_t>(size_bytes);
        return 2;
    }
    out[0] = static_cast<uint8_t>(flags | kFlagLong);
    put_u64_be(out + 1, size_bytes);
    return 9;
}

}  // namespace sculpin::wire
