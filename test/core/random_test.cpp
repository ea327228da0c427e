// ctnn::splitmix64, hash32, counter_bits and Generator (core/random.hpp) against the published
// reference values and inverse, and uniform() / below() against their distributions (fixed seeds).
#define BOOST_TEST_MODULE core_random
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "ctnn/core/random.hpp"

namespace {

using ctnn::counter_bits;
using ctnn::Generator;
using ctnn::hash32;
using ctnn::splitmix64;

// Vigna's splitmix64.c, state 1477776061723855037: its first five outputs, as
// published in rand_xoshiro's test `reference` (rust-random/rngs,
// rand_xoshiro/src/splitmix64.rs). Output k (from 0) is the mix of
// state + (k + 1) * gamma, gamma = 0x9e3779b97f4a7c15 (the same file).
constexpr std::uint64_t reference_seed = 1477776061723855037ULL;
constexpr std::uint64_t golden_gamma = 0x9e3779b97f4a7c15ULL;
constexpr std::array<std::uint64_t, 5> reference_outputs{1985237415132408290ULL, 2979275885539914483ULL,
                                                         13511426838097143398ULL, 8488337342461049707ULL,
                                                         15141737807933549159ULL};

// Chris Wellons' published inverse of lowbias32 (skeeto/hash-prospector,
// README: "lowbias32_r").
constexpr std::uint32_t lowbias32_r(std::uint32_t x) {
    x ^= x >> 16;
    x *= 0x43021123U;
    x ^= x >> 15 ^ x >> 30;
    x *= 0x1d69e2a5U;
    x ^= x >> 16;
    return x;
}

// Pearson's chi-square statistic of observed counts against equal expected counts.
double chi_square(const std::vector<std::size_t>& counts, std::size_t n) {
    const double expected = double(n) / double(counts.size());
    double chi2 = 0.0;
    for (std::size_t c : counts) chi2 += (double(c) - expected) * (double(c) - expected) / expected;
    return chi2;
}

// ---- compile-time facts -----------------------------------------------------------

// splitmix64 is splitmix64.c's next(): add gamma to the state, then mix.
static_assert(splitmix64(reference_seed) == reference_outputs[0]);
// lowbias32 maps 0 to 0 (xor-shifts and multiplications of 0).
static_assert(hash32(0) == 0);
static_assert(lowbias32_r(hash32(0xdeadbeefU)) == 0xdeadbeefU);
// Everything is constexpr: a draw needs no state outside its arguments.
static_assert(counter_bits(7, 11) == counter_bits(7, 11));
static_assert(Generator(reference_seed)() == reference_outputs[1]);
// Generator is a standard UniformRandomBitGenerator over all 64-bit values.
static_assert(std::uniform_random_bit_generator<Generator>);
static_assert(Generator::min() == 0);
static_assert(Generator::max() == std::numeric_limits<std::uint64_t>::max());

}  // namespace

BOOST_AUTO_TEST_SUITE(randomness)

// ---- splitmix64 and hash32 --------------------------------------------------------

BOOST_AUTO_TEST_CASE(splitmix64_is_the_reference_mix) {
    std::uint64_t state = reference_seed;
    for (std::size_t k = 0; k < reference_outputs.size(); ++k) {
        BOOST_TEST_CONTEXT("output " << k) { BOOST_TEST(splitmix64(state) == reference_outputs[k]); }
        state += golden_gamma;
    }
}

BOOST_AUTO_TEST_CASE(hash32_is_inverted_by_the_published_lowbias32_r) {
    // A bijection with the published inverse: every input comes back.
    std::size_t wrong = 0;
    for (std::uint32_t x = 0; x < (1u << 20); ++x) wrong += lowbias32_r(hash32(x)) != x;
    for (std::uint32_t x = 0xffffffffU; x > 0xffffffffU - (1u << 16); --x) wrong += lowbias32_r(hash32(x)) != x;
    for (std::uint32_t k = 0; k < 32; ++k) wrong += lowbias32_r(hash32(1u << k)) != (1u << k);
    BOOST_TEST(wrong == 0u);
}

