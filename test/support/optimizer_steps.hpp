#pragma once
// ctnn_test::optimizer_steps — three optimizer steps with known gradients and
// their hand computation in double, for the SGD, RMSprop, Adam and Optimizer
// tests. run(opt) drives a ctnn::Optimizer; sgd_ref / rmsprop_ref / adam_ref
// evaluate the tf.keras 2.x update rules (docs/keras-behaviour.md §1.6):
//   SGD:      lr_t = lr / (1 + decay * it), it = 0, 1, 2 (first step uses lr)
//             v = mu v - lr_t g;  w += v          (nesterov: w += mu v - lr_t g)
//   RMSprop:  rms = rho rms + (1 - rho) g^2  [mg = rho mg + (1 - rho) g, d = rms - mg^2]
//             momentum 0: w -= lr g / (sqrt(d) + eps)
//             momentum>0: mom = mu mom + lr g / sqrt(d + eps); w -= mom
//   Adam:     t = it + 1, lr_t = lr sqrt(1 - b2^t) / (1 - b1^t)
//             m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2 [vhat = max(vhat, v)]
//             w -= lr_t m / (sqrt(v) + eps)       (eps "hat": not bias-corrected)
// Some gradient components are tiny (1e-3 .. 1e-6) so that where epsilon sits
// changes the answer by far more than the tolerance; distinguishable() lets a
// case check that the rejected variant really differs.
// Include after <boost/test/unit_test.hpp>.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ctnn/train/optimizer.hpp"

namespace ctnn_test::optimizer_steps {

inline constexpr std::size_t n = 4;
using Vec = std::array<double, n>;

// Three steps of gradients: one ordinary, one tiny (epsilon matters), one
// shrinking (AMSGrad's max matters), one sign-changing.
inline constexpr std::array<Vec, 3> grads = {{
    {0.5, 1e-3, 1.0, -0.3},
    {-0.2, 2e-3, 0.01, 0.4},
    {0.1, -1e-3, 0.001, -0.5},
}};
inline constexpr Vec w0 = {0.5, -0.25, 0.0, 1.0};

// Runs `opt` for three steps on w0 with `grads` (as float, as the library does).
inline std::array<std::array<float, n>, 3> run(ctnn::Optimizer opt, const std::array<Vec, 3>& gs = grads) {
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
inline void check(const std::array<std::array<float, n>, 3>& got, const std::array<Vec, 3>& want, double rtol = 1e-4) {
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
inline bool distinguishable(const std::array<Vec, 3>& a, const std::array<Vec, 3>& b) {
    double worst = 0.0;
    for (std::size_t s = 0; s < 3; ++s)
        for (std::size_t i = 0; i < n; ++i) {
            const double da = a[s][i] - w0[i], db = b[s][i] - w0[i];
            worst = std::max(worst, std::fabs(da - db) / (std::fabs(da) + 1e-12));
        }
    return worst > 1e-2;
}

inline std::array<Vec, 3> sgd_ref(double lr, double mu, bool nesterov, double decay) {
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
inline std::array<Vec, 3> rmsprop_ref(double lr, double rho, double mu, double eps, bool centered, bool eps_inside) {
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
inline std::array<Vec, 3> adam_ref(double lr, double b1, double b2, double eps, bool amsgrad, bool paper_eps,
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

}  // namespace ctnn_test::optimizer_steps
