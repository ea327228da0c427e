// ctnn::detail::Stack (model/stack.hpp) as Sequential exposes it: nested stacks
// spliced flat, every layer's input and output shape, the parameter count.
#define BOOST_TEST_MODULE model_stack
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "ctnn/core/shape.hpp"
#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/dropout.hpp"
#include "ctnn/layers/flatten.hpp"
#include "ctnn/layers/input.hpp"
#include "ctnn/layers/softmax.hpp"
#include "ctnn/model/sequential.hpp"
#include "ctnn/model/stack.hpp"
#include "support/listing_model.hpp"

// Expected numbers are the book's (Listing 1.3.2 of "Advanced Deep Learning
// with Keras": 784*256+256 = 200,960, 256*256+256 = 65,792, 256*10+10 = 2,570,
// total 269,322) or Keras' Dense count units * (inputs + 1), by hand.

namespace {

using ctnn::Dense;
using ctnn::Dropout;
using ctnn::Input;
using ctnn::ReLU;
using ctnn::Sequential;
using ctnn::Shape;
using ctnn::Softmax;
using ctnn_test::Mlp;
using ctnn_test::MlpComposed;
using ctnn_test::MlpInputDim;

// ---- compile-time facts ----------------------------------------------------------

static_assert(Mlp::param_count == 269'322);
static_assert(Mlp::param_count == 200'960 + 65'792 + 2'570);
static_assert(MlpInputDim::param_count == 269'322);
static_assert(MlpComposed::param_count == 269'322);
static_assert(Mlp::num_layers == 9);
static_assert(MlpComposed::num_layers == 9);  // the Blocks are spliced in
static_assert(MlpInputDim::num_layers == 5);

static_assert(std::is_same_v<Mlp::input_shape, Shape<784>>);
static_assert(std::is_same_v<Mlp::output_shape, Shape<10>>);
static_assert(std::is_same_v<MlpInputDim::input_shape, Shape<784>>);
static_assert(std::is_same_v<MlpInputDim::output_shape, Shape<10>>);
static_assert(Mlp::input_width == 784 && Mlp::output_width == 10);
static_assert(std::is_same_v<Mlp::layer_output_shape<1>, Shape<256>>);
static_assert(std::is_same_v<Mlp::layer_output_shape<7>, Shape<10>>);
static_assert(std::is_same_v<Mlp::layer_input_shape<7>, Shape<256>>);

// Other stacks, counted by hand.
using Images = Sequential<Input<28, 28>, ctnn::Flatten, Dense<10, Softmax>>;
static_assert(Images::param_count == 28 * 28 * 10 + 10);  // 7,850
static_assert(std::is_same_v<Images::input_shape, Shape<28, 28>>);
static_assert(std::is_same_v<Images::layer_output_shape<1>, Shape<784>>);
static_assert(std::is_same_v<Images::output_shape, Shape<10>>);

using Logistic = Sequential<Input<3>, Dense<1, ctnn::Sigmoid>>;
static_assert(Logistic::param_count == 4);

using Wide = Sequential<Input<784>, Dense<512, ReLU>, Dense<512, ReLU>, Dense<10, Softmax>>;
static_assert(Wide::param_count == 401'920 + 262'656 + 5'130);  // 669,706

// ---- detail::Stack directly ------------------------------------------------------------

using ctnn::detail::Stack;

// shapes[i] is layer i's input, shapes[i + 1] its output: every layer's output
// is the next layer's input.
template <class S, std::size_t... I>
constexpr bool shapes_chain(std::index_sequence<I...>) {
    return (std::is_same_v<typename S::template output_shape<I>, typename S::template input_shape<I + 1>> && ...);
}
template <class S>
constexpr bool shapes_chain() {
    return shapes_chain<S>(std::make_index_sequence<S::size - 1>{});
}

// A leading Dense with Keras' input_dim declares the input: one layer, 3 -> 8,
// 3 * 8 + 8 = 32 parameters.
using InputDimOnly = Stack<Dense<8, ReLU, 3>>;
static_assert(InputDimOnly::size == 1);
static_assert(std::is_same_v<InputDimOnly::input_shape<0>, Shape<3>>);
static_assert(std::is_same_v<InputDimOnly::output_shape<0>, Shape<8>>);
static_assert(InputDimOnly::param_count == 32);

// A nested stack's own Input stays in the flat list where the stacks join, as a
// parameter-free check: 0 Input<784>, 1 Dense<256>, 2 ReLU, 3 Input<256>,
// 4 Dense<128>, 5 ReLU, 6 Dense<10>.
using Head = Sequential<Input<256>, Dense<128>, ReLU>;
using Joined = Stack<Input<784>, Dense<256>, ReLU, Head, Dense<10>>;
static_assert(Joined::size == 7);
static_assert(std::is_same_v<Joined::layer<3>, Input<256>>);
static_assert(std::is_same_v<Joined::layer<4>, Dense<128>>);
static_assert(std::is_same_v<Joined::input_shape<3>, Shape<256>> && std::is_same_v<Joined::output_shape<3>, Shape<256>>);
static_assert(std::is_same_v<Joined::input_shape<4>, Shape<256>> && std::is_same_v<Joined::output_shape<4>, Shape<128>>);
static_assert(std::is_same_v<Joined::output_shape<6>, Shape<10>>);
static_assert(Joined::param_count == (784 * 256 + 256) + (256 * 128 + 128) + (128 * 10 + 10));  // 235,146
static_assert(shapes_chain<Joined>());
// The run-time hyper-parameters: one tuple element per flat layer, in order.
static_assert(std::is_same_v<Joined::tuple_type,
                             std::tuple<Input<784>, Dense<256>, ReLU, Input<256>, Dense<128>, ReLU, Dense<10>>>);

// Stacks nested two deep are spliced all the way: 0 Input<2>, 1 Dense<4>,
// 2 ReLU, 3 Dropout, 4 Dense<1>; 2 * 4 + 4 + 4 * 1 + 1 = 17 parameters.
using Inner = Sequential<Dense<4>, ReLU>;
using Outer = Sequential<Inner, Dropout>;
using Deep = Stack<Input<2>, Outer, Dense<1>>;
static_assert(Deep::size == 5);
static_assert(std::is_same_v<Deep::tuple_type, std::tuple<Input<2>, Dense<4>, ReLU, Dropout, Dense<1>>>);
static_assert(Deep::param_count == 17);
static_assert(shapes_chain<Deep>());

// Shaped samples: element-wise layers and Dropout keep the shape, Flatten
// gives the product (2 * 3 * 4 = 24), the Dense reads 24: 24 * 5 + 5 = 125.
using Cube = Stack<Input<2, 3, 4>, ReLU, Dropout, ctnn::Flatten, Dense<5>>;
static_assert(std::is_same_v<Cube::output_shape<1>, Shape<2, 3, 4>>);
static_assert(std::is_same_v<Cube::output_shape<2>, Shape<2, 3, 4>>);
static_assert(std::is_same_v<Cube::output_shape<3>, Shape<24>>);
static_assert(std::is_same_v<Cube::output_shape<4>, Shape<5>>);
static_assert(Cube::param_count == 125);
static_assert(shapes_chain<Cube>());

// A stack of parameter-free layers counts 0.
static_assert(Stack<Input<10>, ReLU, Dropout, Softmax>::param_count == 0);

}  // namespace

BOOST_AUTO_TEST_SUITE(stack)

BOOST_AUTO_TEST_CASE(param_count_is_the_books) {
    BOOST_TEST(Mlp::param_count == 269322u);
    BOOST_TEST(MlpInputDim::param_count == 269322u);
    BOOST_TEST(MlpComposed::param_count == 269322u);
    BOOST_TEST(Images::param_count == 7850u);
    BOOST_TEST(Wide::param_count == 669706u);
}

BOOST_AUTO_TEST_CASE(composed_stacks_equal_the_flat_model) {
    BOOST_TEST((std::is_same_v<MlpComposed::plan, Mlp::plan>));
    BOOST_TEST((std::is_same_v<MlpComposed::input_shape, Mlp::input_shape>));
    BOOST_TEST((std::is_same_v<MlpComposed::layer_type<4>, Dense<256>>));
    BOOST_TEST((std::is_same_v<MlpComposed::layer_type<6>, Dropout>));
    const MlpComposed composed;
    const Mlp flat;
    BOOST_TEST(composed.summary_text() == flat.summary_text());
}

BOOST_AUTO_TEST_SUITE_END()
