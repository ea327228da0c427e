// ctnn::kernels::simd against scalar truth: load/store, load_partial/store_partial
// beside an inaccessible page (every n < width), splat, fma rounding, static_for.
#define BOOST_TEST_MODULE simd
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <tuple>
#include <type_traits>
#include <vector>

#include "ctnn/kernels/simd.hpp"
#include "support/fma_step.hpp"
#include "support/guarded_floats.hpp"

namespace {

namespace simd = ctnn::kernels::simd;
constexpr std::size_t W = simd::width;

std::uint32_t bits(float x) {
    std::uint32_t u;
    std::memcpy(&u, &x, sizeof u);
    return u;
}

float from_bits(std::uint32_t u) {
    float x;
    std::memcpy(&x, &u, sizeof x);
    return x;
}

// Distinct, awkward bit patterns: signed zeros, a denormal, infinities, a NaN
// with a payload, then ordinary values; index i gives a different pattern for
// every i < 64.
float pattern(std::size_t i) {
    switch (i) {
        case 0: return -0.0f;
        case 1: return std::numeric_limits<float>::denorm_min();
        case 2: return -std::numeric_limits<float>::infinity();
        case 3: return from_bits(0x7fc01234u);  // quiet NaN, payload 0x1234
        default: return float(i) * 1.25f - 7.0f;
    }
}

constexpr float sentinel = 1234.5f;

// x, but opaque to the optimizer: what the kernels run on is run-time data,
// and Clang evaluates `c + a * b` on constants fused even for targets
// without FMA (where the instructions multiply, then add).
float at_run_time(float x) {
    volatile float v = x;
    return v;
}

}  // namespace

BOOST_AUTO_TEST_CASE(width_and_flags_match_the_target) {
    static_assert(sizeof(simd::vec) == W * sizeof(float));
#if defined(__AVX512F__)
    BOOST_TEST(W == 16u);
    BOOST_TEST(simd::registers == 32u);
    BOOST_TEST(simd::masked_memory);
#elif defined(__AVX__)
    BOOST_TEST(W == 8u);
    BOOST_TEST(simd::registers == 16u);
    BOOST_TEST(simd::masked_memory);
#else
    BOOST_TEST(W == 4u);
    BOOST_TEST(simd::registers == 16u);
    BOOST_TEST(!simd::masked_memory);
#endif
    BOOST_TEST_MESSAGE("simd::width = " << W << ", masked_memory = " << simd::masked_memory);
}

BOOST_AUTO_TEST_CASE(load_and_store_move_exactly_width_floats_at_any_alignment) {
    std::vector<float> src(3 * W);
    for (std::size_t i = 0; i < src.size(); ++i) src[i] = pattern(i);
    // Every alignment modulo the vector size, and one more.
    for (std::size_t off = 0; off <= W; ++off) BOOST_TEST_CONTEXT("offset " << off) {
        const simd::vec v = simd::load(src.data() + off);
        std::size_t wrong = 0;
        for (std::size_t l = 0; l < W; ++l) wrong += bits(v[l]) != bits(src[off + l]);
        BOOST_TEST(wrong == 0u);

        std::vector<float> dst(3 * W, sentinel);
        simd::store(dst.data() + off, v);
        std::size_t bad = 0;
        for (std::size_t i = 0; i < dst.size(); ++i) {
            const bool inside = i >= off && i < off + W;
            bad += bits(dst[i]) != bits(inside ? src[i] : sentinel);
        }
        BOOST_TEST(bad == 0u);
    }
}

BOOST_AUTO_TEST_CASE(load_partial_reads_the_first_n_lanes_and_zeros_the_rest) {
    for (std::size_t n = 0; n < W; ++n) BOOST_TEST_CONTEXT("n = " << n) {
        // The n floats end where an inaccessible page begins: reading lane n faults.
        ctnn_test::GuardedFloats mem(n);
        for (std::size_t l = 0; l < n; ++l) mem[l] = pattern(l);
        const simd::vec v = simd::load_partial(mem.data(), n);
        std::size_t wrong = 0;
        for (std::size_t l = 0; l < W; ++l) wrong += bits(v[l]) != (l < n ? bits(pattern(l)) : 0u);  // +0.0f
        BOOST_TEST(wrong == 0u);

        // In ordinary memory, whatever follows the n floats (here NaNs) is ignored.
        std::vector<float> buf(W, std::numeric_limits<float>::quiet_NaN());
        for (std::size_t l = 0; l < n; ++l) buf[l] = pattern(l + 4);
        const simd::vec u = simd::load_partial(buf.data(), n);
        std::size_t wrong_u = 0;
        for (std::size_t l = 0; l < W; ++l) wrong_u += bits(u[l]) != (l < n ? bits(pattern(l + 4)) : 0u);
        BOOST_TEST(wrong_u == 0u);
    }
}

