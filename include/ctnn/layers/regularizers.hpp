#pragma once
// ctnn regularizers: L1, L2, L1L2 (Keras' kernel_/bias_/activity_regularizer).
//
// Contract: a Regularizer is a run-time value {l1, l2}; the penalty of a
// tensor w is l1 * sum|w| + l2 * sum w^2 — Keras' formula: no 1/2 factor and
// not divided by the batch size (the activity penalty alone is divided by the
// batch size, as Keras 2.x does in Layer._handle_activity_regularization).
// The default-constructed Regularizer is "None": zero penalty, zero cost.
// Factories follow Keras' defaults: L1() = 0.01, L2() = 0.01, L1L2() = (0, 0).
#include <cmath>
#include <cstddef>

namespace ctnn {

struct Regularizer {
    float l1 = 0.0f;
    float l2 = 0.0f;

    constexpr bool active() const noexcept { return l1 != 0.0f || l2 != 0.0f; }

    double penalty(const float* w, std::size_t n) const noexcept {
        if (!active()) return 0.0;
        double s1 = 0.0, s2 = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            s1 += std::fabs(w[i]);
            s2 += double(w[i]) * w[i];
        }
        return l1 * s1 + l2 * s2;
    }
    // d(penalty)/dw_i, scaled by `scale`.
    float gradient(float w, float scale = 1.0f) const noexcept {
        const float sign = w > 0.0f ? 1.0f : (w < 0.0f ? -1.0f : 0.0f);
        return scale * (l1 * sign + 2.0f * l2 * w);
    }
    // Adds the gradient to g (one pass).
    void add_gradient(const float* w, float* g, std::size_t n) const noexcept {
        if (!active()) return;
#pragma omp simd
        for (std::size_t i = 0; i < n; ++i) g[i] += gradient(w[i]);
    }
};

constexpr Regularizer L1(float l1 = 0.01f) noexcept { return {l1, 0.0f}; }
constexpr Regularizer L2(float l2 = 0.01f) noexcept { return {0.0f, l2}; }
constexpr Regularizer L1L2(float l1 = 0.0f, float l2 = 0.0f) noexcept { return {l1, l2}; }

}  // namespace ctnn
