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
// A negative learning_rate or decay throws std::invalid_argument (Keras:
// ValueError) when the Optimizer is made.
// One fused pass over each parameter tensor (Step; Optimizer runs it in
// parallel, or the model inside its weight-gradient product).
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ctnn/core/aligned_allocator.hpp"
#include "ctnn/train/hyperparameters.hpp"

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

    void validate() const { detail::require_non_negative("Adam", learning_rate, decay); }

    // This step's update of one tensor of n elements, applicable to any
    // range of it (the fused weight-gradient epilogue applies it tile by
    // tile). prepare sizes the slot and works out lr_t once per step.
    struct Step {
        float* m;
        float* v;
        float* vhat;  // amsgrad only, else null
        float lr_t, b1, b2, eps;
        // Elements [offset, offset + count): w and g point at element offset.
        void operator()(std::size_t offset, std::size_t count, float* w, const float* g) const noexcept {
            // Members to locals: GCC vectorises only then (see sequential.hpp).
            float* mo = m + offset;
            float* vo = v + offset;
            const float lr = lr_t, c1 = b1, c2 = b2, e = eps;
            if (vhat) {
                float* ho = vhat + offset;
                for (std::size_t i = 0; i < count; ++i) {
                    mo[i] = c1 * mo[i] + (1.0f - c1) * g[i];
                    vo[i] = c2 * vo[i] + (1.0f - c2) * g[i] * g[i];
                    ho[i] = ho[i] > vo[i] ? ho[i] : vo[i];
                    w[i] -= lr * mo[i] / (std::sqrt(ho[i]) + e);
                }
            } else {
                // No `simd` pragma: Clang cannot promise it around std::sqrt;
                // the vectoriser does it under -fno-math-errno.
                for (std::size_t i = 0; i < count; ++i) {
                    mo[i] = c1 * mo[i] + (1.0f - c1) * g[i];
                    vo[i] = c2 * vo[i] + (1.0f - c2) * g[i] * g[i];
                    w[i] -= lr * mo[i] / (std::sqrt(vo[i]) + e);
                }
            }
        }
    };

    Step prepare(Slot& s, std::size_t n, std::int64_t iterations) const {
        if (s.m.size() != n) {
            s.m.assign(n, 0.0f);
            s.v.assign(n, 0.0f);
        }
        if (amsgrad && s.vhat.size() != n) s.vhat.assign(n, 0.0f);
        const double t = static_cast<double>(iterations + 1);
        const double lr = double(learning_rate) / (1.0 + double(decay) * double(iterations));
        const float lr_t = static_cast<float>(lr * std::sqrt(1.0 - std::pow(double(beta_2), t)) /
                                              (1.0 - std::pow(double(beta_1), t)));
        return {s.m.data(), s.v.data(), amsgrad ? s.vhat.data() : nullptr, lr_t, beta_1, beta_2, epsilon};
    }
};

}  // namespace ctnn
