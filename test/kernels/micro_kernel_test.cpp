// ctnn::kernels::detail::micro_kernel against a double triple loop and the scalar fma
// chain: whole and partial tiles, k = 0 / 1 / many, overwrite and accumulate.
#define BOOST_TEST_MODULE micro_kernel
#include <boost/test/unit_test.hpp>

#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "ctnn/kernels/micro_kernel.hpp"
#include "support/fma_step.hpp"
#include "support/guarded_floats.hpp"
#include "support/same_bits.hpp"
#include "support/test_values.hpp"

namespace {

using ctnn::kernels::detail::micro_kernel;
namespace simd = ctnn::kernels::simd;
constexpr std::size_t W = simd::width;
constexpr float qnan = std::numeric_limits<float>::quiet_NaN();
constexpr float sentinel = -777.25f;

std::uint32_t bits(float x) {
    std::uint32_t u;
    std::memcpy(&u, &x, sizeof u);
    return u;
}

// How A(r, p) = a[r * ars + p * acs] is laid out: rows of A (X), columns of
// A (X^T, or a packed panel: ars = 1, acs = R), or two non-unit strides.
enum class Layout { Rows, Columns, Strided };

using AOperand = ctnn_test::StridedOperand;

AOperand make_a(Layout l, std::size_t rows, std::size_t kc, std::uint32_t seed) {
    switch (l) {
        case Layout::Rows: return ctnn_test::strided_values(rows, kc, kc, 1, seed);
        case Layout::Columns: return ctnn_test::strided_values(rows, kc, 1, rows, seed);
        case Layout::Strided: break;
    }
    return ctnn_test::strided_values(rows, kc, 3, 3 * rows + 1, seed);
}

// Checks columns [0, ncols) of the R rows of C (row stride ldc) against
//   C0 (when load_c, else 0) + sum_p A(r, p) * B[p * ldb + j]
// in double, within (kc + 1) * FLT_EPSILON * (|C0| + sum |A||B|) — at most
// two roundings (product, sum) per step, each of at most eps / 2 relative —
// and, where the target's rounding is known, bit for bit against the float
// chain c = fma_step(A(r, p), B, c) for p = 0, 1, ... (the header's guarantee).
// Columns [ncols, ldc) of C (those of its first c_size floats) must still
// hold `sentinel`.
double worst_ratio = 0;  // largest error / bound seen, for the log

void check_tile(std::size_t rows, std::size_t kc, const AOperand& a, const float* b, std::size_t ldb,
                const std::vector<float>& c0, const float* c, std::size_t ldc, std::size_t c_size, bool load_c,
                std::size_t ncols) {
    std::size_t out_of_bound = 0, not_chain = 0, touched = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t j = 0; j < ncols; ++j) {
            const float start = load_c ? c0[r * ldc + j] : 0.0f;
            double exact = start, mag = std::fabs(double(start));
            float chain = start;
            for (std::size_t p = 0; p < kc; ++p) {
                const double term = double(a.at(r, p)) * double(b[p * ldb + j]);
                exact += term;
                mag += std::fabs(term);
                chain = ctnn_test::fma_step(a.at(r, p), b[p * ldb + j], chain);
            }
            const float got = c[r * ldc + j];
            const double err = std::fabs(double(got) - exact);
            const double bound = double(kc + 1) * double(FLT_EPSILON) * mag;
            if (!(err <= bound)) ++out_of_bound;  // NaN counts as out of bound
            if (mag > 0) worst_ratio = std::fmax(worst_ratio, err / bound);
            if (ctnn_test::fma_step_known && bits(got) != bits(chain)) ++not_chain;
        }
        for (std::size_t j = ncols; j < ldc && r * ldc + j < c_size; ++j)
            touched += bits(c[r * ldc + j]) != bits(sentinel);
    }
    BOOST_TEST(out_of_bound == 0u);
    BOOST_TEST(not_chain == 0u);
    BOOST_TEST(touched == 0u);
}

