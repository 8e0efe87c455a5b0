#include "crypto/x25519.hpp"

namespace sculpin::crypto {

namespace {

using u128 = unsigned __int128;

// An element of GF(2^255 - 19) as sum(limb[i] * 2^(51 i)). Between operations every limb
// stays below 2^52, which keeps the 128-bit products of fe_mul far from overflow.
struct FieldElement {
    uint64_t limb[5];
};

constexpr uint64_t kLimbMask = (uint64_t{1} << 51) - 1;

// Brings every limb below 2^51 (plus a small carry into limb 0); the 2^255 overflow
// wraps to limb 0 multiplied by 19 because 2^255 = 19 (mod p).
void carry(FieldElement& f) {
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 4; ++i) {
            f.limb[i + 1] += f.limb[i] >> 51;
            f.limb[i] &= kLimbMask;
        }
        f.limb[0] += 19 * (f.limb[4] >> 51);
        f.limb[4] &= kLimbMask;
    }
}

FieldElement fe_add(const FieldElement& a, const FieldElement& b) {
    FieldElement out;
    for (int i = 0; i < 5; ++i) out.limb[i] = a.limb[i] + b.limb[i];
    carry(out);
    return out;
}

// a - b computed as (a + 4p) - b so that no limb goes negative for limbs below 2^53.
FieldElement fe_sub(const FieldElement& a, const FieldElement& b) {
    constexpr uint64_t four_p_low = 4 * ((uint64_t{1} << 51) - 19);
    constexpr uint64_t four_p_high = 4 * ((uint64_t{1} << 51) - 1);
    FieldElement out;
    out.limb[0] = a.limb[0] + four_p_low - b.limb[0];
    for (int i = 1; i < 5; ++i) out.limb[i] = a.limb[i] + four_p_high - b.limb[i];
    carry(out);
    return out;
}

FieldElement fe_mul(const FieldElement& a, const FieldElement& b) {
    // Schoolbook product; a term of weight 2^(51 (i + j)) with i + j >= 5 wraps to
    // weight 2^(51 (i + j - 5)) times 19.
    u128 product[5] = {};
    for (int i = 0; i < 5; ++i) {
        for (int j = 0; j < 5; ++j) {
            const u128 term = static_cast<u128>(a.limb[i]) * b.limb[j];
            if (i + j < 5) {
                product[i + j] += term;
            } else {
                product[i + j - 5] += term * 19;
            }
        }
    }
    FieldElement out;
    u128 carry_in = 0;
    for (int i = 0; i < 5; ++i) {
        product[i] += carry_in;
        out.limb[i] = static_cast<uint64_t>(product[i]) & kLimbMask;
        carry_in = product[i] >> 51;
    }
    // The top carry (below 2^60) wraps to limb 0 times 19, computed in 128 bits.
    const u128 wrapped = static_cast<u128>(out.limb[0]) + carry_in * 19;
    out.limb[0] = static_cast<uint64_t>(wrapped) & kLimbMask;
    out.limb[1] += static_cast<uint64_t>(wrapped >> 51);
    carry(out);
    return out;
}

FieldElement fe_square(const FieldElement& a) {
    return fe_mul(a, a);
}

// a^(p - 2) = a^-1 (Fermat). The exponent is public, so walking its bits is fine.
FieldElement fe_invert(const FieldElement& a) {
    // p - 2 = 2^255 - 21: bits 254..5 are 1, bits 4..0 are 01011.
    FieldElement result{{1, 0, 0, 0, 0}};
    for (int bit = 254; bit >= 0; --bit) {
        result = fe_square(result);
        const bool set = bit >= 5 || ((0x0B >> bit) & 1) != 0;
        if (set) result = fe_mul(result, a);
    }
    return result;
}

// Swaps a and b when `swap` is 1, without a branch on it.
void fe_conditional_swap(FieldElement& a, FieldElement& b, uint64_t swap) {
    const uint64_t mask = 0 - swap;
    for (int i = 0; i < 5; ++i) {
        const uint64_t difference = mask & (a.limb[i] ^ b.limb[i]);
        a.limb[i] ^= difference;
        b.limb[i] ^= difference;
    }
}

