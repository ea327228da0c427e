#define BOOST_TEST_MODULE layers_dropout
#include <boost/test/unit_test.hpp>

// ctnn::Dropout (inverted dropout, Keras' Dropout): a rate of 1 or NaN is
// refused; in training a fraction ~ 1 - rate of units is kept and scaled by
// 1 / (1 - rate), with a mask keyed by seed, step and layer, both as its own
// step and fused after a Dense; the identity at inference; finite-difference
// gradient checks (test/support/gradient_check.hpp) of Dropout steps.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "ctnn/layers/dropout.hpp"
#include "ctnn/model/sequential.hpp"
#include "support/error_message.hpp"
#include "support/gradient_check.hpp"

using namespace ctnn;
using namespace ctnn_test::gradient_check;

namespace {

constexpr std::size_t wide = 16384;  // units per mask sample

// The training-time output h of the layers before the Dense<1> at Last, for
// an input of ones, read through that Dense's gradient: with MSE on one row,
// dL/dW_k = h_k dL/dy and dL/db = dL/dy, so h_k = kernel_grad[k] / bias_grad[0]
// (t = 1000 keeps dL/dy = 2 (y - t) far from zero).
template <std::size_t Last, class M>
std::vector<double> training_output(M& m) {
    const std::vector<float> x(M::input_width, 1.0f), t(1, 1000.0f);
    m.compute_gradients(x.data(), t.data(), 1);
    const auto& p = m.template params<Last>();
    BOOST_TEST_REQUIRE(p.bias_grad[0] != 0.0f);
    std::vector<double> h(p.kernel_grad.size());
    for (std::size_t k = 0; k < h.size(); ++k) h[k] = double(p.kernel_grad[k]) / double(p.bias_grad[0]);
    return h;
}

// Keep fraction 1 - rate within 5 standard errors (sqrt(rate (1 - rate) / n)),
// survivors exactly scaled (1 / (1 - rate) to float precision), the rest 0.
void check_mask(const std::vector<double>& h, double rate) {
    const double n = double(h.size()), scale = 1.0 / (1.0 - rate);
    std::size_t kept = 0, wrong = 0;
    for (double v : h) {
        if (v == 0.0) continue;
        ++kept;
        wrong += std::fabs(v - scale) > 1e-6 * scale;
    }
    const double keep = double(kept) / n;
    BOOST_TEST_CONTEXT("rate " << rate << ": kept " << keep << ", survivors not x" << scale << ": " << wrong) {
        BOOST_TEST(wrong == 0u);
        BOOST_TEST(std::fabs(keep - (1.0 - rate)) <= 5.0 * std::sqrt(rate * (1.0 - rate) / n));
    }
}

// Fraction of units whose kept/dropped state is the same in two masks.
double agreement(const std::vector<double>& a, const std::vector<double>& b) {
    std::size_t same = 0;
    for (std::size_t k = 0; k < a.size(); ++k) same += (a[k] == 0.0) == (b[k] == 0.0);
    return double(same) / double(a.size());
}

// Makes the Dense at I the identity (kernel I, zero bias).
template <std::size_t I, class M>
void set_identity(M& m) {
    auto& p = m.template params<I>();
    using P = std::remove_cvref_t<decltype(p)>;
    for (std::size_t k = 0; k < P::rows; ++k)
        for (std::size_t j = 0; j < P::cols; ++j) p.kernel[k * P::cols + j] = k == j ? 1.0f : 0.0f;
    std::fill(p.bias.begin(), p.bias.end(), 0.0f);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dropout)

// ---- the rate ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(rate_1_and_nan_are_refused_with_the_range) {
    // tf.nn.dropout's range is [0, 1): 1 itself is refused, and so is NaN
    // (no comparison holds); the message gives the range.
    const std::string one = ctnn_test::message_of<std::invalid_argument>([] { (void)Dropout(1.0); });
    BOOST_TEST(one.find("[0, 1)") != std::string::npos, one);
    BOOST_CHECK_THROW((void)Dropout(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
    BOOST_CHECK_THROW((void)Dropout(std::numeric_limits<double>::infinity()), std::invalid_argument);
    // Just inside the range: accepted, survivors x100.
    BOOST_TEST(double(Dropout(0.99).scale()) == 100.0, boost::test_tools::tolerance(1e-5));
    BOOST_TEST(double(Dropout(0.75).scale()) == 4.0);
}

BOOST_AUTO_TEST_CASE(a_rate_that_rounds_to_1_as_a_float_is_refused) {
    // 1 - 1e-8 is below 1 as a double but 1.0f as a float: its scale would be
    // infinite and its threshold 2^32, outside uint32_t.
    const double r = 1.0 - 1e-8;
    BOOST_TEST_REQUIRE(static_cast<float>(r) == 1.0f);
    const std::string msg = ctnn_test::message_of<std::invalid_argument>([&] { (void)Dropout(r); });
    BOOST_TEST(msg.find("[0, 1)") != std::string::npos, msg);
    BOOST_TEST(msg.find("1 as a float") != std::string::npos, msg);
    // The largest double that stays below 1 as a float is accepted.
    const double below = double(std::nextafter(1.0f, 0.0f));
    BOOST_TEST(Dropout(below).rate < 1.0f);
    BOOST_TEST(std::isfinite(Dropout(below).scale()));
}

BOOST_AUTO_TEST_CASE(dropout_rate_outside_0_1_throws) {
    BOOST_CHECK_THROW(ctnn::Dropout(1.5), std::invalid_argument);
    BOOST_CHECK_THROW(ctnn::Dropout(-0.1), std::invalid_argument);
    BOOST_CHECK_NO_THROW(ctnn::Dropout(0.0));
    BOOST_CHECK_NO_THROW(ctnn::Dropout(0.45));
    BOOST_TEST(ctnn::Dropout(0.2).scale() == 1.25f);  // Keras' docstring: survivors x1.25
}

// ---- training: keep fraction, scale, keys ------------------------------------------------

BOOST_AUTO_TEST_CASE(a_rate_assigned_after_construction_is_checked_too) {
    // The documented way to change a model's rate is layer<I>().rate = r; a
    // rate of 1 there made scale() infinite (NaN weights) and 1.5 or -0.5 put
    // an out-of-range value through the float -> uint32 threshold.
    Dropout d{0.45};
    for (const double bad : {1.0, 1.5, -0.5, std::numeric_limits<double>::quiet_NaN()}) {
        const std::string msg = ctnn_test::message_of<std::invalid_argument>([&] { d.rate = bad; });
        BOOST_TEST(msg.find("rate must be in [0, 1)") != std::string::npos, msg);
    }
    BOOST_TEST(float(d.rate) == 0.45f);  // a refused value changes nothing
    d.rate = 0.75;
    BOOST_TEST(d.scale() == 4.0f);
    BOOST_TEST(d.threshold() == 3221225472u);  // 0.75 * 2^32

    using Model = Sequential<Input<8>, Dense<16>, ReLU, Dropout, Dense<2>, Softmax>;
    Model m;
    BOOST_CHECK_THROW(m.layer<3>().rate = 1.0, std::invalid_argument);
    m.layer<3>().rate = 0.3;
    BOOST_TEST(float(m.layer<3>().rate) == 0.3f);
}

BOOST_AUTO_TEST_CASE(keeps_1_minus_rate_scaled_by_1_over_1_minus_rate) {
    using Alone = Sequential<Input<wide>, Dropout, Dense<1>>;
    using Fused = Sequential<Input<1>, Dense<wide>, Dropout, Dense<1>>;
    BOOST_TEST(Alone::plan::to_string() == "Dropout(16384) | Dense(16384->1)");
    BOOST_TEST(Fused::plan::to_string() == "Dense(1->16384)+Dropout | Dense(16384->1)");
    for (double rate : {0.1, 0.25, 0.5, 0.8}) {
        Alone a;
        a.layer<1>() = Dropout(rate);
        a.compile(mean_squared_error, SGD{});
        BOOST_TEST_CONTEXT("on its own") { check_mask(training_output<2>(a), rate); }

        Fused f;
        f.layer<2>() = Dropout(rate);
        std::fill(f.params<1>().kernel.begin(), f.params<1>().kernel.end(), 1.0f);  // z = x = 1
        f.compile(mean_squared_error, SGD{});
        BOOST_TEST_CONTEXT("fused after a Dense") { check_mask(training_output<3>(f), rate); }
    }
}

BOOST_AUTO_TEST_CASE(mask_is_keyed_by_seed_step_and_layer) {
    // Two independent masks at rate 0.5 agree on half the units (within 5
    // standard errors, sqrt(0.25 / n)); the same key gives the same mask.
    const double tol = 5.0 * std::sqrt(0.25 / double(wide));
    using M = Sequential<Input<wide>, Dropout, Dense<1>>;
    M m;
    m.layer<1>() = Dropout(0.5);
    m.compile(mean_squared_error, SGD{});
    m.initialize(5);
    const auto step0 = training_output<2>(m);
    BOOST_TEST(agreement(step0, training_output<2>(m)) == 1.0);  // compute_gradients keeps the step
    const std::vector<float> x(wide, 1.0f), t(1, 1000.0f);
    m.train_on_batch(x.data(), t.data(), 1);
    BOOST_TEST(std::fabs(agreement(step0, training_output<2>(m)) - 0.5) <= tol);  // next step
    m.initialize(6);
    BOOST_TEST(std::fabs(agreement(step0, training_output<2>(m)) - 0.5) <= tol);  // other seed
    m.initialize(5);
    BOOST_TEST(agreement(step0, training_output<2>(m)) == 1.0);  // same seed, step 0 again

    // Two Dropouts in a row have different keys: 1/4 of the units survive
    // both (1/2 if the masks were one), each scaled by 2 x 2.
    using Twice = Sequential<Input<wide>, Dropout, Dropout, Dense<1>>;
    Twice w;
    w.layer<1>() = Dropout(0.5);
    w.layer<2>() = Dropout(0.5);
    w.compile(mean_squared_error, SGD{});
    check_mask(training_output<3>(w), 0.75);
}

// ---- inference ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(identity_at_inference) {
    // Through an identity Dense, so the prediction is the Dropout's output.
    using Alone = Sequential<Input<8>, Dropout, Dense<8>>;
    using Fused = Sequential<Input<8>, Dense<8>, Dropout>;
    const std::vector<float> x = {0.5f, -1.25f, 3.0f, 0.0f,   7.5f, -0.125f, 2.0f, 1.0f,  // row 0
                                  -4.0f, 0.25f, 1.5f, -2.5f, 6.0f, 0.75f,   -1.0f, 9.0f};  // row 1
    auto check = [&](auto& m) {
        m.compile(mean_squared_error, SGD{});
        std::vector<float> y(x.size(), -99.0f);
        m.predict_on_batch(x.data(), 2, y.data());
        BOOST_TEST(y == x, boost::test_tools::per_element());
        const auto one = m.predict_one(std::span<const float, 8>(x.data() + 8, 8));
        BOOST_TEST(std::vector<float>(one.begin(), one.end()) == std::vector<float>(x.begin() + 8, x.end()),
                   boost::test_tools::per_element());
    };
    Alone a;
    a.layer<1>() = Dropout(0.75);
    set_identity<2>(a);
    check(a);
    Fused f;
    f.layer<2>() = Dropout(0.75);
    set_identity<1>(f);
    check(f);
}

// ---- gradients through Dropout steps --------------------------------------------------------

BOOST_AUTO_TEST_CASE(activation_after_dropout) {
    // Dense+Dropout fused, then ReLU as its own step (it follows the Dropout).
    using M = Sequential<Input<6>, Dense<5>, Dropout, ReLU, Dense<4>, ReLU, Dense<3>, Softmax>;
    BOOST_TEST(M::train_plan<CategoricalCrossentropy>::to_string() ==
               "Dense(6->5)+Dropout | relu(5) | Dense(5->4)+relu | Dense(4->3)+softmax | fused "
               "categorical_crossentropy");
    M m;
    m.layer<2>() = Dropout(0.2);
    run_case(m, categorical_crossentropy, Target::onehot, 30);
}

BOOST_AUTO_TEST_CASE(dropout_not_after_a_dense) {
    // Dropout on the input (first step), and after a stand-alone activation.
    using M = Sequential<Input<6>, Dropout, Dense<5>, ReLU, Tanh, Dropout, Dense<3>, Softmax>;
    BOOST_TEST(M::plan::to_string() == "Dropout(6) | Dense(6->5)+relu | tanh(5) | Dropout(5) | Dense(5->3)+softmax");
    M m;
    m.layer<1>() = Dropout(0.2);
    m.layer<5>() = Dropout(0.3);
    run_case(m, categorical_crossentropy, Target::onehot, 33);
}

BOOST_AUTO_TEST_SUITE_END()
