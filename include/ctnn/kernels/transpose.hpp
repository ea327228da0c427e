#pragma once
// ctnn::kernels::transpose — dst = src^T for a row-major R x C matrix.
//
// Contract: src is R x C row-major (row stride C), dst is C x R row-major
// (row stride R); they must not overlap. Every element is copied exactly.
// No allocation, serial (the backward pass calls it once per Dense per step
// on a few hundred KB at most).
//
// Why blocked: the naive loop writes dst with a stride of R floats, one cache
// line per element; on the 256 x 256 kernel of the Listing model that was 95 %
// of the non-GEMM time of a training step (~100 us per step, measured with
// perf). Tiles of 16 x 16 keep both sides' lines in L1 while they are used.
#include <algorithm>
#include <cstddef>

namespace ctnn::kernels {

template <std::size_t R, std::size_t C>
void transpose(const float* __restrict src, float* __restrict dst) noexcept {
    constexpr std::size_t T = 16;
    for (std::size_t i0 = 0; i0 < R; i0 += T) {
        const std::size_t i1 = std::min(R, i0 + T);
        for (std::size_t j0 = 0; j0 < C; j0 += T) {
            const std::size_t j1 = std::min(C, j0 + T);
            for (std::size_t j = j0; j < j1; ++j)
                for (std::size_t i = i0; i < i1; ++i) dst[j * R + i] = src[i * C + j];
        }
    }
}

}  // namespace ctnn::kernels
