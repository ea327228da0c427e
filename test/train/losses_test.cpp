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

#include <cmath>
#include <cstddef>
#include <vector>

#include "ctnn/train/losses.hpp"

namespace tt = boost::test_tools;

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

BOOST_AUTO_TEST_SUITE_END()
