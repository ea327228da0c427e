#pragma once
// ctnn::Input — the model's input shape (Keras' Input / input_shape).
//
// Contract: Input<D...> declares the per-sample shape Shape<D...>; it has no
// parameters and is not a row in summary (as in Keras' Sequential).
#include <cstddef>

#include "ctnn/core/shape.hpp"

namespace ctnn {

template <std::size_t... Ds>
struct Input {
    using shape = Shape<Ds...>;
};

template <class T>
inline constexpr bool is_input_v = false;
template <std::size_t... Ds>
inline constexpr bool is_input_v<Input<Ds...>> = true;

}  // namespace ctnn
