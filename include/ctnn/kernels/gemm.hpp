#pragma once
// ctnn::kernels::gemm — the one matrix product every Dense step uses.
//
// Contract:
//   C[i, j] (=|+=) sum_p A(i, p) * B[p, j]     for i < m, j < N, p < k
//   A(i, p) = a[i * a_rs + p * a_cs]           (any strides: X, dY or X^T)
//   B is row-major k x N, contiguous (row stride N)
//   C is row-major m x N, contiguous (row stride N)
// N (the output width) is always a compile-time constant; K may be too
// (K != dynamic_extent), in which case the run-time k must equal it.
// `accumulate` adds to C instead of overwriting it.
// Once a run of adjacent tiles of a row panel is final (columns [j0, j1):
// 256 columns or more, or up to the end of the thread's range),
// `epi(i, j0, j1, c_row)` is called for each row i of the panel, c_row
// pointing at C[i, 0]: the fused bias / activation / dropout / gradient
// epilogue, applied while those rows are still in L1. It is called exactly
// once for each (i, j), from several OpenMP threads for distinct (row, column
// range) pairs — the batch-1 column split gives one row's ranges to
// different threads — so it must touch only columns [j0, j1) of its row and
// share no mutable state.
// Guarantees: each C[i, j] sums over p in increasing order whatever the thread
// count, so results are bit-identical across thread counts.
//
// Implementation (kernels/micro_kernel.hpp does the arithmetic):
//   * C is cut into tiles of gemm_mr rows x gemm_nr vectors (the register
//     block); columns past the last whole vector form one extra "tail" tile,
//     read with masked loads (AVX-512, AVX) or from a zero-padded copy of
//     those B columns (a copy of kc x width floats per k block, which alone
//     took 0.9 us of a 1 x 256 x 10 product).
//   * k is cut into blocks of at most gemm_kc; a tile's accumulators start
//     from C (or 0) and are stored back after each block, which is exact, so
//     the chain per element is the same as without blocking.
//   * A is read in place when a_cs == 1 (X, dY) or a_rs == 1 (X^T: for each
//     p the panel's rows are adjacent); with two non-unit strides each
//     gemm_mr x kc panel is first packed into a stack buffer.
//   * Rows are split among OpenMP threads in chunks of whole panels (so the
//     epilogue sees distinct (row, column) tiles per thread), scheduled
//     dynamically, only above gemm_parallel_flops and with at least two
//     panels per thread. With fewer rows than that and a B of at least
//     gemm_column_split_bytes (batch-1 inference), the column tiles are split
//     instead, statically, so each core keeps its share of B in its own L2
//     from call to call: batch-1 latency is B streaming, not arithmetic.
//   * A single row computes two column tiles at once (twice the independent
//     FMA chains), the same chain per element.
//     The tile grid never depends on the thread count, and every tile shape
//     runs the same fma chain, hence the bit-identity guarantee.
//   * No heap allocation: scratch lives on the stack (a 6 KB A panel per
//     thread, plus gemm_kc x width floats for the tail copy on targets
//     without masked loads).
#include <algorithm>
#include <cstddef>
#include <span>
#include <type_traits>

#include "ctnn/kernels/micro_kernel.hpp"
#include "ctnn/kernels/simd.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace ctnn::kernels {

inline constexpr std::size_t dynamic_extent = std::dynamic_extent;

struct NoEpilogue {
    void operator()(std::size_t, std::size_t, std::size_t, float*) const noexcept {}
};

