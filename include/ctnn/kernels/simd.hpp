#pragma once
// ctnn::kernels::simd — the one short-vector type the kernels compute with.
//
// `vec` is a GCC/Clang vector extension of `width` floats, as wide as the
// widest vector unit the translation unit is compiled for: 16 with AVX-512,
// 8 with AVX, 4 otherwise (SSE2 on x86-64, NEON elsewhere). `registers` is
// how many such registers the target has; the micro-kernel sizes its
// accumulator block from it.
//
// Guarantees: `fma(a, b, c)` is the same instruction sequence everywhere it
// is used in one build (a fused multiply-add when the target has one,
// otherwise multiply then add), so every kernel path rounds alike and results
// do not depend on which path computed an element.
#include <cstddef>
#include <utility>

#if defined(__AVX__)
#include <immintrin.h>
#endif

namespace ctnn::kernels::simd {

#if defined(__AVX512F__)
inline constexpr std::size_t width = 16;
inline constexpr std::size_t registers = 32;
#elif defined(__AVX__)
inline constexpr std::size_t width = 8;
inline constexpr std::size_t registers = 16;
#else
inline constexpr std::size_t width = 4;
inline constexpr std::size_t registers = 16;
#endif

using vec = float __attribute__((vector_size(width * sizeof(float))));

[[gnu::always_inline]] inline vec load(const float* p) noexcept {
    vec v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

[[gnu::always_inline]] inline void store(float* p, vec v) noexcept { __builtin_memcpy(p, &v, sizeof v); }

// First n (< width) lanes from / to memory; the other lanes read as zero and
// are never touched in memory. With AVX-512 or AVX these are single masked
// instructions (`masked_memory`), cheap enough for an inner loop: gemm then
// reads a matrix's column tail in place instead of copying it.
#if defined(__AVX512F__)
inline constexpr bool masked_memory = true;
[[gnu::always_inline]] inline vec load_partial(const float* p, std::size_t n) noexcept {
    return (vec)_mm512_maskz_loadu_ps(__mmask16((1u << n) - 1), p);
}
[[gnu::always_inline]] inline void store_partial(float* p, vec v, std::size_t n) noexcept {
    _mm512_mask_storeu_ps(p, __mmask16((1u << n) - 1), (__m512)v);
}
#elif defined(__AVX__)
inline constexpr bool masked_memory = true;
// Lane l is active when its mask lane has the sign bit set: the first n.
[[gnu::always_inline]] inline __m256i lane_mask(std::size_t n) noexcept {
    static constexpr int ones_then_zeros[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ones_then_zeros + 8 - n));
}
[[gnu::always_inline]] inline vec load_partial(const float* p, std::size_t n) noexcept {
    return (vec)_mm256_maskload_ps(p, lane_mask(n));
}
[[gnu::always_inline]] inline void store_partial(float* p, vec v, std::size_t n) noexcept {
    _mm256_maskstore_ps(p, lane_mask(n), (__m256)v);
}
#else
inline constexpr bool masked_memory = false;
inline vec load_partial(const float* p, std::size_t n) noexcept {
    vec v{};
    for (std::size_t l = 0; l < n; ++l) v[l] = p[l];
    return v;
}
inline void store_partial(float* p, vec v, std::size_t n) noexcept {
    for (std::size_t l = 0; l < n; ++l) p[l] = v[l];
}
#endif

[[gnu::always_inline]] inline vec splat(float s) noexcept {
    return [s]<std::size_t... L>(std::index_sequence<L...>) { return vec{((void)L, s)...}; }(
        std::make_index_sequence<width>{});
}

// c + a * b
[[gnu::always_inline]] inline vec fma(vec a, vec b, vec c) noexcept {
#if defined(__AVX512F__)
    return (vec)_mm512_fmadd_ps((__m512)a, (__m512)b, (__m512)c);
#elif defined(__AVX__) && defined(__FMA__)
    return (vec)_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c);
#else
    // Two statements, not `c + a * b`: Clang (-ffp-contract=on) may fuse one
    // expression where it folds constants, so the rounding would differ
    // between call sites of one build.
    const vec p = a * b;
    return c + p;
#endif
}

// Calls f(std::integral_constant<std::size_t, I>{}) for I = 0 .. N-1, unrolled.
template <std::size_t N, class F>
[[gnu::always_inline]] inline void static_for(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (f(std::integral_constant<std::size_t, I>{}), ...);
    }(std::make_index_sequence<N>{});
}

}  // namespace ctnn::kernels::simd
