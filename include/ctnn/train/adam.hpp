#pragma once
// ctnn::Adam — Keras' Adam (tf.keras 2.x OptimizerV2 rule).
//
// Contract: defaults learning_rate 0.001, beta_1 0.9, beta_2 0.999,
// epsilon 1e-7, amsgrad false, decay 0. With t = iterations + 1 and
// lr = learning_rate / (1 + decay * iterations):
//   lr_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
//   m = beta_1 m + (1 - beta_1) g;   v = beta_2 v + (1 - beta_2) g^2
//   w -= lr_t * m / (sqrt(v) + epsilon)          (amsgrad: vhat = max(vhat, v))
// epsilon is "epsilon hat": outside the bias correction, as Keras does.
// One fused pass over each parameter tensor.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ctnn/core/aligned_allocator.hpp"

namespace ctnn {

struct Adam {
    static constexpr const char* name = "Adam";
    float learning_rate = 0.001f;
    float beta_1 = 0.9f;
    float beta_2 = 0.999f;
    float epsilon = 1e-7f;
    bool amsgrad = false;
    float decay = 0.0f;

    struct Slot {
        aligned_vector<float> m, v, vhat;
    };

    void validate() const {}

    void update(Slot& s, float* w, const float* g, std::size_t n, std::int64_t iterations) const {
        if (s.m.size() != n) {
            s.m.assign(n, 0.0f);
            s.v.assign(n, 0.0f);
            if (amsgrad) s.vhat.assign(n, 0.0f);
        }
        const double t = static_cast<double>(iterations + 1);
        const double lr = double(learning_rate) / (1.0 + double(decay) * double(iterations));
        const float lr_t = static_cast<float>(lr * std::sqrt(1.0 - std::pow(double(beta_2), t)) /
                                              (1.0 - std::pow(double(beta_1), t)));
        float* m = s.m.data();
        float* v = s.v.data();
        float* vhat = amsgrad ? s.vhat.data() : nullptr;
        const float b1 = beta_1, b2 = beta_2, eps = epsilon;
        if (vhat) {
#pragma omp parallel for schedule(static) if (n > 32768)
            for (std::size_t i = 0; i < n; ++i) {
                m[i] = b1 * m[i] + (1.0f - b1) * g[i];
                v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
                vhat[i] = vhat[i] > v[i] ? vhat[i] : v[i];
                w[i] -= lr_t * m[i] / (std::sqrt(vhat[i]) + eps);
            }
        } else {
            // No `simd` in the pragma: Clang cannot promise it around std::sqrt;
            // the vectoriser does it under -fno-math-errno.
#pragma omp parallel for schedule(static) if (n > 32768)
            for (std::size_t i = 0; i < n; ++i) {
                m[i] = b1 * m[i] + (1.0f - b1) * g[i];
                v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
                w[i] -= lr_t * m[i] / (std::sqrt(v[i]) + eps);
            }
        }
    }
};

}  // namespace ctnn
