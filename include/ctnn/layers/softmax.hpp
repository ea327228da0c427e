#pragma once
// ctnn::Softmax — the row-wise output activation.
//
// Contract: accepts a flat input of width N and produces probabilities over
// the last axis (each row sums to 1). Usable as its own layer after a Dense
// or as the Dense's activation (`Dense<10, Softmax>`). Followed by
// categorical crossentropy in compile(), the pair becomes one fused step
// whose gradient is p - y (as Keras does in graph mode).
// Guarantees: computed as exp(z - max z) / sum, so |z| up to 100 and beyond
// never overflows.
#include <cmath>
#include <cstddef>

namespace ctnn {

struct Softmax {
    static constexpr const char* keras_name = "softmax";

    // In place over one row of n values.
    static void apply_row(float* z, std::size_t n) noexcept {
        float mx = z[0];
        for (std::size_t j = 1; j < n; ++j) mx = z[j] > mx ? z[j] : mx;
        float sum = 0.0f;
        for (std::size_t j = 0; j < n; ++j) {
            z[j] = std::exp(z[j] - mx);
            sum += z[j];
        }
        const float inv = 1.0f / sum;
        for (std::size_t j = 0; j < n; ++j) z[j] *= inv;
    }

    // dL/dz from dL/dp and p (the Jacobian-vector product), in place in g.
    static void backward_row(const float* p, float* g, std::size_t n) noexcept {
        float dot = 0.0f;
        for (std::size_t j = 0; j < n; ++j) dot += g[j] * p[j];
        for (std::size_t j = 0; j < n; ++j) g[j] = p[j] * (g[j] - dot);
    }
};

}  // namespace ctnn
