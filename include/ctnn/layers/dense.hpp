#pragma once
// ctnn::Dense — the densely connected layer (Keras' Dense).
//
// Contract: Dense<Units, Activation = Linear, InputDim = 0> accepts a flat
// input of width K (rank 1; put a Flatten in front of images) and produces
// Shape<Units>: y = activation(x . kernel + bias), kernel K x Units
// (Keras' layout), bias Units. InputDim, when non-zero, states the expected
// input width like Keras' `input_dim` and is checked at compile time; as the
// first layer it also declares the model's input. Activation is an
// element-wise activation or Softmax. Regularizers (kernel_regularizer,
// bias_regularizer, activity_regularizer) are run-time values.
// Guarantees: parameters are initialised as Keras does (glorot_uniform
// kernel, zero bias); param_count<K> = K * Units + Units.
#include <cstddef>

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/regularizers.hpp"

namespace ctnn {

template <std::size_t Units, class Activation = Linear, std::size_t InputDim = 0>
struct Dense {
    static_assert(Units > 0, "ctnn::Dense: Units must be greater than zero");
    static constexpr std::size_t units = Units;
    static constexpr std::size_t input_dim = InputDim;
    using activation_type = Activation;
    template <std::size_t K>
    static constexpr std::size_t param_count = K * Units + Units;

    Activation activation{};
    Regularizer kernel_regularizer{};
    Regularizer bias_regularizer{};
    // On the layer's output (after its own activation, before any Dropout),
    // divided by the batch size as Keras 2.x does.
    Regularizer activity_regularizer{};
};

template <class T>
inline constexpr bool is_dense_v = false;
template <std::size_t U, class A, std::size_t I>
inline constexpr bool is_dense_v<Dense<U, A, I>> = true;

}  // namespace ctnn
