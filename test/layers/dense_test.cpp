#define BOOST_TEST_MODULE layers_dense
#include <boost/test/unit_test.hpp>

// ctnn::Dense: its compile-time facts, Keras' initialisation (glorot_uniform
// kernel, limit sqrt(6 / (fan_in + fan_out)), checked statistically; zero
// bias), the activity penalty on its output, and finite-difference gradient
// checks (test/support/gradient_check.hpp) of a Dense's own activation.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "ctnn/layers/dense.hpp"
#include "ctnn/model/sequential.hpp"
#include "support/gradient_check.hpp"

namespace tt = boost::test_tools;
using namespace ctnn;
using namespace ctnn_test::gradient_check;

namespace {

// Glorot uniform (Keras' glorot_uniform): w ~ U[-limit, limit], limit =
// sqrt(6 / (fan_in + fan_out)), checked on the n entries of one kernel:
//   every w in [-limit, limit] (float rounding of the limit allowed);
//   the extremes reach the limit: P(max w < limit (1 - 40 / n)) =
//     (1 - 20 / n)^n ~ e^-20, so max w >= limit (1 - 40 / n), and the same for min w;
//   the mean is 0 within 5 standard errors (sd of w: limit / sqrt 3);
//   the mean of w^2 is limit^2 / 3 within 5 standard errors (sd of w^2:
//     limit^2 sqrt(1/5 - 1/9) = limit^2 sqrt(4/45));
//   each of 10 equal bins of [-limit, limit] holds n / 10 within 5 standard
//     errors (sqrt(n 0.1 0.9)), so the draw is uniform, not e.g. normal.
template <class V>
void check_glorot_uniform(const V& w, std::size_t fan_in, std::size_t fan_out) {
    const double limit = std::sqrt(6.0 / double(fan_in + fan_out));
    const double n = double(w.size());
    double lo = 0.0, hi = 0.0, sum = 0.0, sum2 = 0.0;
    std::vector<double> bins(10, 0.0);
    std::size_t outside = 0;
    for (float v : w) {
        const double x = v;
        lo = std::fmin(lo, x);
        hi = std::fmax(hi, x);
        sum += x;
        sum2 += x * x;
        outside += std::fabs(x) > limit * (1.0 + 1e-6);
        const auto b = static_cast<std::size_t>((x + limit) / (2.0 * limit) * 10.0);
        bins[b < 10 ? b : 9] += 1.0;
    }
    BOOST_TEST_CONTEXT("kernel " << fan_in << " x " << fan_out << ", limit " << limit) {
        BOOST_TEST(outside == 0u);
        BOOST_TEST(hi >= limit * (1.0 - 40.0 / n));
        BOOST_TEST(lo <= -limit * (1.0 - 40.0 / n));
        const double mean = sum / n;
        BOOST_TEST(std::fabs(mean) <= 5.0 * limit / std::sqrt(3.0 * n));
        const double m2 = sum2 / n;
        BOOST_TEST(std::fabs(m2 - limit * limit / 3.0) <= 5.0 * limit * limit * std::sqrt(4.0 / 45.0 / n));
        for (std::size_t b = 0; b < 10; ++b) {
            BOOST_TEST_CONTEXT("bin " << b << ": " << bins[b]) {
                BOOST_TEST(std::fabs(bins[b] - n / 10.0) <= 5.0 * std::sqrt(n * 0.1 * 0.9));
            }
        }
    }
}

// act(x W + b) per row, in double, from the model's own weights (Keras' K x N
// kernel layout): the Dense's output, worked out independently of its forward.
template <class P>
std::vector<double> dense_output(const P& p, const Data& d, bool with_tanh) {
    std::vector<double> out(d.rows * P::cols);
    for (std::size_t r = 0; r < d.rows; ++r) {
        for (std::size_t j = 0; j < P::cols; ++j) {
            double z = p.bias[j];
            for (std::size_t k = 0; k < P::rows; ++k)
                z += double(d.x[r * P::rows + k]) * double(p.kernel[k * P::cols + j]);
            out[r * P::cols + j] = with_tanh ? std::tanh(z) : z;
        }
    }
    return out;
}

// Keras: activity penalty = (l1 sum|o| + l2 sum o^2) / batch size.
double activity_penalty(const Regularizer& r, const std::vector<double>& o, std::size_t rows) {
    double s = 0.0;
    for (double v : o) s += double(r.l1) * std::fabs(v) + double(r.l2) * v * v;
    return s / double(rows);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dense)

// ---- the type -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(compile_time_facts) {
    static_assert(Dense<10>::param_count<784> == 7850);
    BOOST_TEST((Dense<256>::param_count<784> == 784u * 256u + 256u));
    BOOST_TEST((Dense<1, Sigmoid>::param_count<3> == 4u));
    BOOST_TEST(Dense<7>::units == 7u);
    BOOST_TEST(Dense<7>::input_dim == 0u);
    BOOST_TEST((Dense<7, ReLU, 12>::input_dim == 12u));
    BOOST_TEST((std::is_same_v<Dense<7>::activation_type, Linear>));  // Keras' default activation=None
    BOOST_TEST((std::is_same_v<Dense<7, Softmax>::activation_type, Softmax>));
    BOOST_TEST((is_dense_v<Dense<3, Tanh, 5>>));
    BOOST_TEST(!is_dense_v<Dropout>);
    BOOST_TEST(!is_dense_v<Flatten>);
    BOOST_TEST(!is_dense_v<Tanh>);
    // Regularizers are run-time values, None by default.
    const Dense<4> d;
    BOOST_TEST(!d.kernel_regularizer.active());
    BOOST_TEST(!d.bias_regularizer.active());
    BOOST_TEST(!d.activity_regularizer.active());
}

