#define BOOST_TEST_MODULE layers_flatten
#include <boost/test/unit_test.hpp>

// ctnn::Flatten (Keras' Flatten): any sample shape becomes Shape<size>, with
// no parameters and no arithmetic (each sample passes on unchanged); a
// finite-difference gradient check (test/support/gradient_check.hpp) through
// a model with a Flatten in front.

#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "ctnn/core/shape.hpp"
#include "ctnn/layers/flatten.hpp"
#include "ctnn/model/layer_traits.hpp"
#include "ctnn/model/sequential.hpp"
#include "support/gradient_check.hpp"

using namespace ctnn;
using namespace ctnn_test::gradient_check;

BOOST_AUTO_TEST_SUITE(flatten)

BOOST_AUTO_TEST_CASE(output_shape_is_the_sample_size) {
    BOOST_TEST((std::is_same_v<layer_traits<Flatten>::output<Shape<2, 3, 4>>, Shape<24>>));
    BOOST_TEST((std::is_same_v<layer_traits<Flatten>::output<Shape<28, 28>>, Shape<784>>));
    BOOST_TEST((std::is_same_v<layer_traits<Flatten>::output<Shape<7>>, Shape<7>>));
    BOOST_TEST((layer_traits<Flatten>::params<Shape<2, 3, 4>> == 0u));
    // In a model: the Dense after it sees 24 inputs.
    using M = Sequential<Input<2, 3, 4>, Flatten, Dense<5>>;
    BOOST_TEST((std::is_same_v<M::layer_output_shape<1>, Shape<24>>));
    BOOST_TEST(M::param_count == 24u * 5u + 5u);
    const auto info = M{}.layer_info();
    BOOST_TEST_REQUIRE(info.size() == 3u);
    BOOST_TEST(info[1].class_name == "Flatten");
    BOOST_TEST(info[1].input_shape == "(None, 2, 3, 4)");
    BOOST_TEST(info[1].output_shape == "(None, 24)");
    BOOST_TEST(info[1].params == 0u);
}

BOOST_AUTO_TEST_CASE(passes_each_sample_on_unchanged) {
    // No arithmetic: through an identity Dense, the 2 x 3 sample's six
    // values come out as they are stored, in the same order.
    using M = Sequential<Input<2, 3>, Flatten, Dense<6>>;
    M m;
    auto& p = m.params<2>();
    for (std::size_t k = 0; k < 6; ++k)
        for (std::size_t j = 0; j < 6; ++j) p.kernel[k * 6 + j] = k == j ? 1.0f : 0.0f;
    for (auto& b : p.bias) b = 0.0f;
    const std::vector<float> x = {0.5f, 1.5f, -2.25f, 10.5f, -11.5f, 12.125f,  // sample 0
                                  100.5f, -101.5f, 0.0f, 110.5f, 111.5f, -0.75f};  // sample 1
    std::vector<float> y(12, -99.0f);
    m.predict_on_batch(x.data(), 2, y.data());
    BOOST_TEST(y == x, boost::test_tools::per_element());
}

// ---- gradients through a Flatten ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(flatten_in_front) {
    using M = Sequential<Input<2, 3>, Flatten, Dense<4>, Tanh, Dropout, Dense<3>, Softmax>;
    M m;
    m.layer<4>() = Dropout(0.25);
    run_case(m, categorical_crossentropy, Target::onehot, 36);
}

BOOST_AUTO_TEST_SUITE_END()
