#define BOOST_TEST_MODULE layers_softmax
#include <boost/test/unit_test.hpp>

// ctnn::Softmax in a model: forward values for logits up to |z| = 100 against
// exp(z - max z) / sum in long double, as the Dense's own activation, as a
// layer right after a Dense and as a stand-alone step; finite-difference
// gradient checks (test/support/gradient_check.hpp) of Softmax steps, fused
// with categorical crossentropy and not. (Softmax::apply_row and backward_row
// themselves: test/layers/activations_test.cpp.)

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "ctnn/core/random.hpp"
#include "ctnn/layers/softmax.hpp"
#include "ctnn/model/sequential.hpp"
#include "support/gradient_check.hpp"

using namespace ctnn;
using namespace ctnn_test::gradient_check;

namespace {

constexpr std::size_t width = 10;

// Logits in [-100, 100]: rows worked out by hand first, then random ones.
std::vector<float> logits() {
    std::vector<float> z = {
        100, 100, 100, 100, 100, 100, 100, 100, 100, 100,                 // 1/10 each
        -100, -100, -100, -100, -100, -100, -100, -100, -100, -100,       // 1/10 each
        100, -100, 0, 0, 0, 0, 0, 0, 0, 0,                                 // ~ (1, e^-200, e^-100 ...)
        -100, -100, -100, -100, -100, -100, -100, -100, -100, -99,         // e / (9 + e) last
        100, 99, 98, 97, 96, 95, 94, 93, 92, 91,                          // geometric, ratio 1/e
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                                      // 1/10 each
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,                                    // small, all distinct
    };
    Generator g(4242);
    for (std::size_t r = 0; r < 33; ++r)
        for (std::size_t j = 0; j < width; ++j) z.push_back(g.uniform(-100.0f, 100.0f));
    return z;
}

// Compares each row of p with exp(z - max z) / sum exp(z - max z), evaluated
// in long double from the same float logits. Float's own error bound: the
// rounding of z - max z (at most |z - max z| 2^-24, relative in exp), expf,
// the float sum of n terms and the division: (|z - max z| + 2n + 8) 2^-24
// relative, plus 1e-43 absolute where the result is a float denormal.
void check_rows(const std::vector<float>& z, const std::vector<float>& p) {
    const std::size_t rows = z.size() / width;
    for (std::size_t r = 0; r < rows; ++r) {
        const float* zr = z.data() + r * width;
        const float* pr = p.data() + r * width;
        long double mx = zr[0];
        for (std::size_t j = 1; j < width; ++j) mx = std::fmax(mx, (long double)zr[j]);
        long double sum = 0.0L;
        for (std::size_t j = 0; j < width; ++j) sum += std::exp((long double)zr[j] - mx);
        double row_sum = 0.0;
        for (std::size_t j = 0; j < width; ++j) {
            const long double ref = std::exp((long double)zr[j] - mx) / sum;
            const long double rel = ((mx - zr[j]) + 2.0L * width + 8.0L) * 0x1p-24L;
            BOOST_TEST_CONTEXT("row " << r << ", z[" << j << "] = " << zr[j] << ": " << pr[j] << " vs "
                                      << double(ref)) {
                BOOST_TEST(std::isfinite(pr[j]));
                BOOST_TEST(std::fabs((long double)pr[j] - ref) <= rel * ref + 1e-43L);
            }
            row_sum += pr[j];
        }
        BOOST_TEST(std::fabs(row_sum - 1.0) <= (2.0 * width + 8.0) * 0x1p-24, "row " << r << " sums to " << row_sum);
    }
}

// The Dense at I becomes the identity (kernel I, zero bias): its logits are x.
template <std::size_t I, class M>
void set_identity(M& m) {
    auto& p = m.template params<I>();
    for (std::size_t k = 0; k < width; ++k)
        for (std::size_t j = 0; j < width; ++j) p.kernel[k * width + j] = k == j ? 1.0f : 0.0f;
    for (auto& b : p.bias) b = 0.0f;
}

template <class M>
void check_model(M& m) {
    const std::vector<float> z = logits();
    std::vector<float> p(z.size(), -1.0f);
    m.predict_on_batch(z.data(), z.size() / width, p.data());
    check_rows(z, p);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(softmax)

// ---- forward values -------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(forward_up_to_100_matches_long_double) {
    {
        using M = Sequential<Input<width>, Dense<width, Softmax>>;
        BOOST_TEST(M::plan::to_string() == "Dense(10->10)+softmax");
        M m;
        set_identity<1>(m);
        BOOST_TEST_CONTEXT("the Dense's own activation") { check_model(m); }
    }
    {
        using M = Sequential<Input<width>, Dense<width>, Softmax>;
        BOOST_TEST(M::plan::to_string() == "Dense(10->10)+softmax");
        M m;
        set_identity<1>(m);
        BOOST_TEST_CONTEXT("a layer after a Dense") { check_model(m); }
    }
    {
        using M = Sequential<Input<width>, Dense<width>, Linear, Softmax>;
        BOOST_TEST(M::plan::to_string() == "Dense(10->10) | softmax(10)");
        M m;
        set_identity<1>(m);
        BOOST_TEST_CONTEXT("a stand-alone step") { check_model(m); }
    }
}

// ---- gradients through Softmax steps ------------------------------------------------------

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

BOOST_AUTO_TEST_SUITE_END()
