// X25519 (RFC 7748): Diffie-Hellman on Curve25519, the key agreement under CurveZMQ.
// Written from the RFC: field arithmetic modulo 2^255 - 19 in five 51-bit limbs, the
// Montgomery ladder with a constant-time conditional swap, the scalar clamped as section 5
// says. No branch and no memory index depends on a secret.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace sculpin::crypto {

constexpr size_t kX25519KeyBytes = 32;
using X25519Key = std::array<uint8_t, kX25519KeyBytes>;

// scalar * u (both little-endian, as the RFC encodes them). The scalar is clamped here.
X25519Key x25519(const X25519Key& scalar, const X25519Key& u_coordinate);

// scalar * 9, the public key of a secret key.
X25519Key x25519_base(const X25519Key& scalar);

}  // namespace sculpin::crypto
