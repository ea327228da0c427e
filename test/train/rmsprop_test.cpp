#define BOOST_TEST_MODULE train_rmsprop
#include <boost/test/unit_test.hpp>

// ctnn::RMSprop (train/rmsprop.hpp) driven through ctnn::Optimizer for three steps with
// known gradients, against both tf.keras 2.x code paths evaluated in double (support/optimizer_steps.hpp).

#include <cmath>

#include "ctnn/train/rmsprop.hpp"
#include "support/optimizer_steps.hpp"

using namespace ctnn_test::optimizer_steps;

BOOST_AUTO_TEST_SUITE(rmsprop)

BOOST_AUTO_TEST_CASE(rmsprop_default) {
    // By hand, w[0] step 1: rms = 0.1*0.25 = 0.025, w = 0.5 - 0.001*0.5/(sqrt(0.025)+1e-7)
    // = 0.5 - 0.0031622757 = 0.4968377243.
    const auto got = run(ctnn::RMSprop{});
    BOOST_TEST(double(got[0][0]) == 0.5 - 0.0005 / (std::sqrt(0.025) + 1e-7), boost::test_tools::tolerance(1e-6));
    check(got, rmsprop_ref(0.001, 0.9, 0.0, 1e-7, false, false));
}

BOOST_AUTO_TEST_CASE(rmsprop_centered) {
    ctnn::RMSprop o;
    o.centered = true;
    const auto got = run(o);
    check(got, rmsprop_ref(0.001, 0.9, 0.0, 1e-7, true, false));
    BOOST_TEST(distinguishable(rmsprop_ref(0.001, 0.9, 0.0, 1e-7, true, false),
                               rmsprop_ref(0.001, 0.9, 0.0, 1e-7, false, false)));
}

BOOST_AUTO_TEST_CASE(rmsprop_momentum_puts_epsilon_inside_the_root) {
    ctnn::RMSprop o;
    o.momentum = 0.5f;
    o.epsilon = 1e-6f;  // g = 1e-3: rms = 1e-7 against eps 1e-6, inside vs outside differ ~3x
    const auto got = run(o);
    const auto want = rmsprop_ref(0.001, 0.9, 0.5, double(1e-6f), false, true);
    check(got, want);
    BOOST_TEST(distinguishable(want, rmsprop_ref(0.001, 0.9, 0.5, double(1e-6f), false, false)));
}

BOOST_AUTO_TEST_CASE(rmsprop_centered_with_momentum) {
    ctnn::RMSprop o;
    o.momentum = 0.9f;
    o.centered = true;
    o.learning_rate = 0.01f;
    const auto got = run(o);
    check(got, rmsprop_ref(0.01, 0.9, 0.9, 1e-7, true, true));
}

BOOST_AUTO_TEST_CASE(rmsprop_legacy_decay_starts_from_iteration_0) {
    // lr_t = 0.01 / (1 + 0.5 it): 0.01, 0.01/1.5, 0.005. w[0] with g = 0.5, -0.2, 0.1:
    //   rms = 0.025;   w = 0.5 - 0.01 * 0.5 / (sqrt(0.025) + 1e-7)
    //   rms = 0.0265;  w += (0.01 / 1.5) * 0.2 / (sqrt(0.0265) + 1e-7)
    //   rms = 0.02485; w -= 0.005 * 0.1 / (sqrt(0.02485) + 1e-7)
    ctnn::RMSprop o;
    o.learning_rate = 0.01f;
    o.decay = 0.5f;
    const auto got = run(o);
    const double w1 = 0.5 - 0.01 * 0.5 / (std::sqrt(0.025) + 1e-7);
    const double w2 = w1 + (0.01 / 1.5) * 0.2 / (std::sqrt(0.0265) + 1e-7);
    const double w3 = w2 - 0.005 * 0.1 / (std::sqrt(0.02485) + 1e-7);
    BOOST_TEST(double(got[0][0]) == w1, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(double(got[1][0]) == w2, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(double(got[2][0]) == w3, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_SUITE_END()
