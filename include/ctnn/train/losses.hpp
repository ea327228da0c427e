#pragma once
// ctnn losses: categorical_crossentropy, binary_crossentropy,
// mean_squared_error, mean_absolute_error — Keras 2.x semantics.
//
// Contract: each loss is a tag type with a constexpr instance of Keras' name
// (`ctnn::categorical_crossentropy`). For a batch of `rows` samples of width
// n, `row_loss(p, t, n)` is one sample's loss and `add_row_gradient` writes
// dL/dp for one sample scaled by `scale` (the caller passes 1/rows: Keras'
// SUM_OVER_BATCH_SIZE reduction). Probabilities are clipped to
// [1e-7, 1 - 1e-7] as keras.backend does; crossentropy normalises p first.
// Fused forms (chosen by the compiler in the training plan):
//   Softmax + categorical_crossentropy: loss from the logits (log-sum-exp,
//     no clipping, as Keras' graph-mode fusion), gradient p - t;
//   Sigmoid + binary_crossentropy: gradient (p - t) / n, loss as unfused.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string_view>

namespace ctnn {

inline constexpr float keras_epsilon = 1e-7f;

struct CategoricalCrossentropy {
    static constexpr std::string_view name = "categorical_crossentropy";
    static double row_loss(const float* p, const float* t, std::size_t n) noexcept {
        double s = 0.0;
        for (std::size_t j = 0; j < n; ++j) s += p[j];
        double loss = 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            const double q = std::clamp(p[j] / s, double(keras_epsilon), 1.0 - keras_epsilon);
            loss -= t[j] * std::log(q);
        }
        return loss;
    }
    // L = -sum_j t_j log(clip(p_j / S)); dq_j/dp_k = (delta_jk - q_j) / S and a
    // clipped q_j passes no gradient (clip_by_value's gradient).
    static void row_gradient(const float* p, const float* t, float* g, std::size_t n, float scale) noexcept {
        double s = 0.0;
        for (std::size_t j = 0; j < n; ++j) s += p[j];
        double common = 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            const double q = p[j] / s;
            if (q > keras_epsilon && q < 1.0 - keras_epsilon) common += t[j];
        }
        for (std::size_t j = 0; j < n; ++j) {
            const double q = p[j] / s;
            const bool live = q > keras_epsilon && q < 1.0 - keras_epsilon;
            const double own = live ? -t[j] / q : 0.0;
            g[j] = static_cast<float>(scale * (own + common) / s);
        }
    }
};

struct BinaryCrossentropy {
    static constexpr std::string_view name = "binary_crossentropy";
    static double row_loss(const float* p, const float* t, std::size_t n) noexcept {
        double loss = 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            const double q = std::clamp(double(p[j]), double(keras_epsilon), 1.0 - keras_epsilon);
            loss -= t[j] * std::log(q + keras_epsilon) + (1.0 - t[j]) * std::log(1.0 - q + keras_epsilon);
        }
        return loss / double(n);
    }
    static void row_gradient(const float* p, const float* t, float* g, std::size_t n, float scale) noexcept {
        for (std::size_t j = 0; j < n; ++j) {
            const double q = p[j];
            const bool live = q > keras_epsilon && q < 1.0 - keras_epsilon;
            const double d = live ? -(t[j] / (q + keras_epsilon) - (1.0 - t[j]) / (1.0 - q + keras_epsilon)) : 0.0;
            g[j] = static_cast<float>(scale * d / double(n));
        }
    }
};

struct MeanSquaredError {
    static constexpr std::string_view name = "mean_squared_error";
    static double row_loss(const float* p, const float* t, std::size_t n) noexcept {
        double s = 0.0;
        for (std::size_t j = 0; j < n; ++j) s += double(p[j] - t[j]) * (p[j] - t[j]);
        return s / double(n);
    }
    static void row_gradient(const float* p, const float* t, float* g, std::size_t n, float scale) noexcept {
        for (std::size_t j = 0; j < n; ++j) g[j] = scale * 2.0f * (p[j] - t[j]) / float(n);
    }
};

struct MeanAbsoluteError {
    static constexpr std::string_view name = "mean_absolute_error";
    static double row_loss(const float* p, const float* t, std::size_t n) noexcept {
        double s = 0.0;
        for (std::size_t j = 0; j < n; ++j) s += std::fabs(double(p[j]) - t[j]);
        return s / double(n);
    }
    static void row_gradient(const float* p, const float* t, float* g, std::size_t n, float scale) noexcept {
        for (std::size_t j = 0; j < n; ++j) {
            const float d = p[j] - t[j];
            g[j] = scale * (d > 0.0f ? 1.0f : (d < 0.0f ? -1.0f : 0.0f)) / float(n);
        }
    }
};

inline constexpr CategoricalCrossentropy categorical_crossentropy{};
inline constexpr BinaryCrossentropy binary_crossentropy{};
inline constexpr MeanSquaredError mean_squared_error{};
inline constexpr MeanAbsoluteError mean_absolute_error{};

// Softmax + categorical crossentropy on one row of logits z (overwritten by
// p = softmax(z)); returns the row's loss -sum t (z - logsumexp z).
inline double softmax_crossentropy_row(float* z, const float* t, std::size_t n) noexcept {
    float mx = z[0];
    for (std::size_t j = 1; j < n; ++j) mx = std::max(mx, z[j]);
    double sum = 0.0;
    for (std::size_t j = 0; j < n; ++j) sum += std::exp(double(z[j] - mx));
    const double lse = std::log(sum);
    double loss = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
        const double logp = double(z[j] - mx) - lse;
        loss -= t[j] * logp;
        z[j] = static_cast<float>(std::exp(logp));
    }
    return loss;
}

}  // namespace ctnn
