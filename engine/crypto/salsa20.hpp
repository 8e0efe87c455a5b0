// The Salsa20 family (D. J. Bernstein, "Salsa20 specification" and "Extending the Salsa20
// nonce"): Salsa20/20 with a 32-byte key, HSalsa20 (key derivation from a key and a 16-byte
// input) and XSalsa20 (a 24-byte nonce). Only additions, xors and fixed rotations: the
// stream cipher is constant-time by construction.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace sculpin::crypto {

constexpr size_t kSalsaKeyBytes = 32;
constexpr size_t kXSalsaNonceBytes = 24;
using SalsaKey = std::array<uint8_t, kSalsaKeyBytes>;

// HSalsa20(key, input): the 32-byte output (words 0, 5, 10, 15, 6, 7, 8, 9 of the
// permuted state, without the final addition).
SalsaKey hsalsa20(const SalsaKey& key, std::span<const uint8_t, 16> input);

// XORs `data` in place with the XSalsa20 keystream for (key, nonce), starting at keystream
// byte `skip_bytes` (a multiple of 64 is not required).
void xsalsa20_xor(const SalsaKey& key, std::span<const uint8_t, kXSalsaNonceBytes> nonce,
                  uint64_t skip_bytes, std::span<uint8_t> data);

// XORs `data` in place with the Salsa20 keystream for (key, 8-byte nonce), from block
// `first_block` on.
void salsa20_xor(const SalsaKey& key, std::span<const uint8_t, 8> nonce, uint64_t first_block,
                 std::span<uint8_t> data);

}  // namespace sculpin::crypto