// A whole R x (V * W) tile: B with row stride LDB (LDB - V * W unused floats
// after each row, NaN), C with row stride ldc = V * W + 5 (5 sentinels after
// each row); overwrite starts from a C full of NaN.
template <std::size_t R, std::size_t V, std::size_t LDB>
void check_whole(std::size_t kc, Layout layout, bool load_c) {
    static_assert(LDB >= V * W);
    constexpr std::size_t cols = V * W, ldc = cols + 5;
    const AOperand a = make_a(layout, R, kc, std::uint32_t(R * 100 + V * 10 + kc));
    std::vector<float> b(kc * LDB, qnan);
    const std::vector<float> bv = ctnn_test::values(kc * cols, std::uint32_t(kc + 7));
    for (std::size_t p = 0; p < kc; ++p)
        for (std::size_t j = 0; j < cols; ++j) b[p * LDB + j] = bv[p * cols + j];
    std::vector<float> c0(R * ldc, sentinel);
    const std::vector<float> cv = ctnn_test::values(R * cols, std::uint32_t(R + 3));
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t j = 0; j < cols; ++j) c0[r * ldc + j] = load_c ? cv[r * cols + j] * 4.0f : qnan;
    std::vector<float> c = c0;
    micro_kernel<R, V, LDB, false>(kc, a.storage.data(), a.rs, a.cs, b.data(), c.data(), ldc, load_c, 0);
    BOOST_TEST_CONTEXT("R = " << R << ", V = " << V << ", LDB = " << LDB << ", kc = " << kc << ", layout "
                              << int(layout) << (load_c ? ", accumulate" : ", overwrite")) {
        check_tile(R, kc, a, b.data(), LDB, c0, c.data(), ldc, c.size(), load_c, cols);
    }
}

template <std::size_t R, std::size_t V, std::size_t LDB>
void check_whole_all() {
    for (const std::size_t kc : {1, 2, 7, 64, 300})
        for (const Layout l : {Layout::Rows, Layout::Columns, Layout::Strided})
            for (const bool load_c : {false, true}) check_whole<R, V, LDB>(kc, l, load_c);
}

// A partial tile: the first ncols columns of R rows. C's last row and (with
// masked loads) B's last row end at an inaccessible page, so touching a
// column past ncols there faults; the earlier rows' columns [ncols, ldc) hold
// sentinels that must survive. Without masked loads B is, as the contract
// asks, a zero-padded copy (LDB = W).
template <std::size_t R, std::size_t LDB>
void check_partial(std::size_t kc, std::size_t ncols, Layout layout, bool load_c) {
    constexpr std::size_t ldc = W + 3;
    const AOperand a = make_a(layout, R, kc, std::uint32_t(R * 100 + ncols * 10 + kc));

    const std::size_t b_size = simd::masked_memory ? (kc - 1) * LDB + ncols : kc * LDB;
    ctnn_test::GuardedFloats b(b_size);
    const std::vector<float> bv = ctnn_test::values(kc * ncols, std::uint32_t(kc + 11));
    const float pad = simd::masked_memory ? qnan : 0.0f;
    for (std::size_t i = 0; i < b_size; ++i) b[i] = pad;
    for (std::size_t p = 0; p < kc; ++p)
        for (std::size_t j = 0; j < ncols; ++j) b[p * LDB + j] = bv[p * ncols + j];

    const std::size_t c_size = (R - 1) * ldc + ncols;
    ctnn_test::GuardedFloats c(c_size);
    std::vector<float> c0(R * ldc, sentinel);
    const std::vector<float> cv = ctnn_test::values(R * ncols, std::uint32_t(R + 5));
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t j = 0; j < ncols; ++j) c0[r * ldc + j] = load_c ? cv[r * ncols + j] * 4.0f : qnan;
    for (std::size_t i = 0; i < c_size; ++i) c[i] = c0[i];

    micro_kernel<R, 1, LDB, true>(kc, a.storage.data(), a.rs, a.cs, b.data(), c.data(), ldc, load_c, ncols);
    BOOST_TEST_CONTEXT("R = " << R << ", LDB = " << LDB << ", kc = " << kc << ", ncols = " << ncols << ", layout "
                              << int(layout) << (load_c ? ", accumulate" : ", overwrite")) {
        check_tile(R, kc, a, b.data(), LDB, c0, c.data(), ldc, c_size, load_c, ncols);
    }
}

template <std::size_t R>
void check_partial_all() {
    // In place (row stride of the whole matrix, as gemm passes N) needs masked loads.
    constexpr std::size_t ldb = simd::masked_memory ? 2 * W + 5 : W;
    for (std::size_t ncols = 1; ncols < W; ++ncols)
        for (const std::size_t kc : {1, 5, 40})
            for (const Layout l : {Layout::Rows, Layout::Columns, Layout::Strided})
                for (const bool load_c : {false, true}) check_partial<R, ldb>(kc, ncols, l, load_c);
}

}  // namespace

BOOST_AUTO_TEST_CASE(whole_tiles_in_every_shape_gemm_uses) {
    worst_ratio = 0;
    check_whole_all<1, 1, W>();          // packed B, one vector
    check_whole_all<1, 2, 2 * W + 3>();  // B rows of a wider matrix
    check_whole_all<1, 4, 4 * W>();
    check_whole_all<1, 8, 8 * W + 1>();  // one row, two tiles at once
    check_whole_all<2, 3, 5 * W>();
    check_whole_all<5, 1, 3 * W + 7>();
    check_whole_all<6, 2, 2 * W>();
    check_whole_all<6, 4, 4 * W + 2>();
    BOOST_TEST_MESSAGE("largest error / bound: " << worst_ratio);
}