BOOST_AUTO_TEST_CASE(hash32_avalanches) {
    // Flipping one input bit should flip each output bit with probability 1/2:
    // the count of changed output bits is then Binomial(32, 1/2), mean 16,
    // standard deviation sqrt(8) = 2.83. Over 4096 inputs x 32 input bits the
    // overall mean has standard error 2.83 / sqrt(131072) = 0.0078 (within 4:
    // 0.032), each input bit's mean 2.83 / sqrt(4096) = 0.044 (within 5, for
    // 32 comparisons: 0.22).
    const double sd = std::sqrt(8.0);
    double total = 0.0;
    std::array<double, 32> per_bit{};
    for (std::uint32_t i = 0; i < 4096; ++i) {
        const std::uint32_t x = i * 0x9e3779b9U;
        for (std::uint32_t k = 0; k < 32; ++k) {
            const int flipped = std::popcount(hash32(x) ^ hash32(x ^ (1u << k)));
            total += flipped;
            per_bit[k] += flipped;
        }
    }
    BOOST_TEST(std::fabs(total / (4096.0 * 32.0) - 16.0) < 4 * sd / std::sqrt(4096.0 * 32.0));
    for (std::size_t k = 0; k < 32; ++k)
        BOOST_TEST_CONTEXT("input bit " << k) {
            BOOST_TEST(std::fabs(per_bit[k] / 4096.0 - 16.0) < 5 * sd / std::sqrt(4096.0));
        }
}

// ---- counter_bits -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(counter_bits_depends_only_on_key_and_counter) {
    // The same (key, counter) gives the same value in any order of asking.
    constexpr std::uint32_t key = 0x2545f491U;
    constexpr std::uint32_t n = 4096;
    std::vector<std::uint32_t> forward(n), backward(n), strided(n);
    for (std::uint32_t c = 0; c < n; ++c) forward[c] = counter_bits(key, c);
    for (std::uint32_t c = n; c-- > 0;) backward[c] = counter_bits(key, c);
    for (std::uint32_t s = 0; s < 7; ++s)
        for (std::uint32_t c = s; c < n; c += 7) strided[c] = counter_bits(key, c);
    BOOST_TEST(forward == backward, boost::test_tools::per_element());
    BOOST_TEST(forward == strided, boost::test_tools::per_element());
    // Constant evaluation (no state at all) agrees with run time.
    constexpr std::uint32_t at_compile_time = counter_bits(key, 1234);
    BOOST_TEST(forward[1234] == at_compile_time);
}

BOOST_AUTO_TEST_CASE(counter_bits_is_keyed) {
    // Two keys give unrelated streams: equal values at the same counter have
    // probability 2^-32 each, so none among 65536 counters (expected 1.5e-5).
    // Also neighbouring keys (a weak key schedule would show here).
    for (const auto [a, b] : {std::array<std::uint32_t, 2>{1, 2}, {0, 1}, {0x2545f491U, 0x2545f490U}}) {
        std::size_t same = 0;
        for (std::uint32_t c = 0; c < 65536; ++c) same += counter_bits(a, c) == counter_bits(b, c);
        BOOST_TEST_CONTEXT("keys " << a << ", " << b) { BOOST_TEST(same == 0u); }
    }
}

BOOST_AUTO_TEST_CASE(counter_bits_of_one_key_is_a_permutation) {
    // hash32 is a bijection, so are c -> c ^ key and x -> x + key: for a fixed
    // key, distinct counters give distinct values.
    std::vector<std::uint32_t> v(1u << 16);
    for (std::uint32_t c = 0; c < v.size(); ++c) v[c] = counter_bits(0x9e3779b9U, c);
    std::sort(v.begin(), v.end());
    BOOST_TEST((std::adjacent_find(v.begin(), v.end()) == v.end()));
}

BOOST_AUTO_TEST_CASE(counter_bits_is_uniform_enough_for_dropout) {
    // Top 4 bits of 65536 consecutive counters: chi-square with 15 degrees of
    // freedom, critical value 37.70 at p = 0.001.
    constexpr std::size_t n = 65536;
    std::vector<std::size_t> buckets(16);
    std::size_t kept = 0;
    const std::uint32_t threshold = 0x40000000U;  // a quarter of 2^32: drop rate 0.25
    for (std::uint32_t c = 0; c < n; ++c) {
        const std::uint32_t v = counter_bits(0x1234567U, c);
        ++buckets[v >> 28];
        kept += v >= threshold;
    }
    BOOST_TEST(chi_square(buckets, n) < 37.70);
    // Kept fraction 0.75, standard error sqrt(0.75 * 0.25 / n) = 0.00169: within 4 of them.
    BOOST_TEST(std::fabs(double(kept) / double(n) - 0.75) < 4 * std::sqrt(0.75 * 0.25 / double(n)));
}

// ---- Generator --------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(generator_follows_the_reference_stream) {
    // Generator(seed) adds gamma to its state and then calls splitmix64, which
    // adds gamma again: its draws are the reference stream from `seed` without
    // the reference's first output.
    Generator g(reference_seed);
    BOOST_TEST(g.state() == reference_seed);
    for (std::size_t k = 1; k < reference_outputs.size(); ++k) {
        BOOST_TEST_CONTEXT("draw " << k) { BOOST_TEST(g() == reference_outputs[k]); }
        BOOST_TEST(g.state() == reference_seed + k * golden_gamma);
    }
}

