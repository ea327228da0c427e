#pragma once
// ctnn element-wise activations: Linear, ReLU, ELU, SELU, Softplus, Sigmoid, Tanh.
//
// Contract: each type is both a layer (Keras' `Activation('relu')`, shown as
// "activation_N (Activation)" in summary) and a Dense's own activation
// (`Dense<256, ReLU>`, Keras' `Dense(256, activation='relu')`).
// `operator()(z)` is the activation; `grad_from_output(y)` is f'(z) written
// in terms of y = f(z), so backward needs only the stored output, never the
// pre-activation: that is what lets Dense->activation->Dropout be one step.
// Hyper-parameters (ELU's alpha) are run-time values with Keras' defaults.
// Guarantees: no overflow to inf/NaN for |z| up to 100 (and beyond).
#include <cmath>
#include <concepts>
#include <type_traits>

namespace ctnn {

struct ElementwiseActivationTag {};

struct Linear : ElementwiseActivationTag {
    static constexpr const char* keras_name = "linear";
    float operator()(float z) const noexcept { return z; }
    float grad_from_output(float) const noexcept { return 1.0f; }
};

struct ReLU : ElementwiseActivationTag {
    static constexpr const char* keras_name = "relu";
    // Written so that NaN propagates (as tf.nn.relu does) instead of becoming 0.
    float operator()(float z) const noexcept { return z < 0.0f ? 0.0f : z; }
    float grad_from_output(float y) const noexcept { return y > 0.0f ? 1.0f : 0.0f; }
};

struct ELU : ElementwiseActivationTag {
    static constexpr const char* keras_name = "elu";
    float alpha = 1.0f;
    float operator()(float z) const noexcept { return z > 0.0f ? z : alpha * std::expm1(z); }
    // z <= 0: y = alpha (e^z - 1)  =>  f'(z) = alpha e^z = y + alpha.
    float grad_from_output(float y) const noexcept { return y > 0.0f ? 1.0f : y + alpha; }
};

struct SELU : ElementwiseActivationTag {
    static constexpr const char* keras_name = "selu";
    static constexpr float alpha = 1.6732632423543772848170429916717f;
    static constexpr float scale = 1.0507009873554804934193349852946f;
    float operator()(float z) const noexcept { return z > 0.0f ? scale * z : scale * alpha * std::expm1(z); }
    float grad_from_output(float y) const noexcept { return y > 0.0f ? scale : y + scale * alpha; }
};

struct Softplus : ElementwiseActivationTag {
    static constexpr const char* keras_name = "softplus";
    // log(1 + e^z) = max(z, 0) + log1p(e^-|z|): exact and overflow-free.
    float operator()(float z) const noexcept { return std::fmax(z, 0.0f) + std::log1p(std::exp(-std::fabs(z))); }
    // f'(z) = sigmoid(z) = 1 - e^{-y}.
    float grad_from_output(float y) const noexcept { return -std::expm1(-y); }
};

struct Sigmoid : ElementwiseActivationTag {
    static constexpr const char* keras_name = "sigmoid";
    float operator()(float z) const noexcept {
        // Evaluate on the side where exp cannot overflow.
        if (z >= 0.0f) return 1.0f / (1.0f + std::exp(-z));
        const float e = std::exp(z);
        return e / (1.0f + e);
    }
    float grad_from_output(float y) const noexcept { return y * (1.0f - y); }
};

struct Tanh : ElementwiseActivationTag {
    static constexpr const char* keras_name = "tanh";
    float operator()(float z) const noexcept { return std::tanh(z); }
    float grad_from_output(float y) const noexcept { return 1.0f - y * y; }
};

template <class A>
concept ElementwiseActivation = std::is_base_of_v<ElementwiseActivationTag, A> && requires(const A a, float x) {
    { a(x) } -> std::same_as<float>;
    { a.grad_from_output(x) } -> std::same_as<float>;
};

}  // namespace ctnn
