#include "gui/view_model/deflate.hpp"

#include <algorithm>
#include <array>
#include <cassert>

namespace sculpin::gui {

namespace {

constexpr size_t kWindowBytes = 32768;
constexpr size_t kMinMatch = 3;
constexpr size_t kMaxMatch = 258;
constexpr int kMaxChainSteps = 48;  // candidates tried per position: speed over ratio
constexpr int kHashBits = 15;

constexpr std::array<uint16_t, 29> kLengthBase = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                                  15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                                  67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<uint8_t, 29> kLengthExtra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                  2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<uint16_t, 30> kDistanceBase = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr std::array<uint8_t, 30> kDistanceExtra = {0, 0, 0,  0,  1,  1,  2,  2,  3,  3,
                                                    4, 4, 5,  5,  6,  6,  7,  7,  8,  8,
                                                    9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

// DEFLATE packs bits from the least significant end; Huffman codes go most significant
// bit first, so they are reversed before packing.
class BitWriter {
public:
    explicit BitWriter(std::vector<uint8_t>& out) : out_(out) {}
    void bits(uint32_t value, int count) {
        assert(count <= 24);
        buffer_ |= static_cast<uint64_t>(value) << used_;
        used_ += count;
        while (used_ >= 8) {
            out_.push_back(static_cast<uint8_t>(buffer_));
            buffer_ >>= 8;
            used_ -= 8;
        }
    }
    void code(uint32_t code, int length) {
        uint32_t reversed = 0;
        for (int i = 0; i < length; ++i) reversed |= ((code >> i) & 1U) << (length - 1 - i);
        bits(reversed, length);
    }
    void flush() {
        if (used_ > 0) out_.push_back(static_cast<uint8_t>(buffer_));
        buffer_ = 0;
        used_ = 0;
    }

private:
    std::vector<uint8_t>& out_;
    uint64_t buffer_ = 0;
    int used_ = 0;
};

// The fixed literal/length code (RFC 1951, 3.2.6).
void put_symbol(BitWriter& w, uint32_t symbol) {
    if (symbol <= 143) {
        w.code(0x30 + symbol, 8);
    } else if (symbol <= 255) {
        w.code(0x190 + (symbol - 144), 9);
    } else if (symbol <= 279) {
        w.code(symbol - 256, 7);
    } else {
        w.code(0xc0 + (symbol - 280), 8);
    }
}

void put_match(BitWriter& w, size_t length, size_t distance) {
    assert(length >= kMinMatch && length <= kMaxMatch && distance >= 1 && distance <= kWindowBytes);
    size_t l = kLengthBase.size() - 1;
    while (kLengthBase[l] > length) --l;
    put_symbol(w, static_cast<uint32_t>(257 + l));
    if (kLengthExtra[l] > 0)
        w.bits(static_cast<uint32_t>(length - kLengthBase[l]), kLengthExtra[l]);
    size_t d = kDistanceBase.size() - 1;
    while (kDistanceBase[d] > distance) --d;
    w.code(static_cast<uint32_t>(d), 5);
    if (kDistanceExtra[d] > 0)
        w.bits(static_cast<uint32_t>(distance - kDistanceBase[d]), kDistanceExtra[d]);
}

uint32_t hash3(const uint8_t* p) {
    const uint32_t v = static_cast<uint32_t>(p[0]) << 16 | static_cast<uint32_t>(p[1]) << 8 | p[2];
    return (v * 2654435761U) >> (32 - kHashBits);
}

}  // namespace

uint32_t adler32(const uint8_t* data, size_t size) {
    uint32_t a = 1, b = 0;
    while (size > 0) {
        // 5552 bytes is the most that cannot overflow b before the modulo.
        const size_t n = std::min<size_t>(size, 5552);
        for (size_t i = 0; i < n; ++i) {
            a += data[i];
            b += a;
        }
        a %= 65521;
        b %= 65521;
        data += n;
        size -= n;
    }
    return (b << 16) | a;
}

std::vector<uint8_t> zlib_compress(const uint8_t* data, size_t size) {
    std::vector<uint8_t> out = {0x78, 0x01};  // deflate, 32 KiB window, fastest; check bits ok
    out.reserve(size / 8 + 64);
    BitWriter w(out);
    w.bits(1, 1);  // BFINAL: the only block
    w.bits(1, 2);  // BTYPE 01: fixed Huffman codes
    std::vector<int32_t> head(size_t{1} << kHashBits, -1);
    std::vector<int32_t> prev(kWindowBytes, -1);
    auto insert = [&](size_t pos) {
        if (pos + kMinMatch > size) return;
        const uint32_t h = hash3(data + pos);
        prev[pos % kWindowBytes] = head[h];
        head[h] = static_cast<int32_t>(pos);
    };
    size_t pos = 0;
    while (pos < size) {
        size_t best_length = 0, best_distance = 0;
        if (pos + kMinMatch <= size) {
            const size_t limit = std::min(kMaxMatch, size - pos);
            int32_t candidate = head[hash3(data + pos)];
            for (int step = 0; step < kMaxChainSteps && candidate >= 0; ++step) {
                const auto c = static_cast<size_t>(candidate);
                if (pos - c > kWindowBytes - 1) break;
                size_t n = 0;
                while (n < limit && data[c + n] == data[pos + n]) ++n;
                if (n > best_length) {
                    best_length = n;
                    best_distance = pos - c;
                    if (n == limit) break;
                }
                const int32_t next = prev[c % kWindowBytes];
                if (next >= candidate) break;  // the slot was reused by a newer position
                candidate = next;
            }
        }
        if (best_length >= kMinMatch) {
            put_match(w, best_length, best_distance);
            for (size_t i = 0; i < best_length; ++i) insert(pos + i);
            pos += best_length;
        } else {
            put_symbol(w, data[pos]);
            insert(pos);
            ++pos;
        }
    }
    put_symbol(w, 256);  // end of block
    w.flush();
    const uint32_t check = adler32(data, size);
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<uint8_t>(check >> shift));
    return out;
}

}  // namespace sculpin::gui