uint64_t load_u64_le(const uint8_t* in) {
    uint64_t value = 0;
    for (int i = 7; i >= 0; --i) value = (value << 8) | in[i];
    return value;
}

FieldElement fe_from_bytes(const X25519Key& bytes) {
    // RFC 7748 section 5: the most significant bit of the u-coordinate is ignored.
    const uint64_t w0 = load_u64_le(&bytes[0]);
    const uint64_t w1 = load_u64_le(&bytes[8]);
    const uint64_t w2 = load_u64_le(&bytes[16]);
    const uint64_t w3 = load_u64_le(&bytes[24]) & ~(uint64_t{1} << 63);
    FieldElement f;
    f.limb[0] = w0 & kLimbMask;
    f.limb[1] = ((w0 >> 51) | (w1 << 13)) & kLimbMask;
    f.limb[2] = ((w1 >> 38) | (w2 << 26)) & kLimbMask;
    f.limb[3] = ((w2 >> 25) | (w3 << 39)) & kLimbMask;
    f.limb[4] = (w3 >> 12) & kLimbMask;
    return f;
}

X25519Key fe_to_bytes(FieldElement f) {
    carry(f);
    // Now f < 2^255 + small; subtract p once if f >= p. f >= p exactly when f + 19
    // reaches 2^255, which the carry chain below computes without a branch.
    uint64_t q = (f.limb[0] + 19) >> 51;
    for (int i = 1; i < 5; ++i) q = (f.limb[i] + q) >> 51;
    f.limb[0] += 19 * q;
    for (int i = 0; i < 4; ++i) {
        f.limb[i + 1] += f.limb[i] >> 51;
        f.limb[i] &= kLimbMask;
    }
    f.limb[4] &= kLimbMask;  // drops the 2^255 that the +19 (i.e. -p) produced
    const uint64_t w[4] = {
        f.limb[0] | (f.limb[1] << 51),
        (f.limb[1] >> 13) | (f.limb[2] << 38),
        (f.limb[2] >> 26) | (f.limb[3] << 25),
        (f.limb[3] >> 39) | (f.limb[4] << 12),
    };
    X25519Key out;
    for (int word = 0; word < 4; ++word) {
        for (int i = 0; i < 8; ++i) out[8 * word + i] = static_cast<uint8_t>(w[word] >> (8 * i));
    }
    return out;
}

}  // namespace

X25519Key x25519(const X25519Key& scalar, const X25519Key& u_coordinate) {
    X25519Key k = scalar;
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;

    const FieldElement x1 = fe_from_bytes(u_coordinate);
    FieldElement x2{{1, 0, 0, 0, 0}};
    FieldElement z2{{0, 0, 0, 0, 0}};
    FieldElement x3 = x1;
    FieldElement z3{{1, 0, 0, 0, 0}};
    const FieldElement a24{{121665, 0, 0, 0, 0}};  // (486662 - 2) / 4
    uint64_t swap = 0;
    for (int t = 254; t >= 0; --t) {
        const uint64_t k_t = (k[t / 8] >> (t % 8)) & 1;
        swap ^= k_t;
        fe_conditional_swap(x2, x3, swap);
        fe_conditional_swap(z2, z3, swap);
        swap = k_t;

        const FieldElement a = fe_add(x2, z2);
        const FieldElement aa = fe_square(a);
        const FieldElement b = fe_sub(x2, z2);
        const FieldElement bb = fe_square(b);
        const FieldElement e = fe_sub(aa, bb);
        const FieldElement c = fe_add(x3, z3);
        const FieldElement d = fe_sub(x3, z3);
        const FieldElement da = fe_mul(d, a);
        const FieldElement cb = fe_mul(c, b);
        x3 = fe_square(fe_add(da, cb));
        z3 = fe_mul(x1, fe_square(fe_sub(da, cb)));
        x2 = fe_mul(aa, bb);
        z2 = fe_mul(e, fe_add(aa, fe_mul(a24, e)));
    }
    fe_conditional_swap(x2, x3, swap);
    fe_conditional_swap(z2, z3, swap);
    return fe_to_bytes(fe_mul(x2, fe_invert(z2)));
}

X25519Key x25519_base(const X25519Key& scalar) {
    X25519Key base{};
    base[0] = 9;
    return x25519(scalar, base);
}

}  // namespace sculpin::crypto
