// A seeded, portable random number generator (xoshiro256**, seeded through SplitMix64).
// The standard library's distributions differ between implementations, so every draw
// the simulator makes goes through the bounded and float draws here: the same seed gives
// the same numbers on every compiler, library and machine.
#pragma once

#include <cstdint>

namespace sculpin {

class Rng {
public:
    explicit Rng(uint64_t seed = 0);

    uint64_t next();
    // Uniform in [0, bound). bound must be > 0. Unbiased (rejection sampling).
    uint64_t below(uint64_t bound);
    // Uniform in [low, high], inclusive.
    int64_t between(int64_t low, int64_t high);
    // Uniform in [0, 1), 53 bits.
    double unit();
    // true with the given probability (0..1).
    bool chance(double probability) { return unit() < probability; }
    // An independent generator for a named sub-stream (a node, a link), derived from
    // this one's seed and `stream`, without consuming draws from this one.
    Rng fork(uint64_t stream) const;
    // How many 64-bit draws were made: tells whether a run depended on its seed at all.
    uint64_t draws() const noexcept { return draws_; }

private:
    uint64_t seed_;
    uint64_t state_[4];
    uint64_t draws_ = 0;
};

}  // namespace sculpin