BOOST_AUTO_TEST_CASE(same_seed_same_sequence_other_seed_other_sequence) {
    Generator a(42), b(42), c(43);
    std::size_t differ = 0, same_as_other_seed = 0;
    for (int i = 0; i < 1000; ++i) {
        const std::uint64_t x = a(), y = b(), z = c();
        differ += x != y;
        same_as_other_seed += x == z;
    }
    BOOST_TEST(differ == 0u);
    BOOST_TEST(same_as_other_seed == 0u);

    // Copies continue identically (the whole state is copied); the default seed is 0.
    Generator d(7);
    (void)d();
    Generator e = d;
    std::size_t copy_differs = 0;
    for (int i = 0; i < 100; ++i) copy_differs += d() != e();
    BOOST_TEST(copy_differs == 0u);
    BOOST_TEST(Generator{}() == Generator(0)());
}

BOOST_AUTO_TEST_CASE(works_with_standard_distributions) {
    // As a UniformRandomBitGenerator it drives <random>'s distributions: the
    // same seed gives the same draws, and they stay in range.
    Generator a(5), b(5);
    std::uniform_int_distribution<int> die(1, 6);
    std::vector<int> x(200), y(200);
    for (int& v : x) v = die(a);
    for (int& v : y) v = die(b);
    BOOST_TEST(x == y, boost::test_tools::per_element());
    BOOST_TEST(*std::min_element(x.begin(), x.end()) == 1);
    BOOST_TEST(*std::max_element(x.begin(), x.end()) == 6);
}

BOOST_AUTO_TEST_CASE(uniform_stays_in_range_with_the_right_moments) {
    // Uniform on [lo, hi): mean (lo + hi) / 2 with standard error
    // (hi - lo) / sqrt(12 n); variance (hi - lo)^2 / 12 with standard error
    // (hi - lo)^2 sqrt(1 / (180 n)) (fourth central moment (hi - lo)^4 / 80).
    // Within 4 standard errors; deterministic with the fixed seed.
    constexpr std::size_t n = 100000;
    struct Interval { float lo, hi; };
    for (const Interval iv : {Interval{0.0f, 1.0f}, Interval{-1.0f, 1.0f}, Interval{-0.25f, 0.75f},
                              Interval{10.0f, 12.0f}}) {
        BOOST_TEST_CONTEXT("[" << iv.lo << ", " << iv.hi << ")") {
            Generator g(2024);
            double sum = 0.0, sum2 = 0.0;
            float lowest = iv.hi, highest = iv.lo;
            for (std::size_t i = 0; i < n; ++i) {
                const float v = g.uniform(iv.lo, iv.hi);
                lowest = std::min(lowest, v);
                highest = std::max(highest, v);
                sum += v;
                sum2 += double(v) * double(v);
            }
            const double w = double(iv.hi) - double(iv.lo);
            const double mean = sum / double(n);
            const double var = sum2 / double(n) - mean * mean;
            BOOST_TEST(lowest >= iv.lo);
            BOOST_TEST(highest < iv.hi);
            // Both ends are approached: 1e5 draws leave a gap of about w / 1e5.
            BOOST_TEST(lowest < iv.lo + 1e-3 * w);
            BOOST_TEST(highest > iv.hi - 1e-3 * w);
            BOOST_TEST(std::fabs(mean - (double(iv.lo) + double(iv.hi)) / 2) < 4 * w / std::sqrt(12.0 * n));
            BOOST_TEST(std::fabs(var - w * w / 12) < 4 * w * w * std::sqrt(1.0 / (180.0 * n)));
        }
    }
}

BOOST_AUTO_TEST_CASE(uniform_on_0_1_has_24_random_bits) {
    // uniform(0, 1) is k / 2^24 for an integer k (the top 24 bits of a draw),
    // and it is exactly that integer for the same draw.
    Generator g(99), raw(99);
    std::size_t wrong = 0;
    for (int i = 0; i < 10000; ++i) {
        const double v = double(g.uniform(0.0f, 1.0f)) * 16777216.0;
        wrong += v != double(raw() >> 40);
    }
    BOOST_TEST(wrong == 0u);
}

BOOST_AUTO_TEST_CASE(uniform_never_returns_hi_when_rounding_would_give_it) {
    // This seed's first draw has all 24 top bits set: u = 1 - 2^-24, and
    // 1 + (2 - 1) * u rounds to 2 in float (2 - 2^-24 is a tie, to even).
    // That draw is rejected; the value comes from the next draw.
    constexpr std::uint64_t seed = 0x7329a880a7c8a81fULL;
    Generator raw(seed);
    BOOST_TEST_REQUIRE((raw() >> 40) == 0xFFFFFFu);
    const double u_next = double(raw() >> 40) * 0x1.0p-24;
    Generator g(seed);
    const float v = g.uniform(1.0f, 2.0f);
    BOOST_TEST(v < 2.0f);
    // 1 + u_next rounded to float: within half a float ulp in [1, 2), 2^-24.
    BOOST_TEST(std::fabs(double(v) - (1.0 + u_next)) <= 0x1.0p-24);
    // An empty interval gives lo, without drawing for ever.
    BOOST_TEST(Generator(seed).uniform(3.0f, 3.0f) == 3.0f);
}

