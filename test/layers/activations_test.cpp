#define BOOST_TEST_MODULE layers_activations
#include <boost/test/unit_test.hpp>

// The element-wise activations and Softmax against tf.keras 2.x's definitions
// (docs/keras-behaviour.md §1.3), evaluated independently in double:
//   linear(z) = z            relu(z) = max(z, 0)
//   elu(z)    = z if z > 0 else alpha (e^z - 1)
//   selu(z)   = scale z if z > 0 else scale alpha (e^z - 1)
//   softplus(z) = log(e^z + 1)   sigmoid(z) = 1 / (1 + e^-z)   tanh(z)
//   softmax(z)_j = e^{z_j} / sum_k e^{z_k}
// grad_from_output(f(z)) is checked against a central difference of the
// double formula, never against values printed by the code under test.

#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/softmax.hpp"

namespace {

// SELU's published constants (tf.keras.activations.selu).
constexpr double selu_alpha = 1.6732632423543772848170429916717;
constexpr double selu_scale = 1.0507009873554804934193349852946;

using RefFn = std::function<double(double)>;

// The sample grid: -100..100 in steps of 0.37 plus points where precision or
// kinks matter (0, +-1e-3, +-1e-6, +-1, +-100).
std::vector<float> grid() {
    std::vector<float> z;
    for (int i = -270; i <= 270; ++i) z.push_back(static_cast<float>(i) * 0.37f);
    for (float v : {0.0f, 1e-3f, -1e-3f, 1e-6f, -1e-6f, 1.0f, -1.0f, 100.0f, -100.0f, 0.5f, -0.5f, 5.0f, -5.0f})
        z.push_back(v);
    return z;
}

// |a - r| <= rtol |r| + atol: rtol a few float ulps; atol covers results that
// underflow float (e.g. sigmoid(-100) = 3.7e-44, a float denormal).
bool close(double a, double r, double rtol, double atol) { return std::fabs(a - r) <= rtol * std::fabs(r) + atol; }

template <class A>
void check_forward(const A& act, const RefFn& ref, const std::string& name) {
    for (float z : grid()) {
        const float y = act(z);
        const double r = ref(static_cast<double>(z));
        BOOST_TEST_CONTEXT(name << "(" << z << ") = " << y << ", formula gives " << r) {
            BOOST_TEST(std::isfinite(y));
            BOOST_TEST(close(y, r, 4e-7, 1e-37));
        }
    }
    // Far outside the grid: finite, and saturating as the formula says.
    for (float z : {1000.0f, -1000.0f, 1e30f, -1e30f}) {
        BOOST_TEST_CONTEXT(name << "(" << z << ") = " << act(z)) { BOOST_TEST(std::isfinite(act(z))); }
    }
}

// f'(z) from the double formula by a central difference, h relative to |z|.
double fd_derivative(const RefFn& f, double z) {
    const double h = 1e-6 * std::fmax(1.0, std::fabs(z));
    return (f(z + h) - f(z - h)) / (2.0 * h);
}

template <class A>
void check_gradient(const A& act, const RefFn& ref, const std::string& name, bool kink_at_zero) {
    for (float z : grid()) {
        if (kink_at_zero && std::fabs(z) < 1e-5f) continue;  // h would straddle the kink
        const float g = act.grad_from_output(act(z));
        const double fd = fd_derivative(ref, z);
        // y is a float: near saturation f'(z) = 1 - y^2 etc. lose digits to the
        // rounding of y (~1.2e-7 absolute), hence the absolute term.
        BOOST_TEST_CONTEXT(name << "'(" << z << "): grad_from_output = " << g << ", finite difference " << fd) {
            BOOST_TEST(std::isfinite(g));
            BOOST_TEST(close(g, fd, 1e-4, 1e-6));
        }
    }
    for (float z : {1000.0f, -1000.0f}) {
        BOOST_TEST_CONTEXT(name << "'(" << z << ")") { BOOST_TEST(std::isfinite(act.grad_from_output(act(z)))); }
    }
}

double elu_ref(double z, double alpha) { return z > 0 ? z : alpha * (std::exp(z) - 1.0); }

}  // namespace

BOOST_AUTO_TEST_SUITE(activations)

BOOST_AUTO_TEST_CASE(linear_is_the_identity) {
    const RefFn f = [](double z) { return z; };
    check_forward(ctnn::Linear{}, f, "linear");
    check_gradient(ctnn::Linear{}, f, "linear", false);
}

