#define BOOST_TEST_MODULE model_gradient
#include <boost/test/unit_test.hpp>

// Finite-difference gradient checks through whole small models.
//
// model.compute_gradients(x, y, rows) returns the training loss (dropout on,
// with the mask of the current step, regularization included) and writes
// every Dense's kernel_grad / bias_grad. Calls at the same step see the same
// mask, so perturbing one weight and calling it again gives the loss for a
// central difference. For each Dense a sample of kernel weights and every
// bias is checked:
//   L is evaluated at w - h, w - h/2, w, w + h/2, w + h (h = 1e-2, float);
//   the four one-sided slopes s1..s4 of those points agree up to O(h L'') on
//   a smooth stretch; where their second differences jump, a ReLU unit (or
//   an |.| of MAE / L1) changes regime inside [w - h, w + h]: that weight is
//   skipped, and a test fails if more than a few are;
//   otherwise the analytic gradient must match (L(w + h/2) - L(w - h/2)) / h
//   to 1e-2 relative (plus 2e-4 absolute for float noise in L).
// Every model's training plan is also checked, so each case is known to
// exercise the fused / stand-alone step it is named after.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ctnn/ctnn.hpp"

namespace tt = boost::test_tools;
using namespace ctnn;

namespace {

enum class Target { onehot, binary, real };

struct Data {
    std::vector<float> x, y;
    std::size_t rows = 0;
};

template <class M, class F>
void for_each_dense(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (
            [&] {
                if constexpr (is_dense_v<typename M::template layer_type<I>>) f.template operator()<I>();
            }(),
            ...);
    }(std::make_index_sequence<M::num_layers>{});
}

// Keras' initial weights from `seed`, then non-zero biases (a zero bias is a
// special case the gradient of bias terms would hide in).
template <class M>
void prepare(M& m, std::uint64_t seed) {
    m.initialize(seed);
    Generator g(seed * 7919 + 17);
    for_each_dense<M>([&]<std::size_t I>() {
        for (auto& b : m.template params<I>().bias) b = g.uniform(-0.3f, 0.3f);
    });
}

template <class M>
Data make_data(std::size_t rows, Target kind, std::uint64_t seed) {
    Generator g(seed);
    Data d;
    d.rows = rows;
    d.x.resize(rows * M::input_width);
    for (auto& v : d.x) v = g.uniform(-1.0f, 1.0f);
    d.y.assign(rows * M::output_width, 0.0f);
    for (std::size_t i = 0; i < rows; ++i) {
        float* t = d.y.data() + i * M::output_width;
        switch (kind) {
            case Target::onehot: t[g.below(M::output_width)] = 1.0f; break;
            case Target::binary:
                for (std::size_t j = 0; j < M::output_width; ++j) t[j] = g.below(2) ? 1.0f : 0.0f;
                break;
            case Target::real:
                for (std::size_t j = 0; j < M::output_width; ++j) t[j] = g.uniform(-0.8f, 0.8f);
                break;
        }
    }
    return d;
}

template <class M>
double loss_of(M& m, const Data& d) {
    return m.compute_gradients(d.x.data(), d.y.data(), d.rows).loss;
}

struct Tally {
    std::size_t sampled = 0, checked = 0, kinks = 0;
};

