#include "core/rng.hpp"

#include <cassert>

namespace sculpin {

namespace {
uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(uint64_t seed) : seed_(seed) {
    uint64_t x = seed;
    for (auto& word : state_) word = splitmix64(x);
}

uint64_t Rng::next() {
    ++draws_;
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
}

uint64_t Rng::below(uint64_t bound) {
    assert(bound > 0);
    // Reject the top partial block so every residue is equally likely.
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    for (;;) {
        const uint64_t draw = next();
        if (draw < limit) return draw % bound;
    }
}

int64_t Rng::between(int64_t low, int64_t high) {
    assert(low <= high);
    const uint64_t span = static_cast<uint64_t>(high - low) + 1;
    if (span == 0) return static_cast<int64_t>(next());  // the whole 64-bit range
    return low + static_cast<int64_t>(below(span));
}

double Rng::unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

Rng Rng::fork(uint64_t stream) const {
    uint64_t x = seed_ ^ (stream * 0xd1b54a32d192ed03ULL);
    return Rng(splitmix64(x));
}

}  // namespace sculpin
