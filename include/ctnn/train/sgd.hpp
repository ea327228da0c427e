#pragma once
// ctnn::SGD — Keras' SGD (tf.keras 2.x OptimizerV2 / legacy rules).
//
// Contract: defaults learning_rate 0.01, momentum 0, nesterov false,
// decay 0. With lr_t = lr / (1 + decay * iterations) (iterations counted from
// 0, so the first step uses lr):
//   momentum == 0:  w -= lr_t * g
//   momentum  > 0:  v = momentum * v - lr_t * g;  w += v
//   nesterov:       v = momentum * v - lr_t * g;  w += momentum * v - lr_t * g
// A momentum outside [0, 1], or a negative learning_rate or decay, throws
// std::invalid_argument (Keras: ValueError) when the Optimizer is made.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "ctnn/core/aligned_allocator.hpp"
#include "ctnn/train/hyperparameters.hpp"

namespace ctnn {

struct SGD {
    static constexpr const char* name = "SGD";
    float learning_rate = 0.01f;
    float momentum = 0.0f;
    bool nesterov = false;
    float decay = 0.0f;

    struct Slot {
        aligned_vector<float> velocity;
    };

    void validate() const {
        detail::require_non_negative("SGD", learning_rate, decay);
        if (!(momentum >= 0.0f && momentum <= 1.0f))
            throw std::invalid_argument("ctnn::SGD: momentum must be in [0, 1], got " + std::to_string(momentum));
    }

    // This step's update of one tensor, applicable to any range of it (see
    // Adam::Step).
    struct Step {
        float* velocity;  // null when momentum == 0
        float lr, mu;
        bool nesterov;
        void operator()(std::size_t offset, std::size_t count, float* w, const float* g) const noexcept {
            const float l = lr, m = mu;
            if (!velocity) {
#pragma omp simd
                for (std::size_t i = 0; i < count; ++i) w[i] -= l * g[i];
                return;
            }
            float* v = velocity + offset;
            if (nesterov) {
#pragma omp simd
                for (std::size_t i = 0; i < count; ++i) {
                    v[i] = m * v[i] - l * g[i];
                    w[i] += m * v[i] - l * g[i];
                }
            } else {
#pragma omp simd
                for (std::size_t i = 0; i < count; ++i) {
                    v[i] = m * v[i] - l * g[i];
                    w[i] += v[i];
                }
            }
        }
    };

    Step prepare(Slot& s, std::size_t n, std::int64_t iterations) const {
        const float lr = learning_rate / (1.0f + decay * static_cast<float>(iterations));
        if (momentum == 0.0f) return {nullptr, lr, 0.0f, false};
        if (s.velocity.size() != n) s.velocity.assign(n, 0.0f);
        return {s.velocity.data(), lr, momentum, nesterov};
    }
};

}  // namespace ctnn
