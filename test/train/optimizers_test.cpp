#define BOOST_TEST_MODULE train_optimizers
#include <boost/test/unit_test.hpp>

// SGD, RMSprop and Adam driven through ctnn::Optimizer for three steps with
// known gradients, against the tf.keras 2.x update rules
// (docs/keras-behaviour.md §1.6) evaluated here in double:
//   SGD:      lr_t = lr / (1 + decay * it), it = 0, 1, 2 (first step uses lr)
//             v = mu v - lr_t g;  w += v          (nesterov: w += mu v - lr_t g)
//   RMSprop:  rms = rho rms + (1 - rho) g^2  [mg = rho mg + (1 - rho) g, d = rms - mg^2]
//             momentum 0: w -= lr g / (sqrt(d) + eps)
//             momentum>0: mom = mu mom + lr g / sqrt(d + eps); w -= mom
//   Adam:     t = it + 1, lr_t = lr sqrt(1 - b2^t) / (1 - b1^t)
//             m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2 [vhat = max(vhat, v)]
//             w -= lr_t m / (sqrt(v) + eps)       (eps "hat": not bias-corrected)
// Some gradient components are tiny (1e-3 .. 1e-6) so that where epsilon sits
// changes the answer by far more than the tolerance; each such case also
// checks that the rejected variant really differs.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "ctnn/layers/dropout.hpp"
#include "ctnn/train/optimizer.hpp"