// Checks g (analytic) for a sample of w's entries.
template <class M, class W>
void check_tensor(M& m, const Data& d, W& w, const std::vector<float>& g, const std::string& what, Tally& tally,
                  float h) {
    const std::size_t n = w.size();
    std::vector<std::size_t> idx;
    if (n <= 20) {
        for (std::size_t i = 0; i < n; ++i) idx.push_back(i);
    } else {
        for (std::size_t j = 0; j < 20; ++j) idx.push_back((j * n) / 20 + (j % 3));
    }
    for (std::size_t i : idx) {
        const float w0 = w[i];
        const float pts[5] = {w0 - h, w0 - h / 2, w0, w0 + h / 2, w0 + h};
        double L[5];
        for (int k = 0; k < 5; ++k) {
            w[i] = pts[k];
            L[k] = loss_of(m, d);
        }
        w[i] = w0;
        double s[4];
        for (int k = 0; k < 4; ++k) s[k] = (L[k + 1] - L[k]) / (double(pts[k + 1]) - double(pts[k]));
        const double smax = std::max({std::fabs(s[0]), std::fabs(s[1]), std::fabs(s[2]), std::fabs(s[3])});
        const double jump = std::max(std::fabs(s[0] - 2 * s[1] + s[2]), std::fabs(s[1] - 2 * s[2] + s[3]));
        ++tally.sampled;
        if (jump > 5e-4 + 0.02 * smax) {
            ++tally.kinks;
            continue;
        }
        ++tally.checked;
        const double fd = (L[3] - L[1]) / (double(pts[3]) - double(pts[1]));
        BOOST_TEST_CONTEXT(what << "[" << i << "]: analytic " << g[i] << ", finite difference " << fd) {
            BOOST_TEST(std::fabs(g[i] - fd) <= 1e-2 * std::max(std::fabs(double(g[i])), std::fabs(fd)) + 2e-4);
        }
    }
}

// The whole check: every Dense's kernel (sampled) and bias.
template <class M>
void check_gradients(M& m, const Data& d, float h = 1e-2f) {
    Tally tally;
    bool any_nonzero = false;
    for_each_dense<M>([&]<std::size_t I>() {
        auto& p = m.template params<I>();
        m.compute_gradients(d.x.data(), d.y.data(), d.rows);
        const std::vector<float> kg(p.kernel_grad.begin(), p.kernel_grad.end());
        const std::vector<float> bg(p.bias_grad.begin(), p.bias_grad.end());
        for (float v : kg) any_nonzero |= v != 0.0f;
        check_tensor(m, d, p.kernel, kg, "layer " + std::to_string(I) + " kernel", tally, h);
        check_tensor(m, d, p.bias, bg, "layer " + std::to_string(I) + " bias", tally, h);
    });
    BOOST_TEST_MESSAGE("checked " << tally.checked << " of " << tally.sampled << " (" << tally.kinks << " at kinks)");
    // The check must be able to fail: most sampled weights are compared, and
    // the gradient is not identically zero.
    BOOST_TEST(tally.checked >= (tally.sampled * 4) / 5);
    BOOST_TEST(any_nonzero);
}

template <class M, class L>
bool plan_is_fused() {
    return M::template train_plan<L>::to_string().find("fused") != std::string::npos;
}

template <class M, class L>
void run_case(M& m, L loss, Target kind, std::uint64_t seed, std::size_t rows = 6) {
    prepare(m, seed);
    m.compile(loss, SGD{});
    const Data d = make_data<M>(rows, kind, seed + 1);
    check_gradients(m, d);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gradient)

// ---- the Listing shape, scaled down: fused Dense+ReLU+Dropout and Softmax+CCE ------------

BOOST_AUTO_TEST_CASE(listing_shape_with_fused_softmax_crossentropy) {
    using M = Sequential<Input<12>, Dense<8>, ReLU, Dropout, Dense<6>, ReLU, Dropout, Dense<4>, Softmax>;
    BOOST_TEST(M::train_plan<CategoricalCrossentropy>::to_string() ==
               "Dense(12->8)+relu+Dropout | Dense(8->6)+relu+Dropout | Dense(6->4)+softmax | fused "
               "categorical_crossentropy");
    M m;
    m.layer<3>() = Dropout(0.25);
    m.layer<6>() = Dropout(0.25);
    run_case(m, categorical_crossentropy, Target::onehot, 1, 8);
}

// ---- every activation fused after a Dense, with and without a Dropout ---------------------

using FusedActivations = std::tuple<Linear, ReLU, ELU, SELU, Softplus, Sigmoid, Tanh>;

