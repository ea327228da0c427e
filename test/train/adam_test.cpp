#define BOOST_TEST_MODULE train_adam
#include <boost/test/unit_test.hpp>

// ctnn::Adam (train/adam.hpp) driven through ctnn::Optimizer for three steps with
// known gradients, against the tf.keras 2.x rule evaluated in double (support/optimizer_steps.hpp).

#include <array>
#include <cmath>
#include <cstddef>

#include "ctnn/train/adam.hpp"
#include "support/optimizer_steps.hpp"

using namespace ctnn_test::optimizer_steps;

BOOST_AUTO_TEST_SUITE(adam)

BOOST_AUTO_TEST_CASE(adam_default) {
    // By hand, step 1 for any g: m = 0.1 g, v = 0.001 g^2, lr_t = 0.001 sqrt(0.001)/0.1,
    // step = lr_t * 0.1 g / (sqrt(0.001)|g| + 1e-7) ~= 0.001 sign(g) for |g| >> 1e-7/sqrt(.001).
    // w[0]: 0.5 - 0.001 * 0.05 / (0.05 + 1e-7) (sqrt(0.001)*0.5 = 0.0158114, times 0.1/0.0316228 = 0.05).
    const auto got = run(ctnn::Adam{});
    const double lr1 = 0.001 * std::sqrt(1 - 0.999) / (1 - 0.9);
    BOOST_TEST(double(got[0][0]) == 0.5 - lr1 * 0.05 / (std::sqrt(0.001 * 0.25) + 1e-7),
               boost::test_tools::tolerance(1e-6));
    check(got, adam_ref(0.001, 0.9, 0.999, 1e-7, false, false));
}

BOOST_AUTO_TEST_CASE(adam_epsilon_is_epsilon_hat) {
    // Gradients of 1e-6: sqrt(v) ~ 3e-8, comparable to eps = 1e-7, so eps's
    // place (outside vs inside the bias correction) is visible.
    constexpr std::array<Vec, 3> tiny = {{
        {1e-6, -2e-6, 5e-7, 1e-6},
        {1e-6, 1e-6, 5e-7, -1e-6},
        {2e-6, -1e-6, 5e-7, 1e-6},
    }};
    const auto got = run(ctnn::Adam{}, tiny);
    const auto want = adam_ref(0.001, 0.9, 0.999, 1e-7, false, false, tiny);
    check(got, want, 1e-3);
    BOOST_TEST(distinguishable(want, adam_ref(0.001, 0.9, 0.999, 1e-7, false, true, tiny)));
}

BOOST_AUTO_TEST_CASE(adam_amsgrad_keeps_the_largest_v) {
    ctnn::Adam o;
    o.amsgrad = true;
    o.learning_rate = 0.01f;
    o.beta_2 = 0.5f;  // v forgets fast, so within 3 steps max(vhat, v) != v
    const auto got = run(o);
    const auto want = adam_ref(0.01, 0.9, 0.5, 1e-7, true, false);
    check(got, want);
    // Component 2 (g = 1, 0.01, 0.001) shrinks: v = 0.5, 0.25, 0.125 while vhat stays 0.5.
    BOOST_TEST(distinguishable(want, adam_ref(0.01, 0.9, 0.5, 1e-7, false, false)));
}

BOOST_AUTO_TEST_CASE(adam_legacy_decay) {
    ctnn::Adam o;
    o.decay = 0.5f;
    const auto got = run(o);
    // lr = 0.001 / (1 + 0.5 it) then Adam's lr_t; by hand in adam_ref with lr per step:
    Vec w = w0, m{}, v{};
    std::array<Vec, 3> want{};
    for (int it = 0; it < 3; ++it) {
        const double t = it + 1;
        const double lr = 0.001 / (1.0 + 0.5 * it);
        const double lr_t = lr * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
        for (std::size_t i = 0; i < n; ++i) {
            m[i] = 0.9 * m[i] + 0.1 * grads[it][i];
            v[i] = 0.999 * v[i] + 0.001 * grads[it][i] * grads[it][i];
            w[i] -= lr_t * m[i] / (std::sqrt(v[i]) + 1e-7);
        }
        want[it] = w;
    }
    check(got, want);
}

BOOST_AUTO_TEST_SUITE_END()
