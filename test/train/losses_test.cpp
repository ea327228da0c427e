#define BOOST_TEST_MODULE train_losses
#include <boost/test/unit_test.hpp>

// Keras 2.x losses (docs/keras-behaviour.md §1.5), one sample at a time:
//   categorical_crossentropy: q = p / sum p, clip q to [eps, 1 - eps],
//                             L = -sum t log q
//   binary_crossentropy:      q = clip(p, eps, 1 - eps),
//                             L = mean_j -(t log(q + eps) + (1 - t) log(1 - q + eps))
//   mean_squared_error:       mean_j (p - t)^2
//   mean_absolute_error:      mean_j |p - t|
// with eps = 1e-7. Values are worked out by hand from those formulas;
// gradients are checked against central differences of row_loss.
// Then each loss through a small model, fused with its Softmax / Sigmoid or
// not: finite-difference gradient checks of the whole model
// (test/support/gradient_check.hpp) and loss values by hand.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "ctnn/model/sequential.hpp"
#include "ctnn/train/losses.hpp"
#include "support/gradient_check.hpp"

namespace tt = boost::test_tools;
using namespace ctnn;
using namespace ctnn_test::gradient_check;

namespace {

constexpr double eps = 1e-7;

// Central difference of row_loss in p_k. p is float, so h is a power of two
// and the test points are dyadic: p +- h is then exact in float and the
// difference is the loss's own (computed in double), not rounding of p.
template <class L>
double fd(std::vector<float> p, const std::vector<float>& t, std::size_t k, float h = 0x1p-12f) {
    const float p0 = p[k];
    p[k] = p0 + h;
    const double lp = L::row_loss(p.data(), t.data(), p.size());
    p[k] = p0 - h;
    const double lm = L::row_loss(p.data(), t.data(), p.size());
    return (lp - lm) / (2.0 * double(h));
}

// row_gradient(scale) against scale * finite difference, every component.
template <class L>
void check_row_gradient(const std::vector<float>& p, const std::vector<float>& t, float scale) {
    std::vector<float> g(p.size(), -99.0f);
    L::row_gradient(p.data(), t.data(), g.data(), p.size(), scale);
    for (std::size_t k = 0; k < p.size(); ++k) {
        const double want = scale * fd<L>(p, t, k);
        BOOST_TEST_CONTEXT(L::name << " p[0] = " << p[0] << ", k = " << k << ": " << g[k] << " vs " << want) {
            BOOST_TEST(std::fabs(g[k] - want) <= 1e-4 * std::fabs(want) + 1e-6);
        }
    }
}

template <class M, class L>
bool plan_is_fused() {
    return M::template train_plan<L>::to_string().find("fused") != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(losses)

// ---- categorical crossentropy -----------------------------------------------------

BOOST_AUTO_TEST_CASE(categorical_crossentropy_by_hand) {
    using L = ctnn::CategoricalCrossentropy;
    BOOST_TEST(L::name == "categorical_crossentropy");
    {   // Normalised p: -log 0.3.
        const std::vector<float> p = {0.2f, 0.3f, 0.5f}, t = {0, 1, 0};
        BOOST_TEST(L::row_loss(p.data(), t.data(), 3) == -std::log(0.3), tt::tolerance(1e-6));
    }
    {   // Soft target: -(0.25 log 0.2 + 0.75 log 0.3).
        const std::vector<float> p = {0.2f, 0.3f, 0.5f}, t = {0.25f, 0.75f, 0};
        BOOST_TEST(L::row_loss(p.data(), t.data(), 3) == -(0.25 * std::log(0.2) + 0.75 * std::log(0.3)),
                   tt::tolerance(1e-6));
    }
    {   // Normalised first: p = (1, 2, 1) -> q = (0.25, 0.5, 0.25); -log 0.5.
        const std::vector<float> p = {1, 2, 1}, t = {0, 1, 0};
        BOOST_TEST(L::row_loss(p.data(), t.data(), 3) == std::log(2.0), tt::tolerance(1e-6));
    }
    {   // Clipped below: q_0 = 0 -> eps; -log(1e-7) = 16.11809565.
        const std::vector<float> p = {0, 1, 0}, t = {1, 0, 0};
        BOOST_TEST(L::row_loss(p.data(), t.data(), 3) == -std::log(eps), tt::tolerance(1e-6));
    }
    {   // Clipped above: q_1 = 1 -> 1 - eps; -log(1 - 1e-7) = 1.0000000500e-7.
        const std::vector<float> p = {0, 1, 0}, t = {0, 1, 0};
        BOOST_TEST(L::row_loss(p.data(), t.data(), 3) == -std::log(1.0 - eps), tt::tolerance(1e-3));
    }
}

BOOST_AUTO_TEST_CASE(categorical_crossentropy_gradient_matches_finite_differences) {
    using L = ctnn::CategoricalCrossentropy;
    check_row_gradient<L>({0.25f, 0.375f, 0.125f, 0.25f}, {0, 1, 0, 0}, 1.0f);
    check_row_gradient<L>({0.5f, 1.25f, 0.125f, 0.75f}, {0, 0, 1, 0}, 0.25f);  // un-normalised
    check_row_gradient<L>({0.25f, 0.375f, 0.125f, 0.25f}, {0.5f, 0.25f, 0, 0.25f}, 0.5f);
    // A clipped entry passes no gradient: q_2 = 0 is clipped to eps whatever
    // p_0, p_1 are, so L is flat in p_0 and p_1 (checked away from p_2's edge).
    {
        const std::vector<float> p = {0.5f, 0.5f, 0.0f}, t = {0, 0, 1};
        std::vector<float> g(3);
        L::row_gradient(p.data(), t.data(), g.data(), 3, 1.0f);
        BOOST_TEST(fd<L>(p, t, 0) == 0.0);
        BOOST_TEST(g[0] == 0.0f);
        BOOST_TEST(g[1] == 0.0f);
    }
}

// ---- binary crossentropy --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(binary_crossentropy_by_hand) {
    using L = ctnn::BinaryCrossentropy;
    BOOST_TEST(L::name == "binary_crossentropy");
    {   // Mean over the row of -(t log(p + eps) + (1 - t) log(1 - p + eps)).
        const std::vector<float> p = {0.9f, 0.2f, 0.5f}, t = {1, 0, 1};
        const double want =
            -(std::log(double(0.9f) + eps) + std::log(1.0 - double(0.2f) + eps) + std::log(0.5 + eps)) / 3.0;
        BOOST_TEST(L::row_loss(p.data(), t.data(), 3) == want, tt::tolerance(1e-9));
    }
    {   // Soft target t = 0.25 at p = 0.75, n = 1.
        const std::vector<float> p = {0.75f}, t = {0.25f};
        const double want = -(0.25 * std::log(0.75 + eps) + 0.75 * std::log(0.25 + eps));
        BOOST_TEST(L::row_loss(p.data(), t.data(), 1) == want, tt::tolerance(1e-9));
    }
    {   // Clipped: p = 0, t = 1 -> q = eps, -log(2 eps) = 15.42494847; same for p = 1, t = 0.
        const std::vector<float> p = {0.0f, 1.0f}, t = {1, 0};
        BOOST_TEST(L::row_loss(p.data(), t.data(), 2) == -std::log(2 * eps), tt::tolerance(1e-6));
    }
    {   // Right and certain: p = 1, t = 1 -> q = 1 - eps, -log(1 - eps + eps) = 0.
        const std::vector<float> p = {1.0f}, t = {1};
        BOOST_TEST(std::fabs(L::row_loss(p.data(), t.data(), 1)) <= 1e-12);
    }
}

BOOST_AUTO_TEST_CASE(binary_crossentropy_gradient_matches_finite_differences) {
    using L = ctnn::BinaryCrossentropy;
    check_row_gradient<L>({0.75f, 0.25f, 0.5f}, {1, 0, 1}, 1.0f);
    check_row_gradient<L>({0.125f, 0.875f, 0.625f, 0.375f}, {0, 1, 0.25f, 1}, 0.5f);
    check_row_gradient<L>({0.0625f}, {1}, 1.0f / 3.0f);
}

// ---- mean squared / absolute error ----------------------------------------------------

BOOST_AUTO_TEST_CASE(mean_squared_error_by_hand) {
    using L = ctnn::MeanSquaredError;
    BOOST_TEST(L::name == "mean_squared_error");
    // ((1-0)^2 + (2-2)^2 + (3-5)^2) / 3 = 5/3.
    const std::vector<float> p = {1, 2, 3}, t = {0, 2, 5};
    BOOST_TEST(L::row_loss(p.data(), t.data(), 3) == 5.0 / 3.0, tt::tolerance(1e-12));
    check_row_gradient<L>({0.25f, -1.5f, 2.0f}, {0.5f, 0.5f, -1.0f}, 1.0f);
    check_row_gradient<L>({0.25f, -1.5f, 2.0f, 0.0f}, {0.5f, 0.5f, -1.0f, 0.125f}, 0.125f);
}

BOOST_AUTO_TEST_CASE(mean_absolute_error_by_hand) {
    using L = ctnn::MeanAbsoluteError;
    BOOST_TEST(L::name == "mean_absolute_error");
    // (|1-0| + |2-2| + |3-5|) / 3 = 1.
    const std::vector<float> p = {1, 2, 3}, t = {0, 2, 5};
    BOOST_TEST(L::row_loss(p.data(), t.data(), 3) == 1.0, tt::tolerance(1e-12));
    // Away from the kinks p = t.
    check_row_gradient<L>({0.25f, -1.5f, 2.0f}, {0.5f, 0.5f, -1.0f}, 1.0f);
    check_row_gradient<L>({0.25f, -1.5f, 2.0f, 0.0f}, {0.5f, 0.5f, -1.0f, 0.125f}, 0.25f);
}

// ---- fused softmax + categorical crossentropy ------------------------------------------

BOOST_AUTO_TEST_CASE(softmax_crossentropy_row_is_log_sum_exp) {
    const std::vector<std::vector<float>> logits = {
        {1.0f, 2.0f, 3.0f},
        {100.0f, -100.0f, 3.0f, 0.0f},
        {-100.0f, -100.0f, -99.0f},
        {100.0f, 99.0f, -100.0f, 50.0f, 0.5f},
    };
    const std::vector<std::vector<float>> targets = {
        {0, 0, 1},
        {0, 0, 1, 0},
        {0.5f, 0.25f, 0.25f},
        {0, 0.5f, 0.5f, 0, 0},
    };
    for (std::size_t r = 0; r < logits.size(); ++r) {
        const auto& z = logits[r];
        const auto& t = targets[r];
        // lse = m + log sum exp(z - m) in double; L = -sum t (z - lse).
        double m = z[0];
        for (float v : z) m = std::fmax(m, v);
        double s = 0.0;
        for (float v : z) s += std::exp(double(v) - m);
        const double lse = m + std::log(s);
        double want = 0.0;
        for (std::size_t j = 0; j < z.size(); ++j) want -= t[j] * (double(z[j]) - lse);

        std::vector<float> zz = z;
        const double got = ctnn::softmax_crossentropy_row(zz.data(), t.data(), z.size());
        BOOST_TEST_CONTEXT("row " << r) {
            BOOST_TEST(std::isfinite(got));
            BOOST_TEST(got == want, tt::tolerance(1e-9));
            // The logits are overwritten with p = exp(z - lse).
            for (std::size_t j = 0; j < z.size(); ++j) {
                const double p = std::exp(double(z[j]) - lse);
                BOOST_TEST(std::fabs(zz[j] - p) <= 1e-6 * p + 1e-30);
            }
        }
    }
    // By hand: z = (100, -100, 3, 0), t = e_2: lse = 100 + log(1 + e^-97 + e^-100 + e^-200)
    // = 100 + 7.5e-43, so L = 100 - 3 = 97.
    std::vector<float> z = {100.0f, -100.0f, 3.0f, 0.0f};
    const std::vector<float> t = {0, 0, 1, 0};
    BOOST_TEST(ctnn::softmax_crossentropy_row(z.data(), t.data(), 4) == 97.0, tt::tolerance(1e-12));
    // Logits of +-1000 neither overflow nor lose the answer: L = 2000 for the wrong class.
    std::vector<float> z2 = {1000.0f, -1000.0f};
    const std::vector<float> t2 = {0, 1};
    BOOST_TEST(ctnn::softmax_crossentropy_row(z2.data(), t2.data(), 2) == 2000.0, tt::tolerance(1e-12));
}

// ---- each loss through a model: finite-difference gradient checks -----------------------

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

BOOST_AUTO_TEST_CASE(binary_accuracy_is_keras_equal_of_label_and_thresholded_prediction) {
    // tf.keras' binary_accuracy: mean(y_true == float(y_pred > 0.5)). With
    // kernel 1 and bias 0, p = sigmoid(x): x = 2 gives 0.88, -2 gives 0.12,
    // 0 gives exactly 0.5, which is not > 0.5. Rows (x, t):
    //   (2, 1) right; (-2, 0) right; (2, 0.7) wrong: 0.7 != 1; (-2, 0.3) wrong;
    //   (0, 0) right; (0, 1) wrong  ->  3 of 6.
    using M = Sequential<Input<1>, Dense<1, Sigmoid>>;
    M m;
    m.compile(binary_crossentropy, SGD{});
    m.params<1>().kernel = {1.0f};
    m.params<1>().bias = {0.0f};
    const std::vector<float> x = {2.0f, -2.0f, 2.0f, -2.0f, 0.0f, 0.0f}, t = {1.0f, 0.0f, 0.7f, 0.3f, 0.0f, 1.0f};
    const Evaluation e = m.compute_gradients(x.data(), t.data(), 6);
    BOOST_TEST(e.accuracy == 0.5);
}

BOOST_AUTO_TEST_SUITE_END()
