#pragma once
// ctnn_test::fma_step(a, b, c) — c + a * b rounded the way
// ctnn::kernels::simd::fma documents for this target, one scalar at a time:
// once (fused, std::fma) when the target has FMA, else the product and then
// the sum, each rounded to float. fma_step_known is false where the test
// cannot tell which of the two the compiler emits for the kernels (non-x86
// targets, where `c + a * b` may be contracted); there only tolerances hold.
#include <cmath>

namespace ctnn_test {

#if defined(__AVX512F__) || (defined(__AVX__) && defined(__FMA__))
inline constexpr bool fma_step_fused = true;
inline constexpr bool fma_step_known = true;
#elif defined(__x86_64__) || defined(__i386__)
inline constexpr bool fma_step_fused = false;  // x86 without FMA: nothing to contract into
inline constexpr bool fma_step_known = true;
#else
inline constexpr bool fma_step_fused = false;
inline constexpr bool fma_step_known = false;
#endif

inline float fma_step(float a, float b, float c) {
    if constexpr (fma_step_fused) return std::fma(a, b, c);
    volatile float product = a * b;  // rounded to float before the sum
    return c + product;
}

}  // namespace ctnn_test
