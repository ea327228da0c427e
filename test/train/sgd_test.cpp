#define BOOST_TEST_MODULE train_sgd
#include <boost/test/unit_test.hpp>

// ctnn::SGD (train/sgd.hpp) driven through ctnn::Optimizer for three steps with
// known gradients, against the tf.keras 2.x rule evaluated in double (support/optimizer_steps.hpp).

#include <stdexcept>

#include "ctnn/train/optimizer.hpp"
#include "ctnn/train/sgd.hpp"
#include "support/optimizer_steps.hpp"

using namespace ctnn_test::optimizer_steps;

BOOST_AUTO_TEST_SUITE(sgd)

BOOST_AUTO_TEST_CASE(sgd_default_is_w_minus_0_01_g) {
    // By hand, w[0]: 0.5 - 0.01*0.5 = 0.495; + 0.01*0.2 = 0.497; - 0.01*0.1 = 0.496.
    const auto got = run(ctnn::SGD{});
    BOOST_TEST(double(got[0][0]) == 0.495, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(double(got[1][0]) == 0.497, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(double(got[2][0]) == 0.496, boost::test_tools::tolerance(1e-6));
    check(got, sgd_ref(0.01, 0.0, false, 0.0));
}

BOOST_AUTO_TEST_CASE(sgd_momentum_0_9) {
    // By hand, w[0]: v1 = -0.005, w = 0.495; v2 = 0.9*-0.005 + 0.002 = -0.0025, w = 0.4925;
    // v3 = 0.9*-0.0025 - 0.001 = -0.00325, w = 0.48925.
    ctnn::SGD o;
    o.momentum = 0.9f;
    const auto got = run(o);
    BOOST_TEST(double(got[2][0]) == 0.48925, boost::test_tools::tolerance(1e-6));
    check(got, sgd_ref(0.01, 0.9, false, 0.0));
    BOOST_TEST(distinguishable(sgd_ref(0.01, 0.9, false, 0.0), sgd_ref(0.01, 0.0, false, 0.0)));
}

BOOST_AUTO_TEST_CASE(sgd_nesterov) {
    // By hand, w[0]: v1 = -0.005, w = 0.5 + 0.9*-0.005 - 0.005 = 0.4905;
    // v2 = -0.0025, w = 0.4905 - 0.00225 + 0.002 = 0.49025.
    ctnn::SGD o;
    o.momentum = 0.9f;
    o.nesterov = true;
    const auto got = run(o);
    BOOST_TEST(double(got[0][0]) == 0.4905, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(double(got[1][0]) == 0.49025, boost::test_tools::tolerance(1e-6));
    check(got, sgd_ref(0.01, 0.9, true, 0.0));
    BOOST_TEST(distinguishable(sgd_ref(0.01, 0.9, true, 0.0), sgd_ref(0.01, 0.9, false, 0.0)));
}

BOOST_AUTO_TEST_CASE(sgd_legacy_decay_starts_from_iteration_0) {
    // lr_t = 0.1 / (1 + 0.5 it): 0.1, 0.0666.., 0.05. w[0]: 0.5 - 0.05 = 0.45;
    // + 0.2*0.1/1.5 = 0.463333..; - 0.1*0.05 = 0.458333...
    ctnn::SGD o;
    o.learning_rate = 0.1f;
    o.decay = 0.5f;
    const auto got = run(o);
    BOOST_TEST(double(got[0][0]) == 0.45, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(double(got[1][0]) == 0.5 - 0.05 + 0.02 / 1.5, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(double(got[2][0]) == 0.5 - 0.05 + 0.02 / 1.5 - 0.005, boost::test_tools::tolerance(1e-6));
    check(got, sgd_ref(0.1, 0.0, false, 0.5));
}

BOOST_AUTO_TEST_CASE(sgd_momentum_outside_0_1_throws) {
    ctnn::SGD bad;
    bad.momentum = 1.5f;
    BOOST_CHECK_THROW(ctnn::Optimizer{bad}, std::invalid_argument);
    bad.momentum = -0.1f;
    BOOST_CHECK_THROW(ctnn::Optimizer{bad}, std::invalid_argument);
    ctnn::SGD edge;
    edge.momentum = 1.0f;
    BOOST_CHECK_NO_THROW(ctnn::Optimizer{edge});
    edge.momentum = 0.0f;
    BOOST_CHECK_NO_THROW(ctnn::Optimizer{edge});
}

BOOST_AUTO_TEST_SUITE_END()
