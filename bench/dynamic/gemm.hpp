#pragma once
// dyn::gemm — a run-time-extent matrix product for the dynamic twin.
//
// ctnn::kernels::gemm takes the output width N as a template argument, so it
// cannot serve a network whose shapes are known only at run time. This is the
// same algorithm with every extent a run-time value — what a good dynamic
// library would ship, and as close to ctnn's kernel as run-time extents allow:
//   C[i, j] (=|+=) sum_p A(i, p) * B[p, j],  A(i, p) = a[i*a_rs + p*a_cs],
//   B row-major k x n (row stride ldb), C row-major m x n (row stride ldc);
//   register tiles of 6 rows x 4 vectors (AVX-512: 6 x 64 floats, 24
//   independent FMA chains), k in blocks of at most 256 (exact: accumulators
//   are stored and reloaded), columns past the last whole vector read with
//   masked loads (or from a zero-padded copy of B's tail without them), A
//   read in place, rows split among OpenMP
//   threads in chunks of whole panels above 0.5 MFLOP, columns split instead
//   for a few rows against a large B (batch 1). One FMA chain per element in
//   increasing p, as ctnn's kernel.
// What run-time extents cost here: the tile widths are chosen by a run-time
// switch, B's row stride and the loop bounds are variables (no constant
// strides or fully unrolled tails for the compiler), and the epilogue cannot be
// fused per tile because callers are layer objects behind virtual calls.
#include <algorithm>
#include <cstddef>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "ctnn/kernels/simd.hpp"  // the same vector type and fma as ctnn's kernel
#include "ctnn/kernels/transpose.hpp"  // its run-time-extent transpose

namespace dyn {

using ctnn::kernels::simd::vec;
inline constexpr std::size_t vw = ctnn::kernels::simd::width;
inline constexpr std::size_t nr = ctnn::kernels::simd::registers >= 32 ? 4 : 2;
inline constexpr std::size_t mr = 6, kc_max = 256, mc_panels = 16;
inline constexpr double parallel_flops = 0.5e6;  // as ctnn's gemm_parallel_flops
using ctnn::kernels::simd::load;
using ctnn::kernels::simd::store;
// Read B's column tail in place (masked loads) where the target has them.
inline constexpr bool tail_in_place = ctnn::kernels::simd::masked_memory;

// R rows x V vectors; with Partial (V == 1) only `ncols` columns of C are touched.
template <std::size_t R, std::size_t V, bool Partial>
inline void micro(std::size_t kc, const float* a, std::size_t ars, std::size_t acs, const float* b, std::size_t ldb,
                  float* c, std::size_t ldc, bool load_c, std::size_t ncols) noexcept {
    vec acc[R][V];
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t v = 0; v < V; ++v) {
            if (!load_c) {
                acc[r][v] = vec{};
            } else if constexpr (Partial) {
                acc[r][v] = ctnn::kernels::simd::load_partial(c + r * ldc, ncols);
            } else {
                acc[r][v] = load(c + r * ldc + v * vw);
            }
        }
    for (std::size_t p = 0; p < kc; ++p) {
        vec bv[V];
#pragma GCC unroll 4
        for (std::size_t v = 0; v < V; ++v) {
            if constexpr (Partial && tail_in_place)
                bv[v] = ctnn::kernels::simd::load_partial(b, ncols);
            else
                bv[v] = load(b + v * vw);
        }
#pragma GCC unroll 6
        for (std::size_t r = 0; r < R; ++r) {
            const vec ar = vec{} + a[r * ars];
#pragma GCC unroll 4
            for (std::size_t v = 0; v < V; ++v) acc[r][v] = ctnn::kernels::simd::fma(ar, bv[v], acc[r][v]);
        }
        a += acs;
        b += ldb;
    }
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t v = 0; v < V; ++v) {
            if constexpr (Partial) {
                ctnn::kernels::simd::store_partial(c + r * ldc, acc[r][v], ncols);
            } else {
                store(c + r * ldc + v * vw, acc[r][v]);
            }
        }
}

template <std::size_t V, bool Partial>
inline void micro_rows(std::size_t rows, std::size_t kc, const float* a, std::size_t ars, std::size_t acs,
                       const float* b, std::size_t ldb, float* c, std::size_t ldc, bool load_c, std::size_t ncols) {
    switch (rows) {
        case 1: micro<1, V, Partial>(kc, a, ars, acs, b, ldb, c, ldc, load_c, ncols); break;
        case 2: micro<2, V, Partial>(kc, a, ars, acs, b, ldb, c, ldc, load_c, ncols); break;
        case 3: micro<3, V, Partial>(kc, a, ars, acs, b, ldb, c, ldc, load_c, ncols); break;
        case 4: micro<4, V, Partial>(kc, a, ars, acs, b, ldb, c, ldc, load_c, ncols); break;
        case 5: micro<5, V, Partial>(kc, a, ars, acs, b, ldb, c, ldc, load_c, ncols); break;
        default: micro<6, V, Partial>(kc, a, ars, acs, b, ldb, c, ldc, load_c, ncols); break;
    }
}

