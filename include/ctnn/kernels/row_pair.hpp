#pragma once
// ctnn::kernels::row_pair — two consecutive Dense products for one row
// (batch-1 inference), split over the cores by the hidden width.
//
// Contract:
//   h = x · B1                 x: 1 x K, B1: K x N1 row-major, h: N1 floats;
//                              epi1(0, j0, j1, h) on each finished run of
//                              h's columns (as kernels::gemm calls it)
//   y = Σ_g h[cols g] · B2[rows g]   B2: N1 x N2 row-major, y: N2 floats,
//                              the groups g summed in increasing order;
//                              then epi2(0, 0, N2, y) once
// The N1 columns are cut into row_pair_groups<N1> fixed groups of whole
// column tiles. The groups never depend on the thread count, so neither does
// any bit of h or y. y differs from the single product h · B2 by rounding
// only: its sum over N1 is split into up to four parts, added in order.
// No allocation: the groups' partial sums live on the stack (groups x N2
// floats). Serial inside an OpenMP parallel region.
//
// Why: batch-1 latency is weight streaming (2 FLOP per weight read from L2).
// gemm already splits one row's column tiles between the cores, but for two
// products in a row that costs a fork/join each, and the second product needs
// all of h, half of it computed on the other core. Here each thread computes
// its columns of h and, with only those, its rows of B2 — both products'
// weights stay split between the cores' L2 from call to call, one fork/join
// serves both, and the cores exchange only the N2-wide partial sums, after
// the join. Sequential::predict_one of the Listing model (784-256-256-10)
// on two cores: 7.2-7.8 -> 6.2-6.3 us (bench_mlp, BM_CtnnFused_Forward at
// batch 1, old and new builds run alternately).
#include <algorithm>
#include <array>
#include <cstddef>

#include "ctnn/kernels/gemm.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace ctnn::kernels {

// How many parts the hidden width is cut into: whole column tiles, at most
// four (the cores that can usefully share one sample's weights here).
template <std::size_t N1>
inline constexpr std::size_t row_pair_groups = std::min<std::size_t>(detail::gemm_column_tiles<N1>, 4);

template <std::size_t K, std::size_t N1, std::size_t N2, class Epilogue1, class Epilogue2>
void row_pair(const float* x, const float* b1, float* h, const Epilogue1& epi1, const float* b2, float* y,
              const Epilogue2& epi2) {
    constexpr std::size_t groups = row_pair_groups<N1>, tiles = detail::gemm_column_tiles<N1>;
    alignas(64) std::array<std::array<float, N2>, groups> partial;
    // Groups [g0, g1): their tiles of h, then each group's partial sum.
    const auto work = [&](std::size_t g0, std::size_t g1) {
        detail::gemm_tiles<N1>(1, K, x, K, 1, b1, h, false, epi1, 0, 1, g0 * tiles / groups, g1 * tiles / groups);
        for (std::size_t g = g0; g < g1; ++g) {
            const std::size_t c0 = detail::tile_first_column<N1>(g * tiles / groups);
            const std::size_t c1 = detail::tile_first_column<N1>((g + 1) * tiles / groups);
            detail::gemm_tiles<N2>(1, c1 - c0, h + c0, N1, 1, b2 + c0 * N2, partial[g].data(), false, NoEpilogue{},
                                   0, 1);
        }
    };
    int threads = 1;
#if defined(_OPENMP)
    if (!omp_in_parallel()) threads = std::min(omp_get_max_threads(), int(groups));
    if (threads > 1) {
#pragma omp parallel num_threads(threads)
        {
            const auto t = std::size_t(omp_get_thread_num()), n = std::size_t(omp_get_num_threads());
            work(t * groups / n, (t + 1) * groups / n);
        }
    }
#endif
    if (threads <= 1) work(0, groups);
    std::copy(partial[0].begin(), partial[0].end(), y);
    for (std::size_t g = 1; g < groups; ++g) {
        const float* p = partial[g].data();
#pragma omp simd
        for (std::size_t j = 0; j < N2; ++j) y[j] += p[j];
    }
    epi2(0, 0, N2, y);
}

}  // namespace ctnn::kernels
