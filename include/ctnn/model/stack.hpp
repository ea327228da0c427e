#pragma once
// ctnn::detail stack analysis — the type-level view of a layer list.
//
// Contract: for a list of layer types (Sequential's template arguments),
// `Stack<Ls...>` gives
//   layers      a flat hana tuple of hana::type<L>: nested Sequential<...>
//               stacks are spliced in place (their Input, if any, stays as a
//               shape check where the stacks join);
//   shapes      a hana tuple of hana::type<Shape>: shapes[i] is the input of
//               layer i, shapes[size] the model's output;
//   layer<I>, input_shape<I>, output_shape<I>, param_count.
// Every layer's output shape is computed here, so every dimension error is
// reported here, naming the layer position and both shapes.
// Hana stays inside this header and plan.hpp: public types speak Shape.
#include <boost/hana.hpp>
#include <cstddef>
#include <tuple>

#include "ctnn/core/diagnostics.hpp"
#include "ctnn/model/layer_traits.hpp"

namespace ctnn {

template <class... Ls>
class Sequential;

namespace detail {
namespace hana = boost::hana;

template <class L>
constexpr auto flatten_layer(hana::basic_type<L>) {
    return hana::make_tuple(hana::type_c<L>);
}
template <class... Ls>
constexpr auto flatten_layer(hana::basic_type<Sequential<Ls...>>) {
    return hana::flatten(hana::make_tuple(flatten_layer(hana::type_c<Ls>)...));
}
template <class... Ls>
constexpr auto flatten_layers() {
    return hana::flatten(hana::make_tuple(flatten_layer(hana::type_c<Ls>)...));
}

// The shape entering the first layer: an Input's, or a leading Dense's input_dim.
template <class First>
constexpr auto start_shape() {
    if constexpr (is_input_v<First>) {
        return hana::type_c<typename First::shape>;
    } else if constexpr (is_dense_v<First>) {
        static_assert(First::input_dim != 0,
                      "CTNN_NO_INPUT_SHAPE: the model's first layer must be ctnn::Input<...> or a Dense that "
                      "states its input width, Dense<units, Activation, input_dim> (Keras' input_dim)");
        return hana::type_c<Shape<(First::input_dim ? First::input_dim : 1)>>;  // one error, not two
    } else {
        static_assert(always_false<First>,
                      "CTNN_NO_INPUT_SHAPE: the model's first layer must be ctnn::Input<...> or a Dense with an "
                      "input_dim");
        return hana::type_c<Shape<1>>;
    }
}

template <class Layers>
constexpr auto infer_shapes(Layers layers) {
    using First = typename decltype(+hana::front(layers))::type;
    constexpr std::size_t n = decltype(hana::size(layers))::value;
    auto indexed = hana::zip(layers, hana::to_tuple(hana::range_c<std::size_t, 0, n>));
    return hana::fold_left(indexed, hana::make_tuple(start_shape<First>()), [](auto acc, auto layer_and_index) {
        using L = typename decltype(+hana::at_c<0>(layer_and_index))::type;
        constexpr std::size_t I = decltype(+hana::at_c<1>(layer_and_index))::value;
        using In = typename decltype(+hana::back(acc))::type;
        return hana::append(acc, hana::type_c<output_shape_t<L, I, In>>);
    });
}

template <class... Ls>
struct Stack {
    using layers_type = decltype(flatten_layers<Ls...>());
    static constexpr layers_type layers{};
    static constexpr std::size_t size = decltype(hana::size(layers))::value;
    static_assert(size > 0, "ctnn::Sequential: a model needs at least one layer");

    using shapes_type = decltype(infer_shapes(layers));
    static constexpr shapes_type shapes{};

    template <std::size_t I>
    using layer = typename decltype(+hana::at_c<I>(layers))::type;
    template <std::size_t I>
    using input_shape = typename decltype(+hana::at_c<I>(shapes))::type;
    template <std::size_t I>
    using output_shape = typename decltype(+hana::at_c<I + 1>(shapes))::type;

    // std::tuple of the flat layer types: the run-time hyper-parameters.
    using tuple_type =
        typename decltype(hana::unpack(layers, [](auto... t) { return hana::type_c<std::tuple<typename decltype(t)::type...>>; }))::type;

    template <std::size_t... I>
    static constexpr std::size_t sum_params(std::index_sequence<I...>) {
        return (std::size_t{0} + ... + layer_traits<layer<I>>::template params<input_shape<I>>);
    }
    static constexpr std::size_t param_count = sum_params(std::make_index_sequence<size>{});
};

}  // namespace detail
}  // namespace ctnn