BOOST_AUTO_TEST_CASE_TEMPLATE(activation_fused_after_dense, A, FusedActivations) {
    using M = Sequential<Input<5>, Dense<6>, A, Dense<3>, Softmax>;
    BOOST_TEST(M::plan::size == 2u);  // Dense+A | Dense+softmax
    M m;
    run_case(m, categorical_crossentropy, Target::onehot, 11);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(activation_and_dropout_fused_after_dense, A, FusedActivations) {
    using M = Sequential<Input<5>, Dense<6>, A, Dropout, Dense<3>, Softmax>;
    BOOST_TEST(M::plan::size == 2u);  // Dense+A+Dropout | Dense+softmax
    M m;
    m.template layer<3>() = Dropout(0.3);
    run_case(m, categorical_crossentropy, Target::onehot, 12);
}

BOOST_AUTO_TEST_CASE(elu_with_alpha_0_5_fused_with_dropout) {
    using M = Sequential<Input<5>, Dense<6>, ELU, Dropout, Dense<3>, Softmax>;
    M m;
    m.layer<2>().alpha = 0.5f;
    m.layer<3>() = Dropout(0.3);
    run_case(m, categorical_crossentropy, Target::onehot, 13);
}

// ---- a Dense's own activation -------------------------------------------------------------

BOOST_AUTO_TEST_CASE(dense_own_activation) {
    using M = Sequential<Input<5>, Dense<8, Tanh>, Dropout, Dense<3, Softmax>>;
    BOOST_TEST(M::train_plan<CategoricalCrossentropy>::to_string() ==
               "Dense(5->8)+tanh+Dropout | Dense(8->3)+softmax | fused categorical_crossentropy");
    M m;
    m.layer<2>() = Dropout(0.25);
    run_case(m, categorical_crossentropy, Target::onehot, 21);
}

BOOST_AUTO_TEST_CASE(dense_own_activation_then_another_activation) {
    // Tanh is the Dense's, Sigmoid after it is a stand-alone step.
    using M = Sequential<Input<5>, Dense<8, Tanh>, Sigmoid, Dense<3>, Softmax>;
    BOOST_TEST(M::plan::size == 3u);
    M m;
    run_case(m, categorical_crossentropy, Target::onehot, 22);
}

// ---- stand-alone steps ----------------------------------------------------------------------

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

// Regression: with a stand-alone Softmax step last, the fused loss writes
// dL/dz = p - t, which that step must pass through rather than apply the
// Softmax Jacobian to a second time.
BOOST_AUTO_TEST_CASE(activation_after_dropout_and_softmax_after_activation) {
    using M = Sequential<Input<6>, Dense<5>, Dropout, ReLU, Dense<4>, ReLU, Softmax>;
    BOOST_TEST(M::train_plan<CategoricalCrossentropy>::to_string() ==
               "Dense(6->5)+Dropout | relu(5) | Dense(5->4)+relu | softmax(4) | fused categorical_crossentropy");
    M m;
    m.layer<2>() = Dropout(0.2);
    run_case(m, categorical_crossentropy, Target::onehot, 31);
}

// Regression (same cause as above), on a smooth model so no unit is skipped.
BOOST_AUTO_TEST_CASE(standalone_softmax_with_fused_crossentropy) {
    // Softmax after an activation (not after a Dense) with categorical
    // crossentropy is a fused loss on a stand-alone Softmax step.
    using M = Sequential<Input<6>, Dense<5>, Tanh, Dense<4>, Tanh, Softmax>;
    BOOST_TEST(M::train_plan<CategoricalCrossentropy>::to_string() ==
               "Dense(6->5)+tanh | Dense(5->4)+tanh | softmax(4) | fused categorical_crossentropy");
    M m;
    run_case(m, categorical_crossentropy, Target::onehot, 32);
}

BOOST_AUTO_TEST_CASE(flatten_in_front) {
    using M = Sequential<Input<2, 3>, Flatten, Dense<4>, Tanh, Dropout, Dense<3>, Softmax>;
    M m;
    m.layer<4>() = Dropout(0.25);
    run_case(m, categorical_crossentropy, Target::onehot, 36);
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

BOOST_AUTO_TEST_CASE(softmax_in_the_middle_and_dropout_after_softmax) {
    // Dense+Softmax not last (row-wise finish), then a Dropout after Softmax
    // (its own step), regression loss.
    using M = Sequential<Input<6>, Dense<5>, Softmax, Dropout, Dense<3>>;
    BOOST_TEST(M::plan::to_string() == "Dense(6->5)+softmax | Dropout(5) | Dense(5->3)");
    M m;
    m.layer<3>() = Dropout(0.2);
    run_case(m, mean_squared_error, Target::real, 34);
}

BOOST_AUTO_TEST_CASE(standalone_softmax_unfused) {
    // Softmax after a Dense+Tanh, loss MSE: the Softmax Jacobian on its own.
    using M = Sequential<Input<6>, Dense<5>, Tanh, Dropout, Softmax>;
    BOOST_TEST(M::train_plan<MeanSquaredError>::to_string() ==
               "Dense(6->5)+tanh+Dropout | softmax(5) | mean_squared_error");
    M m;
    m.layer<3>() = Dropout(0.2);
    run_case(m, mean_squared_error, Target::real, 35);
}

// ---- each loss -------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(categorical_crossentropy_unfused) {
    using M = Sequential<Input<5>, Dense<6>, Tanh, Dense<4>, Sigmoid>;
    BOOST_TEST(!(plan_is_fused<M, CategoricalCrossentropy>()));
    M m;
    run_case(m, categorical_crossentropy, Target::onehot, 41);
}

BOOST_AUTO_TEST_CASE(binary_crossentropy_sigmoid_width_1_fused) {
    using M = Sequential<Input<5>, Dense<6>, Tanh, Dense<1>, Sigmoid>;
    BOOST_TEST(M::train_plan<BinaryCrossentropy>::to_string() ==
               "Dense(5->6)+tanh | Dense(6->1)+sigmoid | fused binary_crossentropy");
    M m;
    run_case(m, binary_crossentropy, Target::binary, 42);
}

BOOST_AUTO_TEST_CASE(binary_crossentropy_sigmoid_width_3_fused) {
    using M = Sequential<Input<5>, Dense<6>, ReLU, Dense<3, Sigmoid>>;
    BOOST_TEST((plan_is_fused<M, BinaryCrossentropy>()));
    M m;
    run_case(m, binary_crossentropy, Target::binary, 43);
}

BOOST_AUTO_TEST_CASE(binary_crossentropy_unfused) {
    // Probabilities from a Softmax: BCE through its own gradient.
    using M = Sequential<Input<5>, Dense<6>, ELU, Dense<3>, Softmax>;
    BOOST_TEST(!(plan_is_fused<M, BinaryCrossentropy>()));
    M m;
    run_case(m, binary_crossentropy, Target::binary, 44);
}

// Regression: as with Softmax above, the fused (p - t) / n is dL/dz, which the
// stand-alone Sigmoid step must not multiply by sigmoid'(z) again.
BOOST_AUTO_TEST_CASE(binary_crossentropy_fused_on_a_standalone_sigmoid) {
    // Sigmoid after a Dropout is a stand-alone step; BCE still fuses with it.
    using M = Sequential<Input<5>, Dense<6>, Tanh, Dense<3>, Dropout, Sigmoid>;
    BOOST_TEST(M::train_plan<BinaryCrossentropy>::to_string() ==
               "Dense(5->6)+tanh | Dense(6->3)+Dropout | sigmoid(3) | fused binary_crossentropy");
    M m;
    m.layer<4>() = Dropout(0.2);
    run_case(m, binary_crossentropy, Target::binary, 45);
}

// Regression: Dense -> Sigmoid -> Dropout is one DenseStep whose activation is
// Sigmoid; BCE must not fuse with it, since (p - t) / n ignores the dropout.
BOOST_AUTO_TEST_CASE(binary_crossentropy_sigmoid_then_dropout_at_the_output) {
    // Dropout after the output Sigmoid: the loss sees dropped probabilities,
    // so the (p - t) / n shortcut does not apply.
    using M = Sequential<Input<5>, Dense<6>, Tanh, Dense<3>, Sigmoid, Dropout>;
    M m;
    m.layer<5>() = Dropout(0.2);
    run_case(m, binary_crossentropy, Target::binary, 46);
}

BOOST_AUTO_TEST_CASE(mean_squared_error_linear_and_tanh) {
    {
        using M = Sequential<Input<5>, Dense<6>, Sigmoid, Dropout, Dense<3>>;
        M m;
        m.layer<3>() = Dropout(0.25);
        run_case(m, mean_squared_error, Target::real, 51);
    }
    {
        using M = Sequential<Input<5>, Dense<6>, Softplus, Dense<3, Tanh>>;
        M m;
        run_case(m, mean_squared_error, Target::real, 52);
    }
}

BOOST_AUTO_TEST_CASE(mean_absolute_error_linear_and_tanh) {
    {
        using M = Sequential<Input<5>, Dense<6>, SELU, Dropout, Dense<3>>;
        M m;
        m.layer<3>() = Dropout(0.25);
        run_case(m, mean_absolute_error, Target::real, 53);
    }
    {
        using M = Sequential<Input<5>, Dense<6>, Tanh, Dense<3>, Tanh>;
        M m;
        run_case(m, mean_absolute_error, Target::real, 54);
    }
}

// ---- loss values by hand ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(loss_value_by_hand) {
    // One Dense<2> (linear), MSE, x = (1, 2):
    //   y_0 = 1*0.5 + 2*0.25 + 0.1 = 1.1,  y_1 = 1*(-1) + 2*2 - 0.2 = 2.8
    //   t = (1, 3): MSE = ((0.1)^2 + (0.2)^2) / 2 = 0.025
    //   dL/dy = 2 (y - t) / 2 = (0.1, -0.2); dL/dW = x^T dL/dy; dL/db = dL/dy.
    using M = Sequential<Input<2>, Dense<2>>;
    M m;
    m.compile(mean_squared_error, SGD{});
    m.params<1>().kernel = {0.5f, -1.0f, 0.25f, 2.0f};  // row k = input k (Keras' K x N layout)
    m.params<1>().bias = {0.1f, -0.2f};
    const std::vector<float> x = {1.0f, 2.0f}, t = {1.0f, 3.0f};
    const Evaluation e = m.compute_gradients(x.data(), t.data(), 1);
    BOOST_TEST(e.loss == 0.025, tt::tolerance(1e-5));
    const auto& kg = m.params<1>().kernel_grad;
    BOOST_TEST(double(kg[0]) == 0.1, tt::tolerance(1e-5));   // x_0 * 0.1
    BOOST_TEST(double(kg[1]) == -0.2, tt::tolerance(1e-5));  // x_0 * -0.2
    BOOST_TEST(double(kg[2]) == 0.2, tt::tolerance(1e-5));   // x_1 * 0.1
    BOOST_TEST(double(kg[3]) == -0.4, tt::tolerance(1e-5));  // x_1 * -0.2
    BOOST_TEST(double(m.params<1>().bias_grad[0]) == 0.1, tt::tolerance(1e-5));
    BOOST_TEST(double(m.params<1>().bias_grad[1]) == -0.2, tt::tolerance(1e-5));

    // Two rows average (SUM_OVER_BATCH_SIZE): the second row x = (0, 0), t = (0.1, -0.2)
    // has zero loss, so the mean is 0.025 / 2 and every gradient halves.
    const std::vector<float> x2 = {1.0f, 2.0f, 0.0f, 0.0f}, t2 = {1.0f, 3.0f, 0.1f, -0.2f};
    const Evaluation e2 = m.compute_gradients(x2.data(), t2.data(), 2);
    BOOST_TEST(e2.loss == 0.0125, tt::tolerance(1e-5));
    BOOST_TEST(double(m.params<1>().kernel_grad[3]) == -0.2, tt::tolerance(1e-5));
}