BOOST_AUTO_TEST_CASE(relu_is_max_z_0) {
    const RefFn f = [](double z) { return z > 0 ? z : 0.0; };
    check_forward(ctnn::ReLU{}, f, "relu");
    check_gradient(ctnn::ReLU{}, f, "relu", true);
    // At the kink TF's ReluGrad passes nothing (y > 0 is false at y = 0).
    BOOST_TEST(ctnn::ReLU{}.grad_from_output(0.0f) == 0.0f);
}

BOOST_AUTO_TEST_CASE(elu_default_alpha_is_1) {
    const ctnn::ELU elu{};
    BOOST_TEST(elu.alpha == 1.0f);
    const RefFn f = [](double z) { return elu_ref(z, 1.0); };
    check_forward(elu, f, "elu");
    check_gradient(elu, f, "elu", true);
    // The small-|z| branch needs expm1: alpha (e^z - 1) at z = -1e-3 is
    // -9.995001666e-4 by the series z + z^2/2 + z^3/6.
    const double z = double(-1e-3f);
    BOOST_TEST(elu(-1e-3f) == z + z * z / 2 + z * z * z / 6, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(elu_with_alpha_0_5) {
    ctnn::ELU elu;
    elu.alpha = 0.5f;
    const RefFn f = [](double z) { return elu_ref(z, 0.5); };
    check_forward(elu, f, "elu(alpha=0.5)");
    check_gradient(elu, f, "elu(alpha=0.5)", true);
    // Saturation: elu(-100) = -alpha.
    BOOST_TEST(elu(-100.0f) == -0.5f);
}

BOOST_AUTO_TEST_CASE(selu_uses_the_published_constants) {
    BOOST_TEST(double(ctnn::SELU::alpha) == selu_alpha, boost::test_tools::tolerance(1e-7));
    BOOST_TEST(double(ctnn::SELU::scale) == selu_scale, boost::test_tools::tolerance(1e-7));
    const RefFn f = [](double z) { return z > 0 ? selu_scale * z : selu_scale * selu_alpha * (std::exp(z) - 1.0); };
    check_forward(ctnn::SELU{}, f, "selu");
    check_gradient(ctnn::SELU{}, f, "selu", true);
    // selu(1) = scale; selu(-inf side) = -scale alpha = -1.7580993408473766.
    BOOST_TEST(double(ctnn::SELU{}(1.0f)) == selu_scale, boost::test_tools::tolerance(1e-7));
    BOOST_TEST(double(ctnn::SELU{}(-100.0f)) == -selu_scale * selu_alpha, boost::test_tools::tolerance(1e-7));
}

BOOST_AUTO_TEST_CASE(softplus_is_log_1_plus_exp) {
    // log(e^z + 1), evaluated as log1p(e^z) so that double keeps every digit
    // of e^z when it is tiny (log(1 + 5e-12) in double keeps only 4 digits);
    // e^z itself is finite in double for |z| <= 100 (e^100 = 2.7e43).
    const RefFn f = [](double z) { return std::log1p(std::exp(z)); };
    check_forward(ctnn::Softplus{}, f, "softplus");
    check_gradient(ctnn::Softplus{}, f, "softplus", false);
    // softplus(0) = log 2; softplus(1000) = 1000 (the e^-1000 term vanishes).
    BOOST_TEST(double(ctnn::Softplus{}(0.0f)) == std::log(2.0), boost::test_tools::tolerance(1e-7));
    BOOST_TEST(ctnn::Softplus{}(1000.0f) == 1000.0f);
    BOOST_TEST(ctnn::Softplus{}(-1000.0f) == 0.0f);
}

BOOST_AUTO_TEST_CASE(sigmoid_is_1_over_1_plus_exp_minus_z) {
    const RefFn f = [](double z) { return 1.0 / (1.0 + std::exp(-z)); };
    check_forward(ctnn::Sigmoid{}, f, "sigmoid");
    check_gradient(ctnn::Sigmoid{}, f, "sigmoid", false);
    BOOST_TEST(ctnn::Sigmoid{}(0.0f) == 0.5f);
    BOOST_TEST(ctnn::Sigmoid{}(1000.0f) == 1.0f);
    BOOST_TEST(ctnn::Sigmoid{}(-1000.0f) == 0.0f);
}

BOOST_AUTO_TEST_CASE(tanh_is_tanh) {
    const RefFn f = [](double z) { return std::tanh(z); };
    check_forward(ctnn::Tanh{}, f, "tanh");
    check_gradient(ctnn::Tanh{}, f, "tanh", false);
    BOOST_TEST(ctnn::Tanh{}(1000.0f) == 1.0f);
    BOOST_TEST(ctnn::Tanh{}(-1000.0f) == -1.0f);
}

// ---- Softmax --------------------------------------------------------------------

namespace {
std::vector<double> softmax_ref(const std::vector<float>& z) {
    // exp(z) / sum exp(z), shifted by the max so double does not overflow
    // either (the shift cancels in the ratio).
    double mx = z[0];
    for (float v : z) mx = std::fmax(mx, v);
    double s = 0.0;
    for (float v : z) s += std::exp(double(v) - mx);
    std::vector<double> p;
    for (float v : z) p.push_back(std::exp(double(v) - mx) / s);
    return p;
}

const std::vector<std::vector<float>> softmax_rows = {
    {1.0f, 2.0f, 3.0f, 4.0f},
    {0.0f, 0.0f, 0.0f},
    {100.0f, -100.0f, 0.0f, 50.0f, 99.0f},
    {-100.0f, -100.0f, -99.5f},
    {1000.0f, -1000.0f, 999.0f, 0.0f},
    {-1000.0f, -1000.0f, -1000.0f, -1000.0f},
    {0.3f, -1.2f, 2.5f, 0.0f, -0.7f, 1.1f},
};
}  // namespace

BOOST_AUTO_TEST_CASE(softmax_apply_row_matches_exp_over_sum) {
    for (const auto& row : softmax_rows) {
        std::vector<float> p = row;
        ctnn::Softmax::apply_row(p.data(), p.size());
        const auto ref = softmax_ref(row);
        double sum = 0.0;
        for (std::size_t j = 0; j < p.size(); ++j) {
            BOOST_TEST_CONTEXT("logits[0] = " << row[0] << ", j = " << j << ": " << p[j] << " vs " << ref[j]) {
                BOOST_TEST(std::isfinite(p[j]));
                BOOST_TEST(close(p[j], ref[j], 1e-5, 1e-30));
            }
            sum += p[j];
        }
        BOOST_TEST(sum == 1.0, boost::test_tools::tolerance(1e-6));
    }
    // By hand: softmax(0, 0, 0) = 1/3 each; softmax(1000, -1000, 999, 0) =
    // (1/(1+e^-1), 0, e^-1/(1+e^-1), ~0) = (0.7310585786, 0, 0.2689414214, 0).
    std::vector<float> p = {1000.0f, -1000.0f, 999.0f, 0.0f};
    ctnn::Softmax::apply_row(p.data(), p.size());
    BOOST_TEST(double(p[0]) == 1.0 / (1.0 + std::exp(-1.0)), boost::test_tools::tolerance(1e-6));
    BOOST_TEST(double(p[2]) == std::exp(-1.0) / (1.0 + std::exp(-1.0)), boost::test_tools::tolerance(1e-6));
    BOOST_TEST(p[1] == 0.0f);
}

BOOST_AUTO_TEST_CASE(softmax_backward_row_matches_finite_differences) {
    // L(z) = sum_j u_j softmax(z)_j; backward_row(p, u) must be dL/dz.
    const std::vector<float> u = {0.7f, -1.3f, 0.2f, 2.0f, -0.4f, 1.0f};
    for (const auto& row : softmax_rows) {
        const std::size_t n = row.size();
        std::vector<float> p = row;
        ctnn::Softmax::apply_row(p.data(), n);
        std::vector<float> g(u.begin(), u.begin() + static_cast<std::ptrdiff_t>(n));
        ctnn::Softmax::backward_row(p.data(), g.data(), n);
        auto L = [&](std::vector<double> zd) {
            double mx = zd[0];
            for (double v : zd) mx = std::fmax(mx, v);
            double s = 0.0;
            for (double v : zd) s += std::exp(v - mx);
            double l = 0.0;
            for (std::size_t j = 0; j < n; ++j) l += u[j] * std::exp(zd[j] - mx) / s;
            return l;
        };
        for (std::size_t k = 0; k < n; ++k) {
            std::vector<double> zp(row.begin(), row.end()), zm(row.begin(), row.end());
            const double h = 1e-5;
            zp[k] += h;
            zm[k] -= h;
            const double fd = (L(zp) - L(zm)) / (2 * h);
            BOOST_TEST_CONTEXT("logits[0] = " << row[0] << ", k = " << k << ": " << g[k] << " vs " << fd) {
                BOOST_TEST(std::isfinite(g[k]));
                BOOST_TEST(close(g[k], fd, 1e-4, 1e-6));
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