BOOST_AUTO_TEST_CASE(store_partial_writes_the_first_n_lanes_and_nothing_else) {
    simd::vec v;
    for (std::size_t l = 0; l < W; ++l) v[l] = pattern(l);
    for (std::size_t n = 0; n < W; ++n) BOOST_TEST_CONTEXT("n = " << n) {
        // W sentinels, then the n target floats, then an inaccessible page.
        ctnn_test::GuardedFloats mem(W + n);
        for (std::size_t i = 0; i < W + n; ++i) mem[i] = sentinel;
        simd::store_partial(mem.data() + W, v, n);
        std::size_t wrong = 0;
        for (std::size_t i = 0; i < W + n; ++i)
            wrong += bits(mem[i]) != (i < W ? bits(sentinel) : bits(pattern(i - W)));
        BOOST_TEST(wrong == 0u);

        // In ordinary memory the floats after the n are left as they were.
        std::vector<float> buf(W + 1, sentinel);
        simd::store_partial(buf.data(), v, n);
        std::size_t wrong_buf = 0;
        for (std::size_t i = 0; i <= W; ++i) wrong_buf += bits(buf[i]) != (i < n ? bits(pattern(i)) : bits(sentinel));
        BOOST_TEST(wrong_buf == 0u);
    }
}

BOOST_AUTO_TEST_CASE(splat_copies_the_scalar_into_every_lane) {
    for (std::size_t i = 0; i < 8; ++i) {
        const float s = pattern(i);
        const simd::vec v = simd::splat(s);
        std::size_t wrong = 0;
        for (std::size_t l = 0; l < W; ++l) wrong += bits(v[l]) != bits(s);
        BOOST_TEST_INFO("value " << s);
        BOOST_TEST(wrong == 0u);
    }
}

BOOST_AUTO_TEST_CASE(fma_is_c_plus_a_times_b_lane_by_lane) {
    // Small integers: every product and sum is exact, so the result is known
    // whatever the rounding; lane l gets its own operands, so a lane mix-up
    // or a different operand order (a + b * c, a * b - c) shows.
    simd::vec a, b, c;
    for (std::size_t l = 0; l < W; ++l) {
        a[l] = float(l) + 2.0f;
        b[l] = 3.0f - float(l);
        c[l] = 5.0f + 10.0f * float(l);
    }
    const simd::vec r = simd::fma(a, b, c);
    for (std::size_t l = 0; l < W; ++l) {
        const float expected = (5.0f + 10.0f * float(l)) + (float(l) + 2.0f) * (3.0f - float(l));
        BOOST_TEST(r[l] == expected, "lane " << l << ": " << r[l] << " != " << expected);
    }
}

BOOST_AUTO_TEST_CASE(fma_rounds_once_exactly_when_the_target_has_fma) {
    // a = b = 1 + 2^-12: a * b = 1 + 2^-11 + 2^-24 exactly, which rounds (a
    // tie, to even) to 1 + 2^-11. With c = -(1 + 2^-11) a fused multiply-add
    // gives 2^-24, a multiply then add gives 0.
    const float a = at_run_time(1.0f + 0x1p-12f), c = at_run_time(-(1.0f + 0x1p-11f));
    const simd::vec r = simd::fma(simd::splat(a), simd::splat(a), simd::splat(c));
#if defined(__AVX512F__) || (defined(__AVX__) && defined(__FMA__))
    const float expected = 0x1p-24f;
#elif defined(__x86_64__) || defined(__i386__)
    const float expected = 0.0f;
#else
    const float expected = r[0];  // not x86: either is allowed, all lanes alike
    BOOST_TEST((expected == 0x1p-24f || expected == 0.0f));
#endif
    for (std::size_t l = 0; l < W; ++l)
        BOOST_TEST(bits(r[l]) == bits(expected), "lane " << l << ": " << std::hexfloat << r[l] << " != " << expected);

    // On general operands, every lane equals the scalar rounding the header
    // documents for this target (support/fma_step.hpp).
    if (!ctnn_test::fma_step_known) return;
    std::size_t wrong = 0;
    for (std::size_t t = 0; t < 200; ++t) {
        simd::vec x, y, z;
        for (std::size_t l = 0; l < W; ++l) {
            x[l] = at_run_time(std::ldexp(float(t * W + l + 1) * 0.7548776f, int(t % 7) - 3));
            y[l] = at_run_time(1.0f / (float(l) + 1.37f) - float(t % 5));
            z[l] = at_run_time(std::sin(float(t * 31 + l)));
        }
        const simd::vec s = simd::fma(x, y, z);
        for (std::size_t l = 0; l < W; ++l) wrong += bits(s[l]) != bits(ctnn_test::fma_step(x[l], y[l], z[l]));
    }
    BOOST_TEST(wrong == 0u);
}

BOOST_AUTO_TEST_CASE(static_for_calls_f_for_each_index_in_order_at_compile_time) {
    std::vector<std::size_t> seen;
    simd::static_for<0>([&](auto) { seen.push_back(99); });
    BOOST_TEST(seen.empty());

    simd::static_for<5>([&](auto i) {
        static_assert(std::is_same_v<decltype(i), std::integral_constant<std::size_t, decltype(i)::value>>);
        seen.push_back(i);
    });
    const std::vector<std::size_t> expected{0, 1, 2, 3, 4};
    BOOST_TEST(seen == expected, boost::test_tools::per_element());

    // The index is a constant expression: it can pick a tuple element.
    const std::tuple<int, long, double> t{1, 20L, 300.5};
    double sum = 0;
    simd::static_for<3>([&](auto i) { sum += double(std::get<i>(t)); });
    BOOST_TEST(sum == 321.5);
}
