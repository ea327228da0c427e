#pragma once
// ctnn::SGD — Keras' SGD (tf.keras 2.x OptimizerV2 / legacy rules).
//
// Contract: defaults learning_rate 0.01, momentum 0, nesterov false,
// decay 0. With lr_t = lr / (1 + decay * iterations) (iterations counted from
// 0, so the first step uses lr):
//   momentum == 0:  w -= lr_t * g
//   momentum  > 0:  v = momentum * v - lr_t * g;  w += v
//   nesterov:       v = momentum * v - lr_t * g;  w += momentum * v - lr_t * g
// A momentum outside [0, 1] throws std::invalid_argument (Keras: ValueError).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "ctnn/core/aligned_allocator.hpp"

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
        if (!(momentum >= 0.0f && momentum <= 1.0f))
            throw std::invalid_argument("ctnn::SGD: momentum must be in [0, 1], got " + std::to_string(momentum));
    }

    void update(Slot& s, float* w, const float* g, std::size_t n, std::int64_t iterations) const {
        const float lr = learning_rate / (1.0f + decay * static_cast<float>(iterations));
        if (momentum == 0.0f) {
#pragma omp parallel for simd schedule(static) if (n > 32768)
            for (std::size_t i = 0; i < n; ++i) w[i] -= lr * g[i];
            return;
        }
        if (s.velocity.size() != n) s.velocity.assign(n, 0.0f);
        float* v = s.velocity.data();
        const float mu = momentum;
        const bool nest = nesterov;
#pragma omp parallel for simd schedule(static) if (n > 32768)
        for (std::size_t i = 0; i < n; ++i) {
            v[i] = mu * v[i] - lr * g[i];
            w[i] += nest ? mu * v[i] - lr * g[i] : v[i];
        }
    }
};

}  // namespace ctnn