namespace detail {

inline constexpr std::size_t gemm_mr = 6;                                // rows per register tile
inline constexpr std::size_t gemm_nr = simd::registers >= 32 ? 4 : 2;   // vectors per register tile
inline constexpr std::size_t gemm_kc = 256;                              // k block (A panel in L1)
inline constexpr std::size_t gemm_mc_panels = 16;                        // row panels per C block (L2)
// Below this, one thread. A fork/join costs ~0.7 us here; the training step's
// N = 10 and K = 10 products (0.66 MFLOP, 7-10 us on one thread) still gain
// 1.4-1.7x from a second thread.
inline constexpr double gemm_parallel_flops = 0.5e6;
inline constexpr double gemm_column_split_bytes = 256.0 * 1024;          // B this large: split columns
inline constexpr std::size_t gemm_epilogue_columns = 256;                // epilogue runs: MR x this in L1

// f(std::integral_constant<size_t, I>) for the I in [1, Max] equal to n.
template <std::size_t Max, class F>
inline void dispatch_1_to(std::size_t n, F&& f) {
    simd::static_for<Max>([&](auto i) {
        if (n == i + 1) f(std::integral_constant<std::size_t, i + 1>{});
    });
}

// The number of column tiles of a C with N columns.
template <std::size_t N>
inline constexpr std::size_t gemm_column_tiles =
    (N / simd::width + gemm_nr - 1) / gemm_nr + (N % simd::width ? 1 : 0);

// The first column of column tile t of an N-wide C (N for t == the tile
// count): tiles of gemm_nr whole vectors, then the column tail.
template <std::size_t N>
constexpr std::size_t tile_first_column(std::size_t t) {
    constexpr std::size_t nvec = N / simd::width, nfull = (nvec + gemm_nr - 1) / gemm_nr;
    if (t >= gemm_column_tiles<N>) return N;
    return t < nfull ? t * gemm_nr * simd::width : nvec * simd::width;
}

// Computes the row panels [q_begin, q_end) of C (gemm_mr rows each), in the
// column tiles [t_begin, t_end).
template <std::size_t N, class Epilogue>
void gemm_tiles(std::size_t m, std::size_t k, const float* a, std::size_t a_rs, std::size_t a_cs, const float* b,
                float* c, bool accumulate, const Epilogue& epi, std::size_t q_begin, std::size_t q_end,
                std::size_t t_begin = 0, std::size_t t_end = gemm_column_tiles<N>) {
    constexpr std::size_t W = simd::width, MR = gemm_mr, NR = gemm_nr, KC = gemm_kc;
    constexpr std::size_t nvec = N / W;                  // whole vectors per row
    constexpr std::size_t ntail = N % W;                 // columns after them
    constexpr std::size_t nfull = (nvec + NR - 1) / NR;  // tiles of whole vectors
    constexpr std::size_t ntiles = nfull + (ntail ? 1 : 0);
    static_assert(ntiles >= 1 && ntiles == gemm_column_tiles<N>);
    if (q_begin >= q_end || t_begin >= t_end) return;

    alignas(64) float apack[MR * KC];
    // Without masked loads, the column tail is read from a zero-padded copy.
    constexpr bool copy_tail = ntail != 0 && !simd::masked_memory;
    alignas(64) float btail[copy_tail ? KC * W : 1];
    // In place when one stride is 1: X (a_cs == 1) and X^T (a_rs == 1, the
    // panel's rows adjacent for each p) both measured faster unpacked here.
    const bool pack_a = a_cs != 1 && a_rs != 1;

    const std::size_t nk = k == 0 ? 1 : (k + KC - 1) / KC;
    const std::size_t kcb = (k + nk - 1) / nk;  // balanced block length

    for (std::size_t qb = q_begin; qb < q_end; qb += gemm_mc_panels) {
        const std::size_t qe = std::min(q_end, qb + gemm_mc_panels);
        for (std::size_t kb = 0; kb < nk; ++kb) {
            const std::size_t p0 = kb * kcb;
            const std::size_t kc = std::min(k, p0 + kcb) - std::min(k, p0);
            const bool load_c = accumulate || kb > 0;
            const bool last = kb + 1 == nk;
            const float* bk = b + p0 * N;
            if constexpr (copy_tail) {
                if (t_end == ntiles)  // the tail tile is ours
                    for (std::size_t p = 0; p < kc; ++p)
                        for (std::size_t j = 0; j < W; ++j)
                            btail[p * W + j] = j < ntail ? bk[p * N + nvec * W + j] : 0.0f;
            }
            for (std::size_t q = qb; q < qe; ++q) {
                const std::size_t i0 = q * MR;
                const std::size_t mr = std::min(MR, m - i0);
                const float* ap;
                std::size_t ars, acs;
                if (pack_a) {
                    const float* src = a + i0 * a_rs + p0 * a_cs;
                    for (std::size_t p = 0; p < kc; ++p)
                        for (std::size_t r = 0; r < mr; ++r) apack[p * MR + r] = src[r * a_rs + p * a_cs];
                    ap = apack;
                    ars = 1;
                    acs = MR;
                } else {
                    ap = a + i0 * a_rs + p0 * a_cs;
                    ars = a_rs;
                    acs = a_cs;
                }
                // Ask for the next panel's rows of A while this one computes:
                // when A comes from memory (inference, m = 10000) its short
                // row pieces defeat the hardware prefetcher (74 -> 100 GFLOP/s).
                if (a_cs == 1 && i0 + MR < m) {
                    const std::size_t rn = std::min(MR, m - i0 - MR);
                    const float* an = a + (i0 + MR) * a_rs + p0;
                    for (std::size_t r = 0; r < rn; ++r)
                        for (std::size_t p = 0; p < kc; p += 16) __builtin_prefetch(an + r * a_rs + p);
                }
                float* ci = c + i0 * N;
                // k == 0 may come with b == nullptr: no arithmetic on it then (UB).
                const float* bk0 = kc ? bk : nullptr;
                std::size_t span_lo = N;  // first column not yet through the epilogue (N: none)
                for (std::size_t t = t_begin; t < t_end; ++t) {
                    const std::size_t j0 = tile_first_column<N>(t);
                    std::size_t j1;
                    if (t < nfull) {
                        const std::size_t nv = std::min(NR, nvec - t * NR);
                        j1 = j0 + nv * W;
                        // Only two widths occur: NR, and nvec % NR for the last tile.
                        constexpr std::size_t vlast = nvec % NR ? nvec % NR : NR;
                        // One row (batch-1 inference): NR chains alone wait on FMA
                        // latency; two tiles at once give twice as many. (Not
                        // instantiated for widths without two whole tiles.)
                        constexpr bool can_pair = nvec >= 2 * NR;
                        if (can_pair && mr == 1 && nv == NR && t + 1 < t_end && nvec >= (t + 2) * NR) {
                            if constexpr (can_pair) {
                                j1 = j0 + 2 * NR * W;
                                micro_kernel<1, 2 * NR, N, false>(kc, ap, ars, acs, bk0 ? bk0 + j0 : bk0, ci + j0, N,
                                                                  load_c, 0);
                                ++t;
                            }
                        } else if (nv == NR) {
                            dispatch_1_to<MR>(mr, [&](auto R) {
                                micro_kernel<R, NR, N, false>(kc, ap, ars, acs, bk0 ? bk0 + j0 : bk0, ci + j0, N, load_c, 0);
                            });
                        } else {
                            dispatch_1_to<MR>(mr, [&](auto R) {
                                micro_kernel<R, vlast, N, false>(kc, ap, ars, acs, bk0 ? bk0 + j0 : bk0, ci + j0, N, load_c, 0);
                            });
                        }
                    } else {
                        j1 = N;
                        dispatch_1_to<MR>(mr, [&](auto R) {
                            if constexpr (copy_tail)  // (btail is unset when kc == 0; B is not read then.)
                                micro_kernel<R, 1, W, true>(kc, ap, ars, acs, kc ? btail : b, ci + j0, N, load_c, ntail);
                            else
                                micro_kernel<R, 1, N, true>(kc, ap, ars, acs, bk0 ? bk0 + j0 : bk0, ci + j0, N, load_c,
                                                            ntail);
                        });
                    }
                    // The epilogue per row over a run of finished tiles, not per
                    // tile: fewer, longer calls while the rows are still in L1
                    // (the weight-gradient product's Adam update at 784 x 128 x
                    // 256: 84 instead of 114 us on one thread).
                    if constexpr (!std::is_same_v<Epilogue, NoEpilogue>) {
                        if (span_lo == N) span_lo = j0;
                        if (last && (t + 1 >= t_end || j1 - span_lo >= gemm_epilogue_columns)) {
                            for (std::size_t r = 0; r < mr; ++r) epi(i0 + r, span_lo, j1, ci + r * N);
                            span_lo = N;
                        }
                    }
                }
            }
        }
    }
}

}  // namespace detail