BOOST_AUTO_TEST_CASE(partial_tiles_touch_only_the_first_ncols_columns) {
    worst_ratio = 0;
    check_partial_all<1>();
    check_partial_all<3>();
    check_partial_all<6>();
    BOOST_TEST_MESSAGE("largest error / bound: " << worst_ratio);
}

BOOST_AUTO_TEST_CASE(k_zero_reads_neither_a_nor_b) {
    // kc = 0 (gemm passes null A and B then): overwrite stores +0, accumulate
    // stores C back unchanged, bit for bit (-0 and a NaN payload included).
    constexpr std::size_t R = 3, V = 2, ldc = V * W + 1;
    std::vector<float> c0(R * ldc);
    for (std::size_t i = 0; i < c0.size(); ++i) c0[i] = i % 5 == 0 ? -0.0f : float(i) - 9.5f;
    c0[4] = qnan;

    std::vector<float> c = c0;
    micro_kernel<R, V, V * W, false>(0, nullptr, 1, 1, nullptr, c.data(), ldc, true, 0);
    BOOST_TEST(ctnn_test::same_bits(c, c0));

    c = c0;
    micro_kernel<R, V, V * W, false>(0, nullptr, 1, 1, nullptr, c.data(), ldc, false, 0);
    std::size_t wrong = 0;
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t j = 0; j < ldc; ++j)
            wrong += bits(c[r * ldc + j]) != (j < V * W ? 0u : bits(c0[r * ldc + j]));  // +0.0f in the tile
    BOOST_TEST(wrong == 0u);

    const std::size_t ncols = W - 1;
    c = c0;
    micro_kernel<R, 1, W, true>(0, nullptr, 1, 1, nullptr, c.data(), ldc, false, ncols);
    wrong = 0;
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t j = 0; j < ldc; ++j) wrong += bits(c[r * ldc + j]) != (j < ncols ? 0u : bits(c0[r * ldc + j]));
    BOOST_TEST(wrong == 0u);
}

BOOST_AUTO_TEST_CASE(cutting_c_into_other_tiles_never_changes_a_bit) {
    // One 6 x (2W) product computed as one 6 x 2 tile, as 6 x 1 tiles, as
    // 1 x 2 tiles, and (columns 0 .. W-2 of each vector) as partial tiles:
    // every element runs the same chain, on any target.
    constexpr std::size_t R = 6, V = 2, N = V * W, kc = 37;
    const AOperand a = make_a(Layout::Rows, R, kc, 5);
    const std::vector<float> b = ctnn_test::values(kc * N, 6);

    std::vector<float> whole(R * N, qnan);
    micro_kernel<R, V, N, false>(kc, a.storage.data(), a.rs, a.cs, b.data(), whole.data(), N, false, 0);

    std::vector<float> by_vector(R * N, qnan), by_row(R * N, qnan);
    for (std::size_t v = 0; v < V; ++v)
        micro_kernel<R, 1, N, false>(kc, a.storage.data(), a.rs, a.cs, b.data() + v * W, by_vector.data() + v * W, N,
                                     false, 0);
    for (std::size_t r = 0; r < R; ++r)
        micro_kernel<1, V, N, false>(kc, a.storage.data() + r * a.rs, a.rs, a.cs, b.data(), by_row.data() + r * N, N,
                                     false, 0);
    BOOST_TEST(ctnn_test::same_bits(by_vector, whole));
    BOOST_TEST(ctnn_test::same_bits(by_row, whole));

    // Partial tiles read B through a zero-padded W-wide copy, valid on every target.
    const std::size_t ncols = W - 1;
    std::vector<float> partial(R * N, sentinel);
    for (std::size_t v = 0; v < V; ++v) {
        std::vector<float> copy(kc * W, 0.0f);
        for (std::size_t p = 0; p < kc; ++p)
            for (std::size_t j = 0; j < ncols; ++j) copy[p * W + j] = b[p * N + v * W + j];
        micro_kernel<R, 1, W, true>(kc, a.storage.data(), a.rs, a.cs, copy.data(), partial.data() + v * W, N, false,
                                    ncols);
    }
    std::size_t differ = 0;
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t j = 0; j < N; ++j)
            differ += bits(partial[r * N + j]) != (j % W < ncols ? bits(whole[r * N + j]) : bits(sentinel));
    BOOST_TEST(differ == 0u);
}
