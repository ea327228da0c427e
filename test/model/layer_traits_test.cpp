// ctnn::layer_traits / output_shape_t (model/layer_traits.hpp): each layer's
// fusion role, output shape, parameter count, Keras class name and name prefix.
#define BOOST_TEST_MODULE model_layer_traits
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>

#include "ctnn/model/layer_traits.hpp"

// Expected values: Keras' Dense has units * (inputs + 1) parameters (the book's
// Listing 1.3.2: 200,960, 65,792, 2,570); Keras 2.x class names (Dense,
// Activation, Dropout, Flatten, InputLayer) and the prefixes Keras derives its
// layer names from (the snake-cased class name; "input" for InputLayer).
// A shape the layer does not accept is a compile error: see
// test/compile_fail/ (dense_needs_flat, dense_input_dim, composed_stacks).

namespace {

using ctnn::Dense;
using ctnn::Dropout;
using ctnn::Flatten;
using ctnn::Input;
using ctnn::layer_traits;
using ctnn::output_shape_t;
using ctnn::ReLU;
using ctnn::Role;
using ctnn::Shape;
using ctnn::Softmax;

// ---- roles ---------------------------------------------------------------------------
static_assert(layer_traits<Input<784>>::role == Role::input);
static_assert(layer_traits<Input<28, 28>>::role == Role::input);
static_assert(layer_traits<Dense<256>>::role == Role::producer);
static_assert(layer_traits<Dense<10, Softmax, 784>>::role == Role::producer);
static_assert(layer_traits<ctnn::Linear>::role == Role::elementwise);
static_assert(layer_traits<ReLU>::role == Role::elementwise);
static_assert(layer_traits<ctnn::ELU>::role == Role::elementwise);
static_assert(layer_traits<ctnn::SELU>::role == Role::elementwise);
static_assert(layer_traits<ctnn::Softplus>::role == Role::elementwise);
static_assert(layer_traits<ctnn::Sigmoid>::role == Role::elementwise);
static_assert(layer_traits<ctnn::Tanh>::role == Role::elementwise);
static_assert(layer_traits<Softmax>::role == Role::rowwise);
static_assert(layer_traits<Dropout>::role == Role::dropout);
static_assert(layer_traits<Flatten>::role == Role::reshape);

// ---- output shapes ----------------------------------------------------------------------
// Input passes its own shape on when given it.
static_assert(std::is_same_v<output_shape_t<Input<784>, 0, Shape<784>>, Shape<784>>);
static_assert(std::is_same_v<output_shape_t<Input<28, 28>, 3, Shape<28, 28>>, Shape<28, 28>>);
// Dense gives Shape<units>, with or without a stated input_dim.
static_assert(std::is_same_v<output_shape_t<Dense<256>, 1, Shape<784>>, Shape<256>>);
static_assert(std::is_same_v<output_shape_t<Dense<10, Softmax, 784>, 0, Shape<784>>, Shape<10>>);
static_assert(std::is_same_v<output_shape_t<Dense<1, ctnn::Sigmoid>, 1, Shape<3>>, Shape<1>>);
// Element-wise activations and Dropout keep any shape; Softmax keeps a flat one.
static_assert(std::is_same_v<output_shape_t<ReLU, 2, Shape<256>>, Shape<256>>);
static_assert(std::is_same_v<output_shape_t<ctnn::Tanh, 1, Shape<28, 28>>, Shape<28, 28>>);
static_assert(std::is_same_v<output_shape_t<Dropout, 3, Shape<3, 4>>, Shape<3, 4>>);
static_assert(std::is_same_v<output_shape_t<Softmax, 8, Shape<10>>, Shape<10>>);
// Flatten gives one axis of the product of the extents.
static_assert(std::is_same_v<output_shape_t<Flatten, 1, Shape<28, 28>>, Shape<784>>);
static_assert(std::is_same_v<output_shape_t<Flatten, 1, Shape<2, 3, 4>>, Shape<24>>);
static_assert(std::is_same_v<output_shape_t<Flatten, 1, Shape<5>>, Shape<5>>);

// ---- accepted inputs ---------------------------------------------------------------------
static_assert(layer_traits<Input<784>>::accepts<0, Shape<784>>);
static_assert(layer_traits<Dense<10, Softmax, 784>>::accepts<0, Shape<784>>);
static_assert(layer_traits<Dense<10>>::accepts<5, Shape<17>>);  // no input_dim: any flat width
static_assert(layer_traits<Softmax>::accepts<2, Shape<10>>);
static_assert(layer_traits<ReLU>::accepts<1, Shape<2, 3>>);
static_assert(layer_traits<Flatten>::accepts<1, Shape<2, 3>>);

// ---- parameters ----------------------------------------------------------------------------
// Listing 1.3.2's three Dense layers.
static_assert(layer_traits<Dense<256>>::params<Shape<784>> == 200'960);
static_assert(layer_traits<Dense<256, ReLU>>::params<Shape<256>> == 65'792);
static_assert(layer_traits<Dense<10, Softmax>>::params<Shape<256>> == 2'570);
static_assert(layer_traits<Dense<10, Softmax, 784>>::params<Shape<784>> == 7'850);
static_assert(layer_traits<Dense<1, ctnn::Sigmoid>>::params<Shape<3>> == 4);
// Everything else has none.
static_assert(layer_traits<Input<784>>::params<Shape<784>> == 0);
static_assert(layer_traits<ReLU>::params<Shape<256>> == 0);
static_assert(layer_traits<Softmax>::params<Shape<10>> == 0);
static_assert(layer_traits<Dropout>::params<Shape<256>> == 0);
static_assert(layer_traits<Flatten>::params<Shape<28, 28>> == 0);

}  // namespace

// ---- extension -----------------------------------------------------------------------------
// (Named, not anonymous: Clang would call their unused members unused.)
namespace extension {

// Any ElementwiseActivation is a layer, an "Activation" in Keras' terms
// (Keras' 'exponential': y = e^z, so f'(z) = y).
struct Exponential : ctnn::ElementwiseActivationTag {
    static constexpr const char* keras_name = "exponential";
    float operator()(float z) const noexcept { return std::exp(z); }
    float grad_from_output(float y) const noexcept { return y; }
};

// A new layer type is added by specialising layer_traits; output_shape_t then
// uses its declared output: a pairwise pooling that halves a flat width.
struct PairPool {};

}  // namespace extension

template <>
struct ctnn::layer_traits<extension::PairPool> {
    static constexpr Role role = Role::elementwise;
    static constexpr const char* class_name = "PairPool";
    static constexpr const char* prefix = "pair_pool";
    template <std::size_t I, class In>
    static constexpr bool accepts = true;
    template <class In>
    using output = Shape<In::size / 2>;
    template <class In>
    static constexpr std::size_t params = 0;
};

namespace {

using extension::Exponential;
using extension::PairPool;

static_assert(layer_traits<Exponential>::role == Role::elementwise);
static_assert(std::is_same_v<output_shape_t<Exponential, 1, Shape<6, 7>>, Shape<6, 7>>);
static_assert(layer_traits<Exponential>::params<Shape<42>> == 0);

static_assert(std::is_same_v<output_shape_t<PairPool, 4, Shape<10>>, Shape<5>>);
static_assert(layer_traits<PairPool>::role == Role::elementwise);
static_assert(layer_traits<PairPool>::params<Shape<10>> == 0);

}  // namespace

BOOST_AUTO_TEST_SUITE(layer_traits)

// The Keras class each layer is shown as in summary() and plot_model(), and
// the prefix its name is counted under ("dense_1", "activation_2", "input_1").
template <class L>
void check_names(const std::string& class_name, const std::string& prefix) {
    BOOST_TEST(std::string(ctnn::layer_traits<L>::class_name) == class_name);
    BOOST_TEST(std::string(ctnn::layer_traits<L>::prefix) == prefix);
}

BOOST_AUTO_TEST_CASE(keras_class_names_and_prefixes) {
    check_names<Input<784>>("InputLayer", "input");
    check_names<Input<28, 28>>("InputLayer", "input");
    check_names<Dense<256>>("Dense", "dense");
    check_names<Dense<10, Softmax, 784>>("Dense", "dense");
    check_names<Dropout>("Dropout", "dropout");
    check_names<Flatten>("Flatten", "flatten");
    // Keras' Activation('relu'), Activation('softmax'), ...: one class for all.
    check_names<ctnn::Linear>("Activation", "activation");
    check_names<ReLU>("Activation", "activation");
    check_names<ctnn::ELU>("Activation", "activation");
    check_names<ctnn::SELU>("Activation", "activation");
    check_names<ctnn::Softplus>("Activation", "activation");
    check_names<ctnn::Sigmoid>("Activation", "activation");
    check_names<ctnn::Tanh>("Activation", "activation");
    check_names<Softmax>("Activation", "activation");
    check_names<Exponential>("Activation", "activation");
    // A specialisation's own names.
    check_names<PairPool>("PairPool", "pair_pool");
}

BOOST_AUTO_TEST_SUITE_END()
