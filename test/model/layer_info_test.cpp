// ctnn::LayerInfo (model/layer_info.hpp): one layer as summary() and
// plot_model() show it, as Sequential::layer_info() fills it.
#define BOOST_TEST_MODULE model_layer_info
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/dropout.hpp"
#include "ctnn/layers/flatten.hpp"
#include "ctnn/layers/input.hpp"
#include "ctnn/layers/softmax.hpp"
#include "ctnn/model/layer_info.hpp"
#include "ctnn/model/sequential.hpp"
#include "support/listing_model.hpp"

// Expected rows follow Keras 2.2: layers named <prefix>_<n>, n counted per
// class from 1 ("dense_1", "activation_1", "dropout_1", "flatten_1"); a
// Sequential's implicit InputLayer named after its first layer
// ("dense_1_input"), or "input_1" when it has none; shapes in tuple notation
// "(None, 784)"; Dense parameters units * (inputs + 1), by hand; the
// activation as Keras' layer.activation names it: a Dense's own ("linear"
// when none) and an Activation layer's ("tanh"), none for other layers.

namespace {

using ctnn::Dense;
using ctnn::Dropout;
using ctnn::Input;
using ctnn::LayerInfo;
using ctnn::ReLU;
using ctnn::Sequential;
using ctnn::Softmax;

static_assert(std::is_aggregate_v<LayerInfo>);

void check_row(const LayerInfo& l, const std::string& name, const std::string& class_name, const std::string& in,
               const std::string& out, std::size_t params, const std::string& activation) {
    BOOST_TEST_CONTEXT(name) {
        BOOST_TEST(l.name == name);
        BOOST_TEST(l.class_name == class_name);
        BOOST_TEST(l.input_shape == in);
        BOOST_TEST(l.output_shape == out);
        BOOST_TEST(l.params == params);
        BOOST_TEST(l.activation == activation);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(layer_info)

BOOST_AUTO_TEST_CASE(a_default_layer_info_is_empty) {
    const LayerInfo l;
    BOOST_TEST(l.name.empty());
    BOOST_TEST(l.class_name.empty());
    BOOST_TEST(l.input_shape.empty());
    BOOST_TEST(l.output_shape.empty());
    BOOST_TEST(l.params == 0u);
    BOOST_TEST(l.activation.empty());
    // Fields in declaration order: name, class, input, output, params, activation.
    const LayerInfo d{"dense_1", "Dense", "(None, 784)", "(None, 256)", 200960, "relu"};
    check_row(d, "dense_1", "Dense", "(None, 784)", "(None, 256)", 200960, "relu");
}

// Every class once, two Dense after it and a stand-alone Tanh:
// 784 * 64 + 64 = 50,240; 64 * 64 + 64 = 4,160; 64 * 10 + 10 = 650.
BOOST_AUTO_TEST_CASE(every_layer_class_with_its_shapes_params_and_activation) {
    using Model = Sequential<Input<28, 28>, ctnn::Flatten, Dense<64, ReLU>, Dropout, Dense<64>, ctnn::Tanh,
                             Dense<10, Softmax>>;
    const Model m;
    const std::vector<LayerInfo> info = m.layer_info();
    BOOST_TEST_REQUIRE(info.size() == 7u);
    check_row(info[0], "flatten_1_input", "InputLayer", "(None, 28, 28)", "(None, 28, 28)", 0, "");
    check_row(info[1], "flatten_1", "Flatten", "(None, 28, 28)", "(None, 784)", 0, "");
    check_row(info[2], "dense_1", "Dense", "(None, 784)", "(None, 64)", 50240, "relu");
    check_row(info[3], "dropout_1", "Dropout", "(None, 64)", "(None, 64)", 0, "");
    check_row(info[4], "dense_2", "Dense", "(None, 64)", "(None, 64)", 4160, "linear");
    check_row(info[5], "activation_1", "Activation", "(None, 64)", "(None, 64)", 0, "tanh");
    check_row(info[6], "dense_3", "Dense", "(None, 64)", "(None, 10)", 650, "softmax");
}

// A nested stack's own Input is a shape check where the stacks join, not a
// layer of the model: one InputLayer row, then the spliced layers.
// 784 * 32 + 32 = 25,120; 32 * 10 + 10 = 330.
BOOST_AUTO_TEST_CASE(a_joined_stack_input_is_not_a_row) {
    using Head = Sequential<Input<784>, Dense<32, ReLU>>;
    using Model = Sequential<Input<784>, Head, Sequential<Dense<10>, Softmax>>;
    const Model m;
    const std::vector<LayerInfo> info = m.layer_info();
    BOOST_TEST_REQUIRE(info.size() == 4u);
    check_row(info[0], "dense_1_input", "InputLayer", "(None, 784)", "(None, 784)", 0, "");
    check_row(info[1], "dense_1", "Dense", "(None, 784)", "(None, 32)", 25120, "relu");
    check_row(info[2], "dense_2", "Dense", "(None, 32)", "(None, 10)", 330, "linear");
    check_row(info[3], "activation_1", "Activation", "(None, 10)", "(None, 10)", 0, "softmax");
}

// Keras' InputLayer on its own is "input_1".
BOOST_AUTO_TEST_CASE(an_input_alone_is_input_1) {
    const Sequential<Input<5>> m;
    const std::vector<LayerInfo> info = m.layer_info();
    BOOST_TEST_REQUIRE(info.size() == 1u);
    check_row(info[0], "input_1", "InputLayer", "(None, 5)", "(None, 5)", 0, "");
}

BOOST_AUTO_TEST_CASE(layer_info_names_layers_as_keras_2_2) {
    ctnn_test::Mlp m;
    const auto info = m.layer_info();
    BOOST_REQUIRE(info.size() == 9u);
    BOOST_TEST(info[0].name == "dense_1_input");  // Keras' implicit InputLayer of a Sequential
    BOOST_TEST(info[0].class_name == "InputLayer");
    BOOST_TEST(info[1].name == "dense_1");
    BOOST_TEST(info[2].name == "activation_1");
    BOOST_TEST(info[3].name == "dropout_1");
    BOOST_TEST(info[7].name == "dense_3");
    BOOST_TEST(info[8].name == "activation_3");
    BOOST_TEST(info[7].input_shape == "(None, 256)");
    BOOST_TEST(info[7].output_shape == "(None, 10)");
}

BOOST_AUTO_TEST_SUITE_END()