namespace {
// The float nearest to lo + w * u (w = hi - lo as a float, u = k / 2^24),
// ties to even, from exact arithmetic: w * u is exact in double (24 + 24
// bits), and TwoSum gives lo + w * u exactly as the pair s + e.
float nearest_float_of_lo_plus_w_u(float lo, float w, float u) {
    const double p = double(w) * double(u);
    const double s = double(lo) + p;
    const double bb = s - double(lo);
    const double e = (double(lo) - (s - bb)) + (p - bb);
    const float f = static_cast<float>(s);
    float best = f;
    double best_dist = std::fabs((double(f) - s) - e);
    for (const float c : {std::nextafter(f, -INFINITY), std::nextafter(f, INFINITY)}) {
        const double d = std::fabs((double(c) - s) - e);
        if (d < best_dist || (d == best_dist && (std::bit_cast<std::uint32_t>(c) & 1u) == 0)) {
            best = c;
            best_dist = d;
        }
    }
    return best;
}
}  // namespace

BOOST_AUTO_TEST_CASE(uniform_rounds_once_so_every_build_draws_the_same_weights) {
    // A compiler may fuse lo + (hi - lo) * u into one FMA (one rounding) or
    // not (two), depending on the target: a -march=native build and a
    // portable one then initialised the same seed differently. uniform()
    // rounds once on every target; check it against exact arithmetic, at
    // Glorot limits of the listing's layers and at plain intervals.
    std::size_t checked = 0, wrong = 0;
    for (const float limit : {0.0759555f, 0.108253f, 0.150188f, 1.0f, 3.0f}) {
        Generator g(7), raw(7);
        const float lo = -limit, hi = limit, w = hi - lo;
        for (int i = 0; i < 100000; ++i) {
            float expected;
            do {
                const float u = static_cast<float>(raw() >> 40) * 0x1.0p-24f;
                expected = nearest_float_of_lo_plus_w_u(lo, w, u);
            } while (!(expected < hi));
            const float v = g.uniform(lo, hi);
            wrong += std::bit_cast<std::uint32_t>(v) != std::bit_cast<std::uint32_t>(expected);
            ++checked;
        }
    }
    BOOST_TEST(checked == 500000u);
    BOOST_TEST(wrong == 0u);
}

BOOST_AUTO_TEST_CASE(below_stays_below_n_and_hits_every_value) {
    Generator g(31337);
    for (const std::uint64_t n : {1ULL, 2ULL, 3ULL, 7ULL, 10ULL, 1000ULL, (1ULL << 40) + 1, ~0ULL}) {
        BOOST_TEST_CONTEXT("n = " << n) {
            std::uint64_t largest = 0;
            for (int i = 0; i < 10000; ++i) largest = std::max(largest, g.below(n));
            BOOST_TEST(largest < n);
            if (n <= 10) BOOST_TEST(largest == n - 1);
        }
    }
    for (const std::uint64_t n : {2ULL, 3ULL, 7ULL, 10ULL}) {
        BOOST_TEST_CONTEXT("n = " << n) {
            std::vector<std::size_t> counts(n);
            for (int i = 0; i < 1000; ++i) ++counts[g.below(n)];
            BOOST_TEST(std::count(counts.begin(), counts.end(), 0u) == 0);
        }
    }
}

BOOST_AUTO_TEST_CASE(below_is_uniform) {
    // 100000 draws of below(10): chi-square with 9 degrees of freedom, critical
    // value 27.88 at p = 0.001.
    constexpr std::size_t n = 100000;
    Generator g(8);
    std::vector<std::size_t> counts(10);
    for (std::size_t i = 0; i < n; ++i) ++counts[g.below(10)];
    BOOST_TEST(chi_square(counts, n) < 27.88);
}

BOOST_AUTO_TEST_CASE(below_a_power_of_two_is_the_top_bits) {
    // Lemire's multiply-shift floor(x * n / 2^64) with n = 2^k is x >> (64 - k).
    for (unsigned k = 1; k < 64; k += 7) {
        Generator g(k), raw(k);
        std::size_t wrong = 0;
        for (int i = 0; i < 1000; ++i) wrong += g.below(1ULL << k) != raw() >> (64 - k);
        BOOST_TEST_CONTEXT("n = 2^" << k) { BOOST_TEST(wrong == 0u); }
    }
}

BOOST_AUTO_TEST_SUITE_END()
