#pragma once
// ctnn layer traits — what each layer type declares to the compiler.
//
// For a layer type L at position I receiving Shape In:
//   layer_traits<L>::role                 its fusion role (producer, epilogue, ...)
//   output_shape_t<L, I, In>              its output shape (if L does not
//                                         accept In: one compile error naming
//                                         I and both shapes, and still L's
//                                         declared output, so inference goes
//                                         on without follow-on errors)
//   layer_traits<L>::params<In>           trainable parameters
//   layer_traits<L>::class_name, prefix   Keras' class name and name prefix
//   activation_name_of<L>()               Keras' layer.activation: a Dense's
//                                         own ("linear" when none), an
//                                         activation layer's ("relu"); empty
//                                         for other layers
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "ctnn/core/diagnostics.hpp"
#include "ctnn/core/shape.hpp"
#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/dropout.hpp"
#include "ctnn/layers/flatten.hpp"
#include "ctnn/layers/input.hpp"
#include "ctnn/layers/softmax.hpp"

namespace ctnn {

enum class Role {
    input,        // Input<...>: a shape declaration (and a check where stacks join)
    producer,     // Dense: a matrix product that starts a fused step
    elementwise,  // an element-wise activation: fuses as an epilogue
    rowwise,      // Softmax: a row-wise epilogue, terminal with crossentropy
    dropout,      // Dropout: a masking epilogue
    reshape,      // Flatten: a view, no arithmetic
};

template <class L, class = void>
struct layer_traits {
    static_assert(detail::always_false<L>,
                  "CTNN_NOT_A_LAYER: this type is not a ctnn layer (Input, Dense, Flatten, Dropout, Softmax or an "
                  "activation such as ReLU)");
};

template <std::size_t... Ds>
struct layer_traits<Input<Ds...>> {
    static constexpr Role role = Role::input;
    static constexpr const char* class_name = "InputLayer";
    static constexpr const char* prefix = "input";
    template <std::size_t I, class In>
    static constexpr bool accepts = detail::check_shape<at_layer<I>, Shape<Ds...>, In>();
    template <class In>
    using output = Shape<Ds...>;
    template <class In>
    static constexpr std::size_t params = 0;
};

template <std::size_t U, class A, std::size_t InDim>
struct layer_traits<Dense<U, A, InDim>> {
    static constexpr Role role = Role::producer;
    static constexpr const char* class_name = "Dense";
    static constexpr const char* prefix = "dense";
    template <std::size_t I, class In>
    static consteval bool check() {
        if constexpr (In::rank != 1) {
            // Dense wants one axis: the expected shape shown is the flattened one.
            return detail::check_shape<at_layer<I>, Shape<In::size>, In>();
        } else if constexpr (InDim != 0) {
            return detail::check_shape<at_layer<I>, Shape<InDim>, In>();
        } else {
            return true;
        }
    }
    template <std::size_t I, class In>
    static constexpr bool accepts = check<I, In>();
    template <class In>
    using output = Shape<U>;
    template <class In>
    static constexpr std::size_t params = In::size * U + U;
};

namespace detail {
// What every parameter-free layer shares: it accepts any shape, passes it on
// unchanged and has no parameters. Specialisations override what differs.
struct parameter_free_traits {
    template <std::size_t I, class In>
    static constexpr bool accepts = true;
    template <class In>
    using output = In;
    template <class In>
    static constexpr std::size_t params = 0;
};
}  // namespace detail

template <class A>
    requires ElementwiseActivation<A>
struct layer_traits<A> : detail::parameter_free_traits {
    static constexpr Role role = Role::elementwise;
    static constexpr const char* class_name = "Activation";
    static constexpr const char* prefix = "activation";
};

template <>
struct layer_traits<Softmax> : detail::parameter_free_traits {
    static constexpr Role role = Role::rowwise;
    static constexpr const char* class_name = "Activation";
    static constexpr const char* prefix = "activation";
    // Row-wise over one axis: a shaped input must be flattened first.
    template <std::size_t I, class In>
    static constexpr bool accepts = detail::check_shape<at_layer<I>, Shape<In::size>, In>();
};

template <>
struct layer_traits<Dropout> : detail::parameter_free_traits {
    static constexpr Role role = Role::dropout;
    static constexpr const char* class_name = "Dropout";
    static constexpr const char* prefix = "dropout";
};

template <>
struct layer_traits<Flatten> : detail::parameter_free_traits {
    static constexpr Role role = Role::reshape;
    static constexpr const char* class_name = "Flatten";
    static constexpr const char* prefix = "flatten";
    template <class In>
    using output = Shape<In::size>;
};

// The output shape of L at position I given In; instantiating it runs the check.
template <class L, std::size_t I, class In>
struct output_shape {
    // Evaluating `accepts` reports a mismatch (detail::check_shape: the one
    // error the user reads) and is true either way, so `type` below is L's
    // declared output and later layers are checked against it.
    static_assert(layer_traits<L>::template accepts<I, In>);
    using type = typename layer_traits<L>::template output<In>;
};
template <class L, std::size_t I, class In>
using output_shape_t = typename output_shape<L, I, In>::type;

template <class L>
constexpr std::string_view activation_name_of() {
    if constexpr (is_dense_v<L>) return L::activation_type::keras_name;
    else if constexpr (requires { L::keras_name; }) return L::keras_name;
    else return {};
}

}  // namespace ctnn
