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
// Once a tile of C is final, `epi(i, j0, j1, c_row)` is called for each row i
// of the tile with the columns [j0, j1), c_row pointing at C[i, 0]: the fused
// bias / activation / dropout / gradient epilogue, applied while the tile is
// still in cache. It is called exactly once for each (i, j) and from several
// OpenMP threads for distinct rows, so it must not share mutable state.
// Guarantees: each C[i, j] sums over p in increasing order whatever the thread
// count, so results are bit-identical across thread counts.
#include <cstddef>
#include <span>

namespace ctnn::kernels {

inline constexpr std::size_t dynamic_extent = std::dynamic_extent;

struct NoEpilogue {
    void operator()(std::size_t, std::size_t, std::size_t, float*) const noexcept {}
};

template <std::size_t N, std::size_t K = dynamic_extent, class Epilogue = NoEpilogue>
void gemm(std::size_t m, std::size_t k, const float* a, std::size_t a_rs, std::size_t a_cs, const float* b, float* c,
          bool accumulate, const Epilogue& epi = {}) {
    if constexpr (K != dynamic_extent) k = K;
#pragma omp parallel for schedule(static) if (m * k * N > 200000)
    for (std::size_t i = 0; i < m; ++i) {
        float* ci = c + i * N;
        if (!accumulate)
            for (std::size_t j = 0; j < N; ++j) ci[j] = 0.0f;
        for (std::size_t p = 0; p < k; ++p) {
            const float aip = a[i * a_rs + p * a_cs];
            const float* bp = b + p * N;
#pragma omp simd
            for (std::size_t j = 0; j < N; ++j) ci[j] += aip * bp[j];
        }
        epi(i, 0, N, ci);
    }
}

}  // namespace ctnn::kernels
