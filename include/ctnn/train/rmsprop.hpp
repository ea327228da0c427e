#pragma once
// ctnn::RMSprop — Keras' RMSprop (tf.keras 2.x rules, both code paths).
//
// Contract: defaults learning_rate 0.001, rho 0.9, momentum 0, epsilon 1e-7,
// centered false, decay 0. lr_t = lr / (1 + decay * iterations). A negative
// learning_rate or decay throws std::invalid_argument (Keras: ValueError)
// when the Optimizer is made.
//   momentum == 0 (Keras' Python path, epsilon outside the root):
//     rms = rho rms + (1 - rho) g^2;  [mg = rho mg + (1 - rho) g; d = rms - mg^2]
//     w -= lr_t g / (sqrt(d) + epsilon)            (d = rms when not centered)
//   momentum  > 0 (ResourceApplyRMSProp, epsilon inside the root):
//     rms as above; mom = momentum mom + lr_t g / sqrt(d + epsilon); w -= mom
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ctnn/core/aligned_allocator.hpp"
#include "ctnn/train/hyperparameters.hpp"

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

    void validate() const { detail::require_non_negative("RMSprop", learning_rate, decay); }

    // This step's update of one tensor, applicable to any range of it (see
    // Adam::Step).
    struct Step {
        float* rms;
        float* mg;   // centered only, else null
        float* mom;  // momentum > 0 only, else null
        float lr, rho, eps, mu;
        void operator()(std::size_t offset, std::size_t count, float* w, const float* g) const noexcept {
            float* ro = rms + offset;
            float* go = mg ? mg + offset : nullptr;
            float* mo = mom ? mom + offset : nullptr;
            const float l = lr, r = rho, e = eps, u = mu;
            for (std::size_t i = 0; i < count; ++i) {
                ro[i] = r * ro[i] + (1.0f - r) * g[i] * g[i];
                float d = ro[i];
                if (go) {
                    go[i] = r * go[i] + (1.0f - r) * g[i];
                    d -= go[i] * go[i];
                }
                if (mo) {
                    mo[i] = u * mo[i] + l * g[i] / std::sqrt(d + e);
                    w[i] -= mo[i];
                } else {
                    w[i] -= l * g[i] / (std::sqrt(d) + e);
                }
            }
        }
    };

    Step prepare(Slot& s, std::size_t n, std::int64_t iterations) const {
        const float lr = learning_rate / (1.0f + decay * static_cast<float>(iterations));
        if (s.rms.size() != n) s.rms.assign(n, 0.0f);
        if (centered && s.mg.size() != n) s.mg.assign(n, 0.0f);
        if (momentum > 0.0f && s.mom.size() != n) s.mom.assign(n, 0.0f);
        return {s.rms.data(), centered ? s.mg.data() : nullptr, momentum > 0.0f ? s.mom.data() : nullptr,
                lr, rho, epsilon, momentum};
    }
};

}  // namespace ctnn
