#include "crypto/salsa20.hpp"

namespace sculpin::crypto {

namespace {

uint32_t load_u32_le(const uint8_t* in) {
    return static_cast<uint32_t>(in[0]) | (static_cast<uint32_t>(in[1]) << 8) |
           (static_cast<uint32_t>(in[2]) << 16) | (static_cast<uint32_t>(in[3]) << 24);
}

void store_u32_le(uint8_t* out, uint32_t value) {
    for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(value >> (8 * i));
}

uint32_t rotate_left(uint32_t value, int bits) {
    return (value << bits) | (value >> (32 - bits));
}

void quarter_round(uint32_t& a, uint32_t& b, uint32_t& c, uint32_t& d) {
    b ^= rotate_left(a + d, 7);
    c ^= rotate_left(b + a, 9);
    d ^= rotate_left(c + b, 13);
    a ^= rotate_left(d + c, 18);
}

// The 20 rounds: ten double rounds, each a column round then a row round.
void permute(uint32_t x[16]) {
    for (int double_round = 0; double_round < 10; ++double_round) {
        quarter_round(x[0], x[4], x[8], x[12]);
        quarter_round(x[5], x[9], x[13], x[1]);
        quarter_round(x[10], x[14], x[2], x[6]);
        quarter_round(x[15], x[3], x[7], x[11]);
        quarter_round(x[0], x[1], x[2], x[3]);
        quarter_round(x[5], x[6], x[7], x[4]);
        quarter_round(x[10], x[11], x[8], x[9]);
        quarter_round(x[15], x[12], x[13], x[14]);
    }
}

// "expand 32-byte k" as four little-endian words, on the diagonal of the state.
constexpr uint32_t kSigma[4] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

// The input state for a 32-byte key and 16 bytes of nonce/counter (or HSalsa20 input).
void initial_state(uint32_t x[16], const SalsaKey& key, const uint8_t input[16]) {
    x[0] = kSigma[0];
    x[5] = kSigma[1];
    x[10] = kSigma[2];
    x[15] = kSigma[3];
    for (int i = 0; i < 4; ++i) {
        x[1 + i] = load_u32_le(&key[4 * i]);
        x[11 + i] = load_u32_le(&key[16 + 4 * i]);
        x[6 + i] = load_u32_le(&input[4 * i]);
    }
}

}  // namespace

SalsaKey hsalsa20(const SalsaKey& key, std::span<const uint8_t, 16> input) {
    uint32_t x[16];
    initial_state(x, key, input.data());
    permute(x);
    constexpr int kOutputWords[8] = {0, 5, 10, 15, 6, 7, 8, 9};
    SalsaKey out;
    for (int i = 0; i < 8; ++i) store_u32_le(&out[4 * i], x[kOutputWords[i]]);
    return out;
}

void salsa20_xor(const SalsaKey& key, std::span<const uint8_t, 8> nonce, uint64_t first_block,
                 std::span<uint8_t> data) {
    uint8_t input[16];
    for (int i = 0; i < 8; ++i) input[i] = nonce[i];
    uint64_t block = first_block;
    for (size_t offset = 0; offset < data.size(); offset += 64, ++block) {
        for (int i = 0; i < 8; ++i) input[8 + i] = static_cast<uint8_t>(block >> (8 * i));
        uint32_t state[16];
        initial_state(state, key, input);
        uint32_t x[16];
        for (int i = 0; i < 16; ++i) x[i] = state[i];
        permute(x);
        uint8_t keystream[64];
        for (int i = 0; i < 16; ++i) store_u32_le(&keystream[4 * i], x[i] + state[i]);
        const size_t count = data.size() - offset < 64 ? data.size() - offset : 64;
        for (size_t i = 0; i < count; ++i) data[offset + i] ^= keystream[i];
    }
}

void xsalsa20_xor(const SalsaKey& key, std::span<const uint8_t, kXSalsaNonceBytes> nonce,
                  uint64_t skip_bytes, std::span<uint8_t> data) {
    const SalsaKey subkey = hsalsa20(key, nonce.first<16>());
    const std::span<const uint8_t, 8> tail = nonce.last<8>();
    const size_t lead = skip_bytes % 64;
    if (lead == 0) {
        salsa20_xor(subkey, tail, skip_bytes / 64, data);
        return;
    }
    // Starts inside a block: run that block on a padded copy, then the rest aligned.
    uint8_t first[64] = {};
    const size_t in_first = data.size() < 64 - lead ? data.size() : 64 - lead;
    for (size_t i = 0; i < in_first; ++i) first[lead + i] = data[i];
    salsa20_xor(subkey, tail, skip_bytes / 64, first);
    for (size_t i = 0; i < in_first; ++i) data[i] = first[lead + i];
    if (in_first < data.size())
        salsa20_xor(subkey, tail, skip_bytes / 64 + 1, data.subspan(in_first));
}

}  // namespace sculpin::crypto
