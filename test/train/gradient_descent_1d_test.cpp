#define BOOST_TEST_MODULE train_gradient_descent_1d
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>

#include "ctnn/train/gradient_descent_1d.hpp"

namespace tt = boost::test_tools;

namespace {
// The chapter's curve (Figure 1.3.7).
double f(double x) { return x * x - x - 1.0; }
double df(double x) { return 2.0 * x - 1.0; }
}  // namespace

BOOST_AUTO_TEST_SUITE(gradient_descent_1d)

BOOST_AUTO_TEST_CASE(first_step_goes_from_minus_half_to_minus_0_48) {
    const auto path = ctnn::gradient_descent_1d(f, df, -0.5, 0.01, 1);
    BOOST_TEST_REQUIRE(path.steps.size() == 2u);
    // Start: y(-0.5) = 0.25 + 0.5 - 1 = -0.25, dy/dx = -2.
    BOOST_TEST(path.steps[0].step == 0u);
    BOOST_TEST(path.steps[0].x == -0.5);
    BOOST_TEST(path.steps[0].y == -0.25);
    BOOST_TEST(path.steps[0].gradient == -2.0);
    // x1 = -0.5 - 0.01 * (-2) = -0.48; y = 0.2304 + 0.48 - 1 = -0.2896; dy/dx = -1.96.
    BOOST_TEST(path.steps[1].step == 1u);
    BOOST_TEST(path.steps[1].x == -0.48, tt::tolerance(1e-15));
    BOOST_TEST(path.steps[1].y == -0.2896, tt::tolerance(1e-13));
    BOOST_TEST(path.steps[1].gradient == -1.96, tt::tolerance(1e-14));
    BOOST_TEST(!path.converged);  // stopped by max_steps
}

BOOST_AUTO_TEST_CASE(converges_to_the_minimum_at_half) {
    const auto path = ctnn::gradient_descent_1d(f, df, -0.5, 0.01, 100000, 1e-6);
    BOOST_TEST(path.converged);
    BOOST_TEST(!path.diverged);
    // x_k - 0.5 = -(1 - 2 * 0.01)^k, so |dy/dx| = 2 * 0.98^k < 1e-6 first at
    // k = ceil(ln(2e6) / -ln(0.98)) = 719.
    BOOST_TEST(path.last().step == 719u);
    BOOST_TEST(path.steps.size() == 720u);
    BOOST_TEST(std::abs(path.last().gradient) < 1e-6);
    BOOST_TEST(std::abs(path.steps[718].gradient) >= 1e-6);
    BOOST_TEST(path.last().x == 0.5, tt::tolerance(1e-6));
    BOOST_TEST(path.last().y == -1.25, tt::tolerance(1e-11));
    // Closed form along the way: x_k = 0.5 - 0.98^k.
    BOOST_TEST(path.steps[100].x == 0.5 - std::pow(0.98, 100), tt::tolerance(1e-12));
    // Monotone descent.
    for (std::size_t k = 1; k < path.steps.size(); ++k) BOOST_TEST(path.steps[k].y < path.steps[k - 1].y);
}

BOOST_AUTO_TEST_CASE(too_large_a_learning_rate_swings_and_diverges) {
    // lr = 1.5: x_k - 0.5 = (-2)^k (x0 - 0.5), which overflows to infinity.
    const auto path = ctnn::gradient_descent_1d(f, df, -0.5, 1.5, 100000);
    BOOST_TEST(path.diverged);
    BOOST_TEST(!path.converged);
    BOOST_TEST(path.steps[1].x == 2.5);  // -0.5 - 1.5 * (-2): the other side of the minimum
    BOOST_TEST(path.steps[2].x == -3.5);
    BOOST_TEST(path.steps.size() < 2000u);
}

BOOST_AUTO_TEST_SUITE_END()
