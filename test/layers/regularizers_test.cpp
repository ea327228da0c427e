#define BOOST_TEST_MODULE layers_regularizers
#include <boost/test/unit_test.hpp>

// ctnn regularizers (Keras' L1, L2, L1L2): the penalty l1 sum|w| + l2 sum w^2
// and its gradient by hand, the factories' Keras defaults, and kernel / bias
// regularizers in a model: the added loss by hand and finite-difference
// gradient checks (test/support/gradient_check.hpp).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "ctnn/layers/regularizers.hpp"
#include "ctnn/model/sequential.hpp"
#include "support/gradient_check.hpp"

namespace tt = boost::test_tools;
using namespace ctnn;
using namespace ctnn_test::gradient_check;

BOOST_AUTO_TEST_SUITE(regularizers)

// ---- the Regularizer value ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(penalty_and_gradient_by_hand) {
    // w = (0.5, -2, 0, 1.25): sum|w| = 3.75, sum w^2 = 0.25 + 4 + 0 + 1.5625 = 5.8125.
    // L1L2(0.1, 0.2): 0.1 * 3.75 + 0.2 * 5.8125 = 0.375 + 1.1625 = 1.5375 (no 1/2, no mean).
    const std::vector<float> w = {0.5f, -2.0f, 0.0f, 1.25f};
    const Regularizer r = L1L2(0.1f, 0.2f);
    BOOST_TEST(r.active());
    BOOST_TEST(r.penalty(w.data(), w.size()) == 1.5375, tt::tolerance(1e-6));
    BOOST_TEST(L1(0.1f).penalty(w.data(), w.size()) == 0.375, tt::tolerance(1e-6));
    BOOST_TEST(L2(0.2f).penalty(w.data(), w.size()) == 1.1625, tt::tolerance(1e-6));
    BOOST_TEST(Regularizer{}.penalty(w.data(), w.size()) == 0.0);
    // d/dw = l1 sign(w) + 2 l2 w (sign(0) = 0, as tf's abs gradient):
    //   0.1 + 0.4 * 0.5 = 0.3;  -0.1 + 0.4 * -2 = -0.9;  0;  0.1 + 0.4 * 1.25 = 0.6.
    const double want[4] = {0.3, -0.9, 0.0, 0.6};
    for (std::size_t i = 0; i < 4; ++i) {
        BOOST_TEST_CONTEXT("w = " << w[i]) {
            BOOST_TEST(double(r.gradient(w[i])) == want[i], tt::tolerance(1e-6));
            BOOST_TEST(std::fabs(double(r.gradient(w[i], 0.25f)) - 0.25 * want[i]) <= 1e-7);
        }
    }
    // add_gradient adds it to g; an inactive regularizer leaves g alone.
    std::vector<float> g = {1.0f, 1.0f, 1.0f, 1.0f};
    r.add_gradient(w.data(), g.data(), g.size());
    for (std::size_t i = 0; i < 4; ++i) BOOST_TEST(double(g[i]) == 1.0 + want[i], tt::tolerance(1e-6));
    std::vector<float> h = {1.0f, -1.0f, 2.0f, 0.5f};
    L1L2().add_gradient(w.data(), h.data(), h.size());
    BOOST_TEST(h == (std::vector<float>{1.0f, -1.0f, 2.0f, 0.5f}), tt::per_element());
    BOOST_TEST(!L1L2().active());
    BOOST_TEST(L1(0.5f).active());
    BOOST_TEST(L2(0.5f).active());
}

// ---- kernel and bias regularizers in a model ------------------------------------------------

namespace {
using RegModel = Sequential<Input<5>, Dense<6>, Tanh, Dropout, Dense<3>, Softmax>;

// Sum over a tensor of |w| and w^2, in double, for the by-hand penalty.
template <class V>
std::pair<double, double> abs_and_square_sums(const V& w) {
    double a = 0.0, s = 0.0;
    for (float v : w) {
        a += std::fabs(double(v));
        s += double(v) * double(v);
    }
    return {a, s};
}

void check_regularized(Regularizer k1, Regularizer b1, Regularizer k4, Regularizer b4, std::uint64_t seed) {
    RegModel m;
    m.layer<3>() = Dropout(0.2);
    prepare(m, seed);
    m.compile(categorical_crossentropy, SGD{});
    const Data d = make_data<RegModel>(6, Target::onehot, seed + 1);
    const double data_loss = loss_of(m, d);  // no regularizer yet

    m.layer<1>().kernel_regularizer = k1;
    m.layer<1>().bias_regularizer = b1;
    m.layer<4>().kernel_regularizer = k4;
    m.layer<4>().bias_regularizer = b4;
    // Keras: penalty = l1 sum|w| + l2 sum w^2 per tensor, added once (not per sample).
    double penalty = 0.0;
    auto add = [&](const Regularizer& r, const auto& w) {
        const auto [a, s] = abs_and_square_sums(w);
        penalty += double(r.l1) * a + double(r.l2) * s;
    };
    add(k1, m.params<1>().kernel);
    add(b1, m.params<1>().bias);
    add(k4, m.params<4>().kernel);
    add(b4, m.params<4>().bias);
    BOOST_TEST(penalty > 0.0);
    const double total = loss_of(m, d);
    BOOST_TEST(total - data_loss == penalty, tt::tolerance(1e-5));
    BOOST_TEST(m.regularization_penalty() == penalty, tt::tolerance(1e-5));
    check_gradients(m, d);
}
}  // namespace

BOOST_AUTO_TEST_CASE(l1_regularizer_on_kernel_and_bias) {
    check_regularized(L1(0.01f), L1(0.02f), L1(0.03f), L1(0.01f), 61);
}

BOOST_AUTO_TEST_CASE(l2_regularizer_on_kernel_and_bias) {
    check_regularized(L2(0.01f), L2(0.05f), L2(0.1f), L2(0.02f), 62);
}

BOOST_AUTO_TEST_CASE(l1l2_regularizer_on_kernel_and_bias) {
    check_regularized(L1L2(0.01f, 0.02f), L1L2(0.03f, 0.01f), L1L2(0.02f, 0.05f), Regularizer{}, 63);
}

BOOST_AUTO_TEST_CASE(regularizer_factory_defaults) {
    // Keras: L1() = 0.01, L2() = 0.01, L1L2() = (0, 0); the default is None.
    BOOST_TEST(L1().l1 == 0.01f);
    BOOST_TEST(L1().l2 == 0.0f);
    BOOST_TEST(L2().l2 == 0.01f);
    BOOST_TEST(L2().l1 == 0.0f);
    BOOST_TEST(L1L2().l1 == 0.0f);
    BOOST_TEST(L1L2().l2 == 0.0f);
    BOOST_TEST(!Regularizer{}.active());
}

BOOST_AUTO_TEST_SUITE_END()