BOOST_AUTO_TEST_CASE(fused_crossentropy_value_by_hand) {
    // Dense<3, Softmax> with zero kernel and bias (0, log 2, log 3)... logits
    // z = (0, ln 2, ln 3) -> p = (1, 2, 3) / 6; t = e_2: L = -ln(3/6) = ln 2.
    // dL/dz = p - t = (1/6, 1/3, -1/2); dL/db = dL/dz.
    using M = Sequential<Input<2>, Dense<3, Softmax>>;
    M m;
    m.compile(categorical_crossentropy, SGD{});
    std::fill(m.params<1>().kernel.begin(), m.params<1>().kernel.end(), 0.0f);
    m.params<1>().bias = {0.0f, float(std::log(2.0)), float(std::log(3.0))};
    const std::vector<float> x = {0.7f, -0.4f}, t = {0.0f, 0.0f, 1.0f};
    const Evaluation e = m.compute_gradients(x.data(), t.data(), 1);
    BOOST_TEST(e.loss == std::log(2.0), tt::tolerance(1e-6));
    BOOST_TEST(e.accuracy == 1.0);  // argmax p = 2 = argmax t
    BOOST_TEST(double(m.params<1>().bias_grad[0]) == 1.0 / 6.0, tt::tolerance(1e-5));
    BOOST_TEST(double(m.params<1>().bias_grad[1]) == 1.0 / 3.0, tt::tolerance(1e-5));
    BOOST_TEST(double(m.params<1>().bias_grad[2]) == -0.5, tt::tolerance(1e-5));
    // dL/dW_kj = x_k (p - t)_j: W_10 (k = 1, j = 0) = -0.4 / 6.
    BOOST_TEST(double(m.params<1>().kernel_grad[3]) == -0.4 / 6.0, tt::tolerance(1e-5));
}

