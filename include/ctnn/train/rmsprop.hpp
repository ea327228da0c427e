#pragma once
// ctnn::RMSprop — Keras' RMSprop (tf.keras 2.x rules, both code paths).
//
// Contract: defaults learning_rate 0.001, rho 0.9, momentum 0, epsilon 1e-7,
// centered false, decay 0. lr_t = lr / (1 + decay * iterations).
//   momentum == 0 (Keras' Python path, epsilon outside the root):
//     rms = rho rms + (1 - rho) g^2;  [mg = rho mg + (1 - rho) g; d = rms - mg^2]
//     w -= lr_t g / (sqrt(d) + epsilon)            (d = rms when not centered)
//   momentum  > 0 (ResourceApplyRMSProp, epsilon inside the root):
//     rms as above; mom = momentum mom + lr_t g / sqrt(d + epsilon); w -= mom
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ctnn/core/aligned_allocator.hpp"

namespace ctnn {

struct RMSprop {
    static constexpr const char* name = "RMSprop";
    float learning_rate = 0.001f;
    float rho = 0.9f;
    float momentum = 0.0f;
    float epsilon = 1e-7f;
    bool centered = false;
    float decay = 0.0f;

    struct Slot {
        aligned_vector<float> rms, mg, mom;
    };

    void validate() const {}

    void update(Slot& s, float* w, const float* g, std::size_t n, std::int64_t iterations) const {
        const float lr = learning_rate / (1.0f + decay * static_cast<float>(iterations));
        if (s.rms.size() != n) s.rms.assign(n, 0.0f);
        if (centered && s.mg.size() != n) s.mg.assign(n, 0.0f);
        if (momentum > 0.0f && s.mom.size() != n) s.mom.assign(n, 0.0f);
        float* rms = s.rms.data();
        float* mg = centered ? s.mg.data() : nullptr;
        float* mom = momentum > 0.0f ? s.mom.data() : nullptr;
        const float r = rho, eps = epsilon, mu = momentum;
#pragma omp parallel for schedule(static) if (n > 32768)
        for (std::size_t i = 0; i < n; ++i) {
            rms[i] = r * rms[i] + (1.0f - r) * g[i] * g[i];
            float d = rms[i];
            if (mg) {
                mg[i] = r * mg[i] + (1.0f - r) * g[i];
                d -= mg[i] * mg[i];
            }
            if (mom) {
                mom[i] = mu * mom[i] + lr * g[i] / std::sqrt(d + eps);
                w[i] -= mom[i];
            } else {
                w[i] -= lr * g[i] / (std::sqrt(d) + eps);
            }
        }
    }
};

}  // namespace ctnn
