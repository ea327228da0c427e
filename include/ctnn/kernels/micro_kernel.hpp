#pragma once
// ctnn::kernels::detail::micro_kernel — the register-blocked inner loop of gemm.
//
// Computes an R x (V * simd::width) tile of C held in R * V vector
// accumulators (independent FMA chains):
//   acc[r][v] = load_c ? C tile : 0
//   for p < kc:  acc[r][v] = fma(A(r, p), B[p, v-th vector], acc[r][v])
//   C tile = acc
// with A(r, p) = a[r * ars + p * acs] (a packed panel or A itself), B rows
// LDB floats apart. With Partial, V must be 1 and only the first `ncols`
// columns of C are read and written (the column tail of a matrix whose width
// is not a multiple of the vector width); B's tail is then read in place with
// masked loads where the target has them (simd::masked_memory), otherwise B
// points at a zero-padded copy.
//
// Every element goes through the same chain of fma's in increasing p, whatever
// R, V or Partial: splitting C into tiles differently never changes a bit.
#include <cstddef>

#include "ctnn/kernels/simd.hpp"

namespace ctnn::kernels::detail {

template <std::size_t R, std::size_t V, std::size_t LDB, bool Partial>
inline void micro_kernel(std::size_t kc, const float* a, std::size_t ars, std::size_t acs, const float* b, float* c,
                         std::size_t ldc, bool load_c, std::size_t ncols) noexcept {
    static_assert(!Partial || V == 1);
    using simd::vec;
    constexpr std::size_t W = simd::width;
    vec acc[R][V];
    if (load_c) {
        simd::static_for<R>([&](auto r) {
            simd::static_for<V>([&](auto v) {
                if constexpr (Partial)
                    acc[r][v] = simd::load_partial(c + r * ldc, ncols);
                else
                    acc[r][v] = simd::load(c + r * ldc + v * W);
            });
        });
    } else {
        simd::static_for<R>([&](auto r) { simd::static_for<V>([&](auto v) { acc[r][v] = vec{}; }); });
    }
    // Row offsets of A, hoisted so each broadcast is one addressed load.
    std::size_t aoff[R];
    simd::static_for<R>([&](auto r) { aoff[r] = r * ars; });
    for (std::size_t p = 0; p < kc; ++p) {
        vec bv[V];
        simd::static_for<V>([&](auto v) {
            if constexpr (Partial && simd::masked_memory)
                bv[v] = simd::load_partial(b, ncols);
            else
                bv[v] = simd::load(b + v * W);
        });
        simd::static_for<R>([&](auto r) {
            const vec ar = simd::splat(a[aoff[r]]);
            simd::static_for<V>([&](auto v) { acc[r][v] = simd::fma(ar, bv[v], acc[r][v]); });
        });
        a += acs;
        b += LDB;
    }
    simd::static_for<R>([&](auto r) {
        simd::static_for<V>([&](auto v) {
            if constexpr (Partial)
                simd::store_partial(c + r * ldc, acc[r][v], ncols);
            else
                simd::store(c + r * ldc + v * W, acc[r][v]);
        });
    });
}

}  // namespace ctnn::kernels::detail
