#pragma once
// ctnn::detail epilogues — the work a Dense step fuses into the tiles of its
// matrix products (kernels::gemm's `epi(i, j0, j1, row)`), one named type each.
//
// Contract: each is called for row i of a finished run of tiles with the
// columns [j0, j1) of that row; it touches only those columns (of its row of C and
// of the arrays it was given) and holds no mutable state, so gemm may call it
// from several threads. Results are the same element by element whichever
// tile or thread a column falls in.
//
// Why named types rather than lambdas in Sequential: the product is
// instantiated once per (output width, epilogue type). A lambda is a new type
// at every layer, so the Listing model's two 256-wide ReLU layers compiled
// every product twice; these types depend only on the width and the
// activation, and examples/mlp_mnist has a 10 s compile-time budget.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ctnn/core/random.hpp"
#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/regularizers.hpp"
#include "ctnn/layers/softmax.hpp"
#include "ctnn/train/optimizer.hpp"

namespace ctnn::detail {

// `#pragma omp simd` only where the body has no libm call: Clang warns (and
// -Werror fails) when it cannot honour the pragma, and the compiler's own
// vectoriser handles the rest under -fno-math-errno.
template <class Act>
inline constexpr bool simd_friendly_v = std::is_same_v<Act, ReLU> || std::is_same_v<Act, Linear>;

template <bool Simd, class F>
inline void column_loop(std::size_t j0, std::size_t j1, F&& f) {
    if constexpr (Simd) {
#pragma omp simd
        for (std::size_t j = j0; j < j1; ++j) f(j);
    } else {
        for (std::size_t j = j0; j < j1; ++j) f(j);
    }
}

// row += bias (logits of a Softmax step; z kept for an activity penalty).
struct AddBias {
    const float* bias;
    void operator()(std::size_t, std::size_t j0, std::size_t j1, float* row) const {
        const float* b = bias;
#pragma omp simd
        for (std::size_t j = j0; j < j1; ++j) row[j] += b[j];
    }
};

// row = act(row + bias): inference, or training without dropout.
template <class Act>
struct BiasActivation {
    const float* bias;
    Act act;
    void operator()(std::size_t, std::size_t j0, std::size_t j1, float* row) const {
        // Members copied to locals: GCC does not vectorise loads through
        // `this` (measured: 1.5x slower).
        const Act f = act;
        const float* b = bias;
        column_loop<simd_friendly_v<Act>>(j0, j1, [&](std::size_t j) { row[j] = f(row[j] + b[j]); });
    }
};

// row = dropout(act(row + bias)) in training: element (i, j) of the N-wide
// output is kept when counter_bits(key, i N + j) >= threshold, then scaled.
template <std::size_t N, class Act>
struct BiasActivationDropout {
    const float* bias;
    Act act;
    std::uint32_t key, threshold;
    float scale;
    void operator()(std::size_t i, std::size_t j0, std::size_t j1, float* row) const {
        const Act f = act;
        const float* b = bias;
        const std::uint32_t k = key, t = threshold;
        const float s = scale;
        const std::uint32_t base = static_cast<std::uint32_t>(i * N);
        column_loop<simd_friendly_v<Act>>(j0, j1, [&](std::size_t j) {
            const float a = f(row[j] + b[j]);
            const bool keep = counter_bits(k, base + static_cast<std::uint32_t>(j)) >= t;
            row[j] = keep ? a * s : 0.0f;
        });
    }
};

// Turns a row of dL/dy of a Dense step (activation Act, then dropout when
// HasDropout) into dL/dz, given the step's forward output y (N wide). A
// Softmax, or a Linear without dropout, has nothing element-wise to do here.
template <std::size_t N, class Act, bool HasDropout>
struct GradientFinish {
    const float* y_all;
    Act act;
    std::uint32_t key = 0, threshold = 0;
    float scale = 1.0f;
    bool dropping = false;  // HasDropout and training
    void operator()(std::size_t i, std::size_t j0, std::size_t j1, float* g) const {
        if constexpr (std::is_same_v<Act, Softmax> || (std::is_same_v<Act, Linear> && !HasDropout)) {
            return;
        } else {
            const Act f = act;
            const float s = scale;
            const std::uint32_t k = key, t = threshold;
            const float* y = y_all + i * N;
            if (!dropping) {
                column_loop<simd_friendly_v<Act>>(j0, j1,
                                                  [&](std::size_t j) { g[j] *= f.grad_from_output(y[j]); });
            } else if constexpr (std::is_same_v<Act, ReLU>) {
                // y > 0 exactly when the unit was kept and z > 0: no mask needed.
#pragma omp simd
                for (std::size_t j = j0; j < j1; ++j) g[j] = y[j] > 0.0f ? g[j] * s : 0.0f;
            } else {
                const float inv = 1.0f / s;
                const std::uint32_t base = static_cast<std::uint32_t>(i * N);
                column_loop<simd_friendly_v<Act>>(j0, j1, [&](std::size_t j) {
                    const bool keep = counter_bits(k, base + static_cast<std::uint32_t>(j)) >= t;
                    g[j] = keep ? g[j] * s * f.grad_from_output(y[j] * inv) : 0.0f;
                });
            }
        }
    }
};

// The weight-gradient product's epilogue in train_on_batch: adds the kernel
// regularizer's gradient to the finished tile of dW and applies the
// optimizer's update to those weights (w is the N-wide kernel).
template <std::size_t N>
struct UpdateEpilogue {
    float* w;
    Regularizer reg;
    Optimizer::TensorUpdate update;
    void operator()(std::size_t i, std::size_t j0, std::size_t j1, float* grow) const noexcept {
        float* wi = w + i * N;
        if (reg.active()) reg.add_gradient(wi + j0, grow + j0, j1 - j0);
        update(i * N + j0, j1 - j0, wi + j0, grow + j0);
    }
};

}  // namespace ctnn::detail