namespace {

constexpr std::size_t n = 4;
using Vec = std::array<double, n>;

// Three steps of gradients: one ordinary, one tiny (epsilon matters), one
// shrinking (AMSGrad's max matters), one sign-changing.
constexpr std::array<Vec, 3> grads = {{
    {0.5, 1e-3, 1.0, -0.3},
    {-0.2, 2e-3, 0.01, 0.4},
    {0.1, -1e-3, 0.001, -0.5},
}};
constexpr Vec w0 = {0.5, -0.25, 0.0, 1.0};

// Runs `opt` for three steps on w0 with `grads` (as float, as the library does).
std::array<std::array<float, n>, 3> run(ctnn::Optimizer opt, const std::array<Vec, 3>& gs = grads) {
    std::array<float, n> w;
    for (std::size_t i = 0; i < n; ++i) w[i] = static_cast<float>(w0[i]);
    std::array<std::array<float, n>, 3> out{};
    for (std::size_t s = 0; s < 3; ++s) {
        std::array<float, n> g;
        for (std::size_t i = 0; i < n; ++i) g[i] = static_cast<float>(gs[s][i]);
        BOOST_TEST(opt.iterations() == static_cast<std::int64_t>(s));
        opt.apply(0, w.data(), g.data(), n);
        opt.finish_step();
        out[s] = w;
    }
    return out;
}

// Compares each step's weights: the change from w0 to within rtol (the
// change, not the weight, so a wrong small step cannot hide under |w|).
void check(const std::array<std::array<float, n>, 3>& got, const std::array<Vec, 3>& want, double rtol = 1e-4) {
    for (std::size_t s = 0; s < 3; ++s)
        for (std::size_t i = 0; i < n; ++i) {
            const double dg = double(got[s][i]) - w0[i], dw = want[s][i] - w0[i];
            BOOST_TEST_CONTEXT("step " << s + 1 << ", w[" << i << "]: " << got[s][i] << " vs " << want[s][i]) {
                BOOST_TEST(std::fabs(dg - dw) <= rtol * std::fabs(dw) + 2e-7);
            }
        }
}

// At least one component of the variant differs from the expected by 10x
// the tolerance: the test can tell the two rules apart.
bool distinguishable(const std::array<Vec, 3>& a, const std::array<Vec, 3>& b) {
    double worst = 0.0;
    for (std::size_t s = 0; s < 3; ++s)
        for (std::size_t i = 0; i < n; ++i) {
            const double da = a[s][i] - w0[i], db = b[s][i] - w0[i];
            worst = std::max(worst, std::fabs(da - db) / (std::fabs(da) + 1e-12));
        }
    return worst > 1e-2;
}

std::array<Vec, 3> sgd_ref(double lr, double mu, bool nesterov, double decay) {
    Vec w = w0, v{};
    std::array<Vec, 3> out{};
    for (int it = 0; it < 3; ++it) {
        const double lr_t = lr / (1.0 + decay * it);
        for (std::size_t i = 0; i < n; ++i) {
            const double g = grads[it][i];
            if (mu == 0.0) {
                w[i] -= lr_t * g;
            } else {
                v[i] = mu * v[i] - lr_t * g;
                w[i] += nesterov ? mu * v[i] - lr_t * g : v[i];
            }
        }
        out[it] = w;
    }
    return out;
}

// eps_inside: momentum path (ResourceApplyRMSProp) puts eps inside the root.
std::array<Vec, 3> rmsprop_ref(double lr, double rho, double mu, double eps, bool centered, bool eps_inside) {
    Vec w = w0, rms{}, mg{}, mom{};
    std::array<Vec, 3> out{};
    for (int it = 0; it < 3; ++it) {
        for (std::size_t i = 0; i < n; ++i) {
            const double g = grads[it][i];
            rms[i] = rho * rms[i] + (1 - rho) * g * g;
            double d = rms[i];
            if (centered) {
                mg[i] = rho * mg[i] + (1 - rho) * g;
                d -= mg[i] * mg[i];
            }
            if (mu > 0.0) {
                mom[i] = mu * mom[i] + lr * g / (eps_inside ? std::sqrt(d + eps) : std::sqrt(d) + eps);
                w[i] -= mom[i];
            } else {
                w[i] -= lr * g / (eps_inside ? std::sqrt(d + eps) : std::sqrt(d) + eps);
            }
        }
        out[it] = w;
    }
    return out;
}

// paper_eps: Algorithm 1 of Kingma & Ba (eps added to the bias-corrected root).
std::array<Vec, 3> adam_ref(double lr, double b1, double b2, double eps, bool amsgrad, bool paper_eps,
                            const std::array<Vec, 3>& gs = grads) {
    Vec w = w0, m{}, v{}, vhat{};
    std::array<Vec, 3> out{};
    for (int it = 0; it < 3; ++it) {
        const double t = it + 1;
        const double lr_t = lr * std::sqrt(1 - std::pow(b2, t)) / (1 - std::pow(b1, t));
        for (std::size_t i = 0; i < n; ++i) {
            const double g = gs[it][i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            vhat[i] = std::max(vhat[i], v[i]);
            const double vv = amsgrad ? vhat[i] : v[i];
            const double e = paper_eps ? eps * std::sqrt(1 - std::pow(b2, t)) : eps;
            w[i] -= lr_t * m[i] / (std::sqrt(vv) + e);
        }
        out[it] = w;
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(optimizers)

// ---- SGD --------------------------------------------------------------------------

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

// ---- RMSprop -----------------------------------------------------------------------

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

// ---- Adam -----------------------------------------------------------------------------

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

// ---- slots, names, defaults -----------------------------------------------------------

BOOST_AUTO_TEST_CASE(slots_are_independent_per_tensor) {
    // Two tensors through one Adam: each must see only its own moments.
    ctnn::Optimizer opt{ctnn::Adam{}};
    std::array<float, n> a, b;
    for (std::size_t i = 0; i < n; ++i) a[i] = b[i] = static_cast<float>(w0[i]);
    for (std::size_t s = 0; s < 3; ++s) {
        std::array<float, n> g, zero{};
        for (std::size_t i = 0; i < n; ++i) g[i] = static_cast<float>(grads[s][i]);
        opt.apply(0, a.data(), g.data(), n);
        opt.apply(1, b.data(), zero.data(), n);
        opt.finish_step();
    }
    const auto want = adam_ref(0.001, 0.9, 0.999, 1e-7, false, false);
    for (std::size_t i = 0; i < n; ++i) {
        BOOST_TEST(std::fabs((double(a[i]) - w0[i]) - (want[2][i] - w0[i])) <= 1e-4 * std::fabs(want[2][i] - w0[i]) + 2e-7);
        BOOST_TEST(double(b[i]) == w0[i]);  // zero gradient, zero moments: no step
    }
}

BOOST_AUTO_TEST_CASE(names_give_keras_defaults) {
    {
        const ctnn::Optimizer o("adam");
        BOOST_TEST(std::string(o.name()) == "Adam");
        const auto& a = std::get<ctnn::Adam>(o.config());
        BOOST_TEST(a.learning_rate == 0.001f);
        BOOST_TEST(a.beta_1 == 0.9f);
        BOOST_TEST(a.beta_2 == 0.999f);
        BOOST_TEST(a.epsilon == 1e-7f);
        BOOST_TEST(!a.amsgrad);
        BOOST_TEST(a.decay == 0.0f);
    }
    {
        const ctnn::Optimizer o("sgd");
        BOOST_TEST(std::string(o.name()) == "SGD");
        const auto& s = std::get<ctnn::SGD>(o.config());
        BOOST_TEST(s.learning_rate == 0.01f);
        BOOST_TEST(s.momentum == 0.0f);
        BOOST_TEST(!s.nesterov);
        BOOST_TEST(s.decay == 0.0f);
    }
    {
        const ctnn::Optimizer o(std::string("rmsprop"));
        BOOST_TEST(std::string(o.name()) == "RMSprop");
        const auto& r = std::get<ctnn::RMSprop>(o.config());
        BOOST_TEST(r.learning_rate == 0.001f);
        BOOST_TEST(r.rho == 0.9f);
        BOOST_TEST(r.momentum == 0.0f);
        BOOST_TEST(r.epsilon == 1e-7f);
        BOOST_TEST(!r.centered);
    }
    // The default-constructed Optimizer is Keras' compile() default, Adam.
    BOOST_TEST(std::string(ctnn::Optimizer{}.name()) == "Adam");
    // And the string-built ones behave as the structs do.
    check(run(ctnn::Optimizer("sgd")), sgd_ref(0.01, 0.0, false, 0.0));
    check(run(ctnn::Optimizer("rmsprop")), rmsprop_ref(0.001, 0.9, 0.0, 1e-7, false, false));
    check(run(ctnn::Optimizer("adam")), adam_ref(0.001, 0.9, 0.999, 1e-7, false, false));
}

BOOST_AUTO_TEST_CASE(unknown_name_throws_naming_it) {
    try {
        ctnn::Optimizer o("adagrad_typo");
        BOOST_FAIL("no exception for an unknown optimizer name");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("adagrad_typo") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(dropout_rate_outside_0_1_throws) {
    BOOST_CHECK_THROW(ctnn::Dropout(1.5), std::invalid_argument);
    BOOST_CHECK_THROW(ctnn::Dropout(-0.1), std::invalid_argument);
    BOOST_CHECK_NO_THROW(ctnn::Dropout(0.0));
    BOOST_CHECK_NO_THROW(ctnn::Dropout(0.45));
    BOOST_TEST(ctnn::Dropout(0.2).scale() == 1.25f);  // Keras' docstring: survivors x1.25
}

BOOST_AUTO_TEST_SUITE_END()
