// Poly1305 (RFC 8439 section 2.5), the one-time authenticator of NaCl's secretbox: a
// polynomial in the message blocks evaluated at the clamped r, modulo 2^130 - 5, plus s.
// Arithmetic in five 26-bit limbs; the final reduction selects with a mask, not a branch.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace sculpin::crypto {

constexpr size_t kPoly1305KeyBytes = 32;
constexpr size_t kPoly1305TagBytes = 16;
using Poly1305Tag = std::array<uint8_t, kPoly1305TagBytes>;

Poly1305Tag poly1305(std::span<const uint8_t, kPoly1305KeyBytes> one_time_key,
                     std::span<const uint8_t> message);

// Compares two tags in time that does not depend on where they differ.
bool tags_equal(const Poly1305Tag& a, const Poly1305Tag& b);

}  // namespace sculpin::crypto