// ---- regularizers ------------------------------------------------------------------------

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

// ---- the SGD step applies exactly -lr * grad ---------------------------------------------------

BOOST_AUTO_TEST_CASE(sgd_step_is_w_minus_lr_grad) {
    using M = Sequential<Input<6>, Dense<5>, ReLU, Dropout, Dense<4>, Tanh, Dense<3>, Softmax>;
    M m;
    m.layer<3>() = Dropout(0.3);
    prepare(m, 71);
    m.layer<4>().kernel_regularizer = L2(0.01f);
    const float lr = 0.05f;
    SGD sgd;
    sgd.learning_rate = lr;
    m.compile(categorical_crossentropy, sgd);
    const Data d = make_data<M>(6, Target::onehot, 72);
    const Evaluation before = m.compute_gradients(d.x.data(), d.y.data(), d.rows);
    std::vector<std::vector<float>> w_old, g;
    for_each_dense<M>([&]<std::size_t I>() {
        const auto& p = m.template params<I>();
        w_old.emplace_back(p.kernel.begin(), p.kernel.end());
        g.emplace_back(p.kernel_grad.begin(), p.kernel_grad.end());
        w_old.emplace_back(p.bias.begin(), p.bias.end());
        g.emplace_back(p.bias_grad.begin(), p.bias_grad.end());
    });
    const Evaluation step = m.train_on_batch(d.x.data(), d.y.data(), d.rows);
    BOOST_TEST(step.loss == before.loss, tt::tolerance(1e-6));  // same step, same mask
    BOOST_TEST(m.iterations() == 1);
    std::size_t t = 0, moved = 0;
    for_each_dense<M>([&]<std::size_t I>() {
        const auto& p = m.template params<I>();
        for (int part = 0; part < 2; ++part, ++t) {
            const auto& w_new = part == 0 ? p.kernel : p.bias;
            for (std::size_t i = 0; i < w_new.size(); ++i) {
                const double want = double(w_old[t][i]) - double(lr) * double(g[t][i]);
                moved += w_new[i] != w_old[t][i];
                BOOST_TEST_CONTEXT("layer " << I << (part ? " bias[" : " kernel[") << i << "]") {
                    BOOST_TEST(std::fabs(double(w_new[i]) - want) <= 1e-6 * std::fabs(want) + 1e-7);
                }
            }
        }
    });
    BOOST_TEST(moved > 0u);
}

