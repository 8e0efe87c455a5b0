#include "crypto/box.hpp"

namespace sculpin::crypto {

namespace {

// The first 32 bytes of the XSalsa20 keystream for (key, nonce): Poly1305's one-time key.
std::array<uint8_t, kPoly1305KeyBytes> one_time_key(const BoxKey& key, const BoxNonce& nonce) {
    std::array<uint8_t, kPoly1305KeyBytes> otk{};
    xsalsa20_xor(key, nonce, 0, otk);
    return otk;
}

}  // namespace

BoxKey box_key(const X25519Key& their_public, const X25519Key& our_secret) {
    const X25519Key shared = x25519(our_secret, their_public);
    const std::array<uint8_t, 16> zeros{};
    return hsalsa20(shared, zeros);
}

void seal(const BoxKey& key, const BoxNonce& nonce, std::span<const uint8_t> plaintext,
          std::vector<uint8_t>& out) {
    const auto otk = one_time_key(key, nonce);
    const size_t tag_at = out.size();
    out.resize(tag_at + kBoxOverheadBytes);
    out.insert(out.end(), plaintext.begin(), plaintext.end());
    const std::span<uint8_t> ciphertext(out.data() + tag_at + kBoxOverheadBytes, plaintext.size());
    xsalsa20_xor(key, nonce, kPoly1305KeyBytes, ciphertext);
    const Poly1305Tag tag = poly1305(otk, ciphertext);
    for (size_t i = 0; i < tag.size(); ++i) out[tag_at + i] = tag[i];
}

std::optional<std::vector<uint8_t>> open(const BoxKey& key, const BoxNonce& nonce,
                                         std::span<const uint8_t> boxed) {
    if (boxed.size() < kBoxOverheadBytes) return std::nullopt;
    const auto otk = one_time_key(key, nonce);
    const std::span<const uint8_t> ciphertext = boxed.subspan(kBoxOverheadBytes);
    Poly1305Tag received;
    for (size_t i = 0; i < received.size(); ++i) received[i] = boxed[i];
    if (!tags_equal(poly1305(otk, ciphertext), received)) return std::nullopt;
    std::vector<uint8_t> plaintext(ciphertext.begin(), ciphertext.end());
    xsalsa20_xor(key, nonce, kPoly1305KeyBytes, plaintext);
    return plaintext;
}

}  // namespace sculpin::crypto
