#include "crypto/poly1305.hpp"

namespace sculpin::crypto {

namespace {

constexpr uint64_t kLimbMask = (uint64_t{1} << 26) - 1;

uint32_t load_u32_le(const uint8_t* in) {
    return static_cast<uint32_t>(in[0]) | (static_cast<uint32_t>(in[1]) << 8) |
           (static_cast<uint32_t>(in[2]) << 16) | (static_cast<uint32_t>(in[3]) << 24);
}

// A 16-byte little-endian number (plus `high_bit` at bit 128) in five 26-bit limbs.
// Limb i starts at bit 26 i: byte 0, byte 3 bit 2, byte 6 bit 4, byte 9 bit 6, byte 13.
void load_limbs(const uint8_t block[16], uint64_t high_bit, uint64_t limbs[5]) {
    limbs[0] = load_u32_le(&block[0]) & kLimbMask;
    limbs[1] = (load_u32_le(&block[3]) >> 2) & kLimbMask;
    limbs[2] = (load_u32_le(&block[6]) >> 4) & kLimbMask;
    limbs[3] = (load_u32_le(&block[9]) >> 6) & kLimbMask;
    limbs[4] = (load_u32_le(&block[12]) >> 8) | (high_bit << 24);
}

}  // namespace

Poly1305Tag poly1305(std::span<const uint8_t, kPoly1305KeyBytes> one_time_key,
                     std::span<const uint8_t> message) {
    // r is the first half of the key, clamped (RFC 8439 2.5.1): the top four bits of bytes
    // 3, 7, 11, 15 and the bottom two bits of bytes 4, 8, 12 are cleared.
    uint8_t r_bytes[16];
    for (int i = 0; i < 16; ++i) r_bytes[i] = one_time_key[i];
    for (int i : {3, 7, 11, 15}) r_bytes[i] &= 15;
    for (int i : {4, 8, 12}) r_bytes[i] &= 252;
    uint64_t r[5];
    load_limbs(r_bytes, 0, r);
    // 2^130 = 5 (mod p): a product term of weight 2^(26 (i + j)), i + j >= 5, is folded
    // down with r_j * 5.
    uint64_t r5[5];
    for (int i = 0; i < 5; ++i) r5[i] = r[i] * 5;

    uint64_t h[5] = {0, 0, 0, 0, 0};
    for (size_t offset = 0; offset < message.size(); offset += 16) {
        uint8_t block[16] = {};
        uint64_t high_bit = 1;
        const size_t remaining = message.size() - offset;
        if (remaining >= 16) {
            for (int i = 0; i < 16; ++i) block[i] = message[offset + i];
        } else {
            // A short last block gets a 0x01 byte after its data, and no 2^128 bit.
            for (size_t i = 0; i < remaining; ++i) block[i] = message[offset + i];
            block[remaining] = 1;
            high_bit = 0;
        }
        uint64_t m[5];
        load_limbs(block, high_bit, m);
        for (int i = 0; i < 5; ++i) h[i] += m[i];

        uint64_t d[5];
        for (int i = 0; i < 5; ++i) {
            d[i] = 0;
            for (int j = 0; j < 5; ++j) {
                const int k = i - j;
                d[i] += h[j] * (k >= 0 ? r[k] : r5[k + 5]);
            }
        }
        uint64_t carry = 0;
        for (int i = 0; i < 5; ++i) {
            d[i] += carry;
            h[i] = d[i] & kLimbMask;
            carry = d[i] >> 26;
        }
        h[0] += carry * 5;
        h[1] += h[0] >> 26;
        h[0] &= kLimbMask;
    }

    // Full carry, then h - p = h + 5 - 2^130; keep it when it does not go negative.
    for (int i = 1; i < 5; ++i) {
        h[i] += h[i - 1] >> 26;
        h[i - 1] &= kLimbMask;
    }
    h[0] += (h[4] >> 26) * 5;
    h[4] &= kLimbMask;
    h[1] += h[0] >> 26;
    h[0] &= kLimbMask;
    uint64_t g[5];
    uint64_t carry = 5;
    for (int i = 0; i < 5; ++i) {
        g[i] = h[i] + carry;
        carry = g[i] >> 26;
        g[i] &= kLimbMask;
    }
    // carry is 1 exactly when h + 5 reached 2^130, i.e. h >= p.
    const uint64_t use_g = 0 - carry;
    for (int i = 0; i < 5; ++i) h[i] = (h[i] & ~use_g) | (g[i] & use_g);

    // h mod 2^128 as four words, plus s.
    const uint32_t words[4] = {
        static_cast<uint32_t>(h[0] | (h[1] << 26)),
        static_cast<uint32_t>((h[1] >> 6) | (h[2] << 20)),
        static_cast<uint32_t>((h[2] >> 12) | (h[3] << 14)),
        static_cast<uint32_t>((h[3] >> 18) | (h[4] << 8)),
    };
    Poly1305Tag tag;
    uint64_t sum = 0;
    for (int i = 0; i < 4; ++i) {
        sum += static_cast<uint64_t>(words[i]) + load_u32_le(&one_time_key[16 + 4 * i]);
        for (int b = 0; b < 4; ++b) tag[4 * i + b] = static_cast<uint8_t>(sum >> (8 * b));
        sum >>= 32;
    }
    return tag;
}

bool tags_equal(const Poly1305Tag& a, const Poly1305Tag& b) {
    uint8_t difference = 0;
    for (size_t i = 0; i < a.size(); ++i) difference |= static_cast<uint8_t>(a[i] ^ b[i]);
    return difference == 0;
}

}  // namespace sculpin::crypto