// ---- the optimizer fused into the weight-gradient product -----------------------------------
// train_on_batch applies each Dense's update tile by tile inside its dW
// product (and the bias's after its reduction); it must equal a separate
// optimizer pass over the gradients compute_gradients stores, for every
// optimizer variant, with regularizers (whose gradient joins in the tile).
// No dropout here: compute_gradients does not advance the step, so the masks
// of the two models would differ after the first step.

BOOST_AUTO_TEST_CASE(fused_update_matches_a_separate_optimizer_pass) {
    using M = Sequential<Input<7>, Dense<40>, ReLU, Dense<19>, Tanh, Dense<3>, Softmax>;
    SGD momentum;
    momentum.momentum = 0.9f;
    momentum.nesterov = true;
    RMSprop centered;
    centered.centered = true;
    centered.momentum = 0.5f;
    Adam ams;
    ams.amsgrad = true;
    const std::vector<std::pair<std::string, Optimizer>> optimizers = {
        {"sgd", SGD{}}, {"sgd nesterov", momentum}, {"rmsprop", RMSprop{}}, {"rmsprop centered momentum", centered},
        {"adam", Adam{}}, {"adam amsgrad", ams}};
    for (const auto& [name, opt] : optimizers) {
        BOOST_TEST_CONTEXT(name) {
            M fused, separate;
            prepare(fused, 81);
            prepare(separate, 81);
            for (M* m : {&fused, &separate}) {
                m->layer<1>().kernel_regularizer = L1L2(0.01f, 0.02f);
                m->layer<1>().bias_regularizer = L2(0.03f);
                m->layer<3>().kernel_regularizer = L1(0.01f);
                m->compile(categorical_crossentropy, opt);
            }
            Optimizer by_hand = opt;
            for (int s = 0; s < 3; ++s) {
                const Data d = make_data<M>(13, Target::onehot, 82 + std::uint64_t(s));
                const Evaluation ef = fused.train_on_batch(d.x.data(), d.y.data(), d.rows);
                const Evaluation es = separate.compute_gradients(d.x.data(), d.y.data(), d.rows);
                BOOST_TEST(ef.loss == es.loss);
                for_each_dense<M>([&]<std::size_t I>() {
                    auto& p = separate.template params<I>();
                    by_hand.apply(2 * I, p.kernel.data(), p.kernel_grad.data(), p.kernel.size());
                    by_hand.apply(2 * I + 1, p.bias.data(), p.bias_grad.data(), p.bias.size());
                });
                by_hand.finish_step();
                for_each_dense<M>([&]<std::size_t I>() {
                    const auto& f = fused.template params<I>();
                    const auto& h = separate.template params<I>();
                    BOOST_TEST_CONTEXT("step " << s << " layer " << I) {
                        BOOST_TEST(f.kernel_grad == h.kernel_grad, tt::per_element());
                        BOOST_TEST(f.kernel == h.kernel, tt::per_element());
                        BOOST_TEST(f.bias == h.bias, tt::per_element());
                    }
                });
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