inline void gemm_panels(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t a_rs,
                        std::size_t a_cs, const float* b, std::size_t ldb, float* c, std::size_t ldc, bool accumulate,
                        std::size_t q_begin, std::size_t q_end) {
    const std::size_t nvec = n / vw, ntail = n % vw;
    alignas(64) float btail[tail_in_place ? 1 : kc_max * vw];
    const std::size_t nk = k == 0 ? 1 : (k + kc_max - 1) / kc_max;
    const std::size_t kcb = (k + nk - 1) / nk;
    for (std::size_t qb = q_begin; qb < q_end; qb += mc_panels) {
        const std::size_t qe = std::min(q_end, qb + mc_panels);
        for (std::size_t kb = 0; kb < nk; ++kb) {
            const std::size_t p0 = kb * kcb;
            const std::size_t kc = std::min(k, p0 + kcb) - std::min(k, p0);
            const bool load_c = accumulate || kb > 0;
            const float* bk = b + p0 * ldb;
            if (ntail && !tail_in_place)
                for (std::size_t p = 0; p < kc; ++p)
                    for (std::size_t j = 0; j < vw; ++j)
                        btail[p * vw + j] = j < ntail ? bk[p * ldb + nvec * vw + j] : 0.0f;
            for (std::size_t q = qb; q < qe; ++q) {
                const std::size_t i0 = q * mr, rows = std::min(mr, m - i0);
                const float* ap = a + i0 * a_rs + p0 * a_cs;
                float* ci = c + i0 * ldc;
                std::size_t v0 = 0;
                for (; v0 + nr <= nvec; v0 += nr)
                    micro_rows<nr, false>(rows, kc, ap, a_rs, a_cs, bk + v0 * vw, ldb, ci + v0 * vw, ldc, load_c, 0);
                for (; v0 < nvec; ++v0)
                    micro_rows<1, false>(rows, kc, ap, a_rs, a_cs, bk + v0 * vw, ldb, ci + v0 * vw, ldc, load_c, 0);
                if (ntail && tail_in_place)
                    micro_rows<1, true>(rows, kc, ap, a_rs, a_cs, bk + nvec * vw, ldb, ci + nvec * vw, ldc, load_c,
                                        ntail);
                else if (ntail)
                    micro_rows<1, true>(rows, kc, ap, a_rs, a_cs, btail, vw, ci + nvec * vw, ldc, load_c, ntail);
            }
        }
    }
}

inline void gemm(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t a_rs, std::size_t a_cs,
                 const float* b, std::size_t ldb, float* c, std::size_t ldc, bool accumulate) {
    if (m == 0 || n == 0) return;
    const std::size_t npanels = (m + mr - 1) / mr;
    int threads = 1;
#if defined(_OPENMP)
    if (!omp_in_parallel()) threads = omp_get_max_threads();
    // Few rows and a large B (batch-1 inference): split the column tiles
    // statically, as ctnn's kernel does, so each core streams its share of B.
    const std::size_t tile = nr * vw, ntiles = (n + tile - 1) / tile;
    if (threads > 1 && npanels < 2 * std::size_t(threads) && ntiles >= 2 &&
        double(k) * double(n) * sizeof(float) >= 256.0 * 1024) {
        const std::size_t teams = std::min<std::size_t>(std::size_t(threads), ntiles);
#pragma omp parallel for schedule(static, 1) num_threads(int(teams))
        for (std::size_t t = 0; t < teams; ++t) {
            const std::size_t j0 = t * ntiles / teams * tile, j1 = std::min(n, (t + 1) * ntiles / teams * tile);
            gemm_panels(m, j1 - j0, k, a, a_rs, a_cs, b + j0, ldb, c + j0, ldc, accumulate, 0, npanels);
        }
        return;
    }
#endif
    if (m == 1 || 2.0 * double(m) * double(k) * double(n) < parallel_flops) threads = 1;
    threads = int(std::min<std::size_t>(std::size_t(threads), npanels / 2));
    if (threads <= 1) {
        gemm_panels(m, n, k, a, a_rs, a_cs, b, ldb, c, ldc, accumulate, 0, npanels);
        return;
    }
#if defined(_OPENMP)
    const std::size_t chunk = std::clamp<std::size_t>(npanels / (8 * std::size_t(threads)), 1, mc_panels);
    const std::size_t nchunks = (npanels + chunk - 1) / chunk;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (std::size_t q = 0; q < nchunks; ++q)
        gemm_panels(m, n, k, a, a_rs, a_cs, b, ldb, c, ldc, accumulate, q * chunk, std::min(npanels, (q + 1) * chunk));
#endif
}

// dst (c x r) = src (r x c)^T: ctnn's transpose is a run-time-extent
// function under its static wrapper, so the twin calls that function itself
// (the same 16 x 16 register tiles and the same split among the threads).
inline void transpose(std::size_t r, std::size_t c, const float* src, float* dst) {
    ctnn::kernels::detail::transpose(src, dst, r, c);
}

}  // namespace dyn
