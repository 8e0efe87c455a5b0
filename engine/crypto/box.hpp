// NaCl's crypto_box and crypto_secretbox, as CurveZMQ (RFC 26) uses them:
//
//   box_key(their_public, our_secret) = HSalsa20(X25519(our_secret, their_public), 0^16)
//                                       (NaCl's crypto_box_beforenm)
//   seal(key, nonce, plaintext)       = tag (16) || ciphertext, where the XSalsa20 keystream's
//                                       first 32 bytes are the Poly1305 key and the rest
//                                       encrypts the plaintext; the tag authenticates the
//                                       ciphertext. This is the NaCl box with its 16 leading
//                                       zero bytes left off, which is what goes on the wire.
//   open(key, nonce, boxed)           = the plaintext, or nothing if the tag is wrong.
//
// A secretbox (CurveZMQ's cookie) is the same seal/open with a symmetric key.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "crypto/poly1305.hpp"
#include "crypto/salsa20.hpp"
#include "crypto/x25519.hpp"

namespace sculpin::crypto {

constexpr size_t kBoxOverheadBytes = kPoly1305TagBytes;
using BoxKey = SalsaKey;
using BoxNonce = std::array<uint8_t, kXSalsaNonceBytes>;

// The precomputed key shared by `our_secret` and the owner of `their_public`.
BoxKey box_key(const X25519Key& their_public, const X25519Key& our_secret);

// Appends tag || ciphertext (plaintext.size() + 16 bytes) to `out`.
void seal(const BoxKey& key, const BoxNonce& nonce, std::span<const uint8_t> plaintext,
          std::vector<uint8_t>& out);

// The plaintext of tag || ciphertext, or nullopt when it is too short or fails to verify.
std::optional<std::vector<uint8_t>> open(const BoxKey& key, const BoxNonce& nonce,
                                         std::span<const uint8_t> boxed);

}  // namespace sculpin::crypto
