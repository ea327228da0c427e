#pragma once
// ctnn::kernels::transpose — dst = src^T for a row-major R x C matrix.
//
// Contract: src is R x C row-major (row stride C), dst is C x R row-major
// (row stride R); they must not overlap. Every element is copied exactly.
// No allocation; OpenMP-parallel from 32,768 elements (rows of tiles split
// among the threads), serial below and when called inside a parallel region.
//
// Why blocked: the naive loop writes dst with a stride of R floats, one cache
// line per element; on the 256 x 256 kernel of the Listing model that was 95 %
// of the non-GEMM time of a training step (~100 us per step, measured with
// perf). Tiles of 16 x 16 keep both sides' lines in L1 while they are used.
// With AVX-512 a whole 16 x 16 tile is transposed in registers (16 loads, 48
// shuffles, 16 stores). What is left is moving the lines between L2 and L1
// (each line of both sides passes once), so large matrices are also split
// among the threads: the 256 x 256 kernel took 19.6 us serial with scalar
// tiles, 15.6 us with register tiles, 10.0 us on two threads.
#include <algorithm>
#include <cstddef>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace ctnn::kernels {

namespace detail {

// Matrices at least this large are transposed by all threads.
inline constexpr std::size_t transpose_parallel_elements = 32768;

// The tile [i0, i1) x [j0, j1) element by element.
inline void transpose_tile(const float* __restrict src, float* __restrict dst, std::size_t R, std::size_t C,
                           std::size_t i0, std::size_t i1, std::size_t j0, std::size_t j1) noexcept {
    for (std::size_t j = j0; j < j1; ++j)
        for (std::size_t i = i0; i < i1; ++i) dst[j * R + i] = src[i * C + j];
}

#if defined(__AVX512F__)
// A full 16 x 16 tile at src (row stride C) to dst (row stride R), in
// registers. Written with __builtin_shufflevector (GCC 12, Clang) rather than
// the AVX-512 intrinsics, whose _mm512_undefined_ps trips GCC 12's
// -Wuninitialized; the compiler emits the same unpack / shuffle instructions.
using tile_row = float __attribute__((vector_size(64)));
inline void transpose_16x16(const float* __restrict src, float* __restrict dst, std::size_t R,
                            std::size_t C) noexcept {
    tile_row r[16], t[16];
    for (std::size_t i = 0; i < 16; ++i) __builtin_memcpy(&r[i], src + i * C, sizeof(tile_row));
    // Pairs of rows interleaved: in each 128-bit lane L, t[2i] holds columns
    // 4L, 4L+1 and t[2i+1] columns 4L+2, 4L+3 of rows 2i and 2i+1.
    for (std::size_t i = 0; i < 8; ++i) {
        t[2 * i] = __builtin_shufflevector(r[2 * i], r[2 * i + 1], 0, 16, 1, 17, 4, 20, 5, 21, 8, 24, 9, 25, 12, 28,
                                           13, 29);
        t[2 * i + 1] = __builtin_shufflevector(r[2 * i], r[2 * i + 1], 2, 18, 3, 19, 6, 22, 7, 23, 10, 26, 11, 27, 14,
                                               30, 15, 31);
    }
    // Quads: lane L of r[4i + c] holds rows 4i..4i+3 of column 4L + c.
    for (std::size_t i = 0; i < 4; ++i) {
        const tile_row a = t[4 * i], b = t[4 * i + 1], c = t[4 * i + 2], d = t[4 * i + 3];
        r[4 * i] = __builtin_shufflevector(a, c, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
        r[4 * i + 1] = __builtin_shufflevector(a, c, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
        r[4 * i + 2] = __builtin_shufflevector(b, d, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
        r[4 * i + 3] = __builtin_shufflevector(b, d, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
    }
    // Lanes gathered across the four quads: output row 4L + c takes lane L
    // of r[c], r[4 + c], r[8 + c], r[12 + c].
    for (std::size_t c = 0; c < 4; ++c) {
        // lanes 0, 2 and lanes 1, 3 of two registers
#define CTNN_LANES_02 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27
#define CTNN_LANES_13 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31
        const tile_row x = __builtin_shufflevector(r[c], r[4 + c], CTNN_LANES_02);
        const tile_row y = __builtin_shufflevector(r[c], r[4 + c], CTNN_LANES_13);
        const tile_row z = __builtin_shufflevector(r[8 + c], r[12 + c], CTNN_LANES_02);
        const tile_row w = __builtin_shufflevector(r[8 + c], r[12 + c], CTNN_LANES_13);
        const tile_row out0 = __builtin_shufflevector(x, z, CTNN_LANES_02);
        const tile_row out1 = __builtin_shufflevector(y, w, CTNN_LANES_02);
        const tile_row out2 = __builtin_shufflevector(x, z, CTNN_LANES_13);
        const tile_row out3 = __builtin_shufflevector(y, w, CTNN_LANES_13);
#undef CTNN_LANES_02
#undef CTNN_LANES_13
        __builtin_memcpy(dst + c * R, &out0, sizeof(tile_row));
        __builtin_memcpy(dst + (4 + c) * R, &out1, sizeof(tile_row));
        __builtin_memcpy(dst + (8 + c) * R, &out2, sizeof(tile_row));
        __builtin_memcpy(dst + (12 + c) * R, &out3, sizeof(tile_row));
    }
}
#endif

// dst = src^T with run-time extents (R x C row-major to C x R). Out of line
// so that constant extents are not propagated into it: GCC 12 would then warn
// (-Warray-bounds) about the register-tile path on matrices too small to take
// it. transpose<R, C> and the benchmarks' dynamic twin both call it.
[[gnu::noinline]] inline void transpose(const float* __restrict src, float* __restrict dst, std::size_t R,
                                        std::size_t C) noexcept {
    constexpr std::size_t T = 16;
    const std::size_t row_blocks = (R + T - 1) / T;
    const auto rows = [&](std::size_t b0, std::size_t b1) {
        for (std::size_t i0 = b0 * T; i0 < std::min(R, b1 * T); i0 += T) {
            const std::size_t i1 = std::min(R, i0 + T);
            for (std::size_t j0 = 0; j0 < C; j0 += T) {
                const std::size_t j1 = std::min(C, j0 + T);
#if defined(__AVX512F__)
                if (i1 - i0 == T && j1 - j0 == T) {
                    transpose_16x16(src + i0 * C + j0, dst + j0 * R + i0, R, C);
                    continue;
                }
#endif
                transpose_tile(src, dst, R, C, i0, i1, j0, j1);
            }
        }
    };
    // Bound by moving lines between L2 and L1, not by the shuffles: a large
    // matrix is split among the threads (the other core would only wait).
#if defined(_OPENMP)
    if (R * C >= transpose_parallel_elements && row_blocks >= 2 && !omp_in_parallel() && omp_get_max_threads() > 1) {
#pragma omp parallel
        {
            const std::size_t t = std::size_t(omp_get_thread_num()), n = std::size_t(omp_get_num_threads());
            rows(row_blocks * t / n, row_blocks * (t + 1) / n);
        }
        return;
    }
#endif
    rows(0, row_blocks);
}

}  // namespace detail

template <std::size_t R, std::size_t C>
void transpose(const float* __restrict src, float* __restrict dst) noexcept {
    detail::transpose(src, dst, R, C);
}

}  // namespace ctnn::kernels