// ---- Keras' initialisation ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(glorot_uniform_kernel_and_zero_bias) {
    using M = Sequential<Input<300>, Dense<100>, ReLU, Dense<20>>;
    M fresh;  // the constructor initialises (seed 0)
    M seeded;
    seeded.initialize(2024);
    for (M* m : {&fresh, &seeded}) {
        BOOST_TEST_CONTEXT("seed " << m->seed()) {
            check_glorot_uniform(m->params<1>().kernel, 300, 100);
            check_glorot_uniform(m->params<3>().kernel, 100, 20);
            for (float b : m->params<1>().bias) BOOST_TEST(b == 0.0f);
            for (float b : m->params<3>().bias) BOOST_TEST(b == 0.0f);
        }
    }
}

// ---- the activity penalty -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(activity_penalty_on_its_own_activation_before_dropout) {
    // On tanh(x W + b), before the Dropout (the mask must not enter), summed
    // over the batch and divided by its size; its gradient by finite differences.
    using M = Sequential<Input<3>, Dense<4, Tanh>, Dropout, Dense<2>>;
    M m;
    m.layer<2>() = Dropout(0.5);
    prepare(m, 91);
    m.compile(mean_squared_error, SGD{});
    const Data d = make_data<M>(5, Target::real, 92);
    const double data_loss = loss_of(m, d);
    const Regularizer r = L1L2(0.05f, 0.1f);
    m.layer<1>().activity_regularizer = r;
    const double penalty = activity_penalty(r, dense_output(m.params<1>(), d, true), d.rows);
    BOOST_TEST(penalty > 0.01);
    BOOST_TEST(loss_of(m, d) - data_loss == penalty, tt::tolerance(1e-4));
    check_gradients(m, d);
}

BOOST_AUTO_TEST_CASE(activity_penalty_before_a_separate_activation) {
    // The Tanh is a layer of its own: the Dense's output is x W + b.
    using M = Sequential<Input<3>, Dense<4>, Tanh, Dense<2>>;
    M m;
    prepare(m, 93);
    m.compile(mean_squared_error, SGD{});
    const Data d = make_data<M>(5, Target::real, 94);
    const double data_loss = loss_of(m, d);
    const Regularizer r = L1L2(0.05f, 0.1f);
    m.layer<1>().activity_regularizer = r;
    const double penalty = activity_penalty(r, dense_output(m.params<1>(), d, false), d.rows);
    BOOST_TEST(penalty > 0.01);
    BOOST_TEST(loss_of(m, d) - data_loss == penalty, tt::tolerance(1e-4));
    check_gradients(m, d);
}

BOOST_AUTO_TEST_CASE(activity_penalty_on_its_own_softmax_is_on_the_probabilities) {
    // Keras penalises a layer's output, so Dense(3, activation='softmax')
    // with an activity regularizer is penalised on p = softmax(x W + b), not
    // on the logits; the fused softmax + crossentropy step must still carry
    // the penalty's gradient (the softmax Jacobian applied to it).
    using M = Sequential<Input<4>, Dense<3, Softmax>>;
    M m;
    prepare(m, 95);
    m.compile(categorical_crossentropy, SGD{});
    const Data d = make_data<M>(6, Target::onehot, 96);
    const double data_loss = loss_of(m, d);
    const Regularizer r = L1L2(0.05f, 0.3f);
    m.layer<1>().activity_regularizer = r;
    std::vector<double> p = dense_output(m.params<1>(), d, false);
    for (std::size_t row = 0; row < d.rows; ++row) {
        double* z = p.data() + row * 3;
        const double mx = std::max({z[0], z[1], z[2]});
        double sum = 0.0;
        for (int j = 0; j < 3; ++j) sum += (z[j] = std::exp(z[j] - mx));
        for (int j = 0; j < 3; ++j) z[j] /= sum;
    }
    const double penalty = activity_penalty(r, p, d.rows);
    BOOST_TEST(penalty > 0.05 + 0.1);  // l1 * 1 per row, plus l2 * sum p^2 >= l2 / 3 per row
    BOOST_TEST(loss_of(m, d) - data_loss == penalty, tt::tolerance(1e-4));
    check_gradients(m, d);
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

BOOST_AUTO_TEST_SUITE_END()
