#pragma once
// ctnn::Generator and counter-based hashing — every random number in ctnn.
//
// Contract: one seed determines everything. `Generator` is a small, fast
// sequential generator (splitmix64 stream) used for weight initialisation and
// shuffling. `counter_bits(key, counter)` is a stateless, counter-based
// draw: the same (key, counter) always gives the same value, whatever thread
// asks and in whatever order. Dropout masks use it, so forward and backward
// regenerate one mask without storing it, and results do not depend on how
// OpenMP splits the work.
#include <cmath>
#include <cstdint>
#include <limits>

namespace ctnn {

// Chris Wellons' "lowbias32" integer hash: a good avalanche in 5 operations,
// cheap enough to evaluate per element inside a vectorised epilogue.
constexpr std::uint32_t hash32(std::uint32_t x) noexcept {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

constexpr std::uint64_t splitmix64(std::uint64_t x) noexcept {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// A 32-bit draw from (key, counter); `key` should already be well mixed
// (e.g. a splitmix64 of seed, layer and step).
constexpr std::uint32_t counter_bits(std::uint32_t key, std::uint32_t counter) noexcept {
    return hash32(hash32(counter ^ key) + key);
}

// Sequential generator (UniformRandomBitGenerator), seedable and copyable.
class Generator {
public:
    using result_type = std::uint64_t;
    explicit constexpr Generator(std::uint64_t seed = 0) noexcept : state_(seed) {}
    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }
    constexpr result_type operator()() noexcept {
        state_ += 0x9e3779b97f4a7c15ULL;
        return splitmix64(state_);
    }
    // Uniform float in [lo, hi) with 24 random bits (lo when lo >= hi).
    // lo + (hi - lo) * u can round up to hi for u close to 1 (about once in
    // 2^24 draws): such a draw is rejected and drawn again, so hi never comes
    // out and every other value keeps its probability.
    float uniform(float lo, float hi) noexcept {
        for (;;) {
            const float u = static_cast<float>((*this)() >> 40) * 0x1.0p-24f;
            // One rounding, spelt out: compilers fuse `lo + (hi - lo) * u` into
            // an FMA where the target has one and not elsewhere, which gave
            // a -march=native build and a portable one different weights for
            // the same seed. std::fma rounds once on every target.
            const float r = std::fma(hi - lo, u, lo);
            if (r < hi || !(lo < hi)) return r;
        }
    }
    // Uniform integer in [0, n) (n > 0), Lemire's multiply-shift.
    constexpr std::uint64_t below(std::uint64_t n) noexcept {
        return static_cast<std::uint64_t>((static_cast<unsigned __int128>((*this)()) * n) >> 64);
    }
    constexpr std::uint64_t state() const noexcept { return state_; }

private:
    std::uint64_t state_;
};

}  // namespace ctnn