template <std::size_t N, std::size_t K = dynamic_extent, class Epilogue = NoEpilogue>
void gemm(std::size_t m, std::size_t k, const float* a, std::size_t a_rs, std::size_t a_cs, const float* b, float* c,
          bool accumulate, const Epilogue& epi = {}) {
    if constexpr (K != dynamic_extent) k = K;
    if (m == 0) return;
    const std::size_t npanels = (m + detail::gemm_mr - 1) / detail::gemm_mr;
    constexpr std::size_t ntiles = detail::gemm_column_tiles<N>;
    int threads = 1;
#if defined(_OPENMP)
    if (!omp_in_parallel()) threads = omp_get_max_threads();
#endif
    // Few rows and a large B (batch-1 inference): split the column tiles, so
    // each thread streams only its share of B, which then stays in its own
    // core's L2 from call to call (static split, same columns every call).
    if (threads > 1 && npanels < 2 * std::size_t(threads) && ntiles >= 2 &&
        double(k) * double(N) * sizeof(float) >= detail::gemm_column_split_bytes) {
#if defined(_OPENMP)
        const std::size_t teams = std::min<std::size_t>(std::size_t(threads), ntiles);
#pragma omp parallel for schedule(static, 1) num_threads(int(teams))
        for (std::size_t t = 0; t < teams; ++t)
            detail::gemm_tiles<N>(m, k, a, a_rs, a_cs, b, c, accumulate, epi, 0, npanels, t * ntiles / teams,
                                  (t + 1) * ntiles / teams);
        return;
#endif
    }
    if (m == 1 || 2.0 * double(m) * double(k) * double(N) < detail::gemm_parallel_flops) threads = 1;
    // Whole panels per thread; too few panels to balance: stay serial.
    threads = int(std::min<std::size_t>(std::size_t(threads), npanels / 2));
    if (threads <= 1) {
        detail::gemm_tiles<N>(m, k, a, a_rs, a_cs, b, c, accumulate, epi, 0, npanels);
        return;
    }
#if defined(_OPENMP)
    // Chunks of whole panels, handed out dynamically: a thread that loses its
    // core to another process does not hold the others up. Which thread gets
    // a chunk never changes how an element is computed.
    const std::size_t chunk = std::clamp<std::size_t>(npanels / (8 * std::size_t(threads)), 1, detail::gemm_mc_panels);
    const std::size_t nchunks = (npanels + chunk - 1) / chunk;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (std::size_t q = 0; q < nchunks; ++q)
        detail::gemm_tiles<N>(m, k, a, a_rs, a_cs, b, c, accumulate, epi, q * chunk,
                              std::min(npanels, (q + 1) * chunk));
#endif
}

}  // namespace ctnn::kernels
