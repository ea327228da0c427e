#define BOOST_TEST_MODULE epilogues
#include <boost/test/unit_test.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ctnn/core/random.hpp"
#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dropout.hpp"
#include "ctnn/model/epilogues.hpp"
#include "ctnn/train/sgd.hpp"

// Each fused epilogue against the element-wise rule written out here, on one
// row of a 37-wide output (two whole AVX-512 vectors and a tail), called for
// the column range [5, 29) only: the columns outside it must be untouched,
// and row i = 3 checks that the dropout counter is i * N + j.

namespace {

constexpr std::size_t N = 37, row_index = 3, col_begin = 5, col_end = 29;

std::array<float, N> ramp(float from, float step) {
    std::array<float, N> a{};
    for (std::size_t j = 0; j < N; ++j) a[j] = from + step * float(j);
    return a;
}

bool in_range(std::size_t j) { return j >= col_begin && j < col_end; }

}  // namespace

BOOST_AUTO_TEST_CASE(add_bias_adds_in_range_only) {
    const auto bias = ramp(0.5f, 0.25f);
    auto row = ramp(-3.0f, 0.2f);
    const auto before = row;
    ctnn::detail::AddBias{bias.data()}(row_index, col_begin, col_end, row.data());
    for (std::size_t j = 0; j < N; ++j) BOOST_TEST(row[j] == (in_range(j) ? before[j] + bias[j] : before[j]));
}

BOOST_AUTO_TEST_CASE(bias_activation_applies_the_activation) {
    const auto bias = ramp(-0.4f, 0.03f);
    auto row = ramp(-2.0f, 0.11f);
    const auto before = row;
    ctnn::ELU elu;
    elu.alpha = 0.7f;
    ctnn::detail::BiasActivation<ctnn::ELU>{bias.data(), elu}(row_index, col_begin, col_end, row.data());
    for (std::size_t j = 0; j < N; ++j) {
        const float z = before[j] + bias[j];
        const float want = z > 0.0f ? z : 0.7f * std::expm1(z);
        BOOST_TEST(row[j] == (in_range(j) ? want : before[j]));
    }
}

BOOST_AUTO_TEST_CASE(bias_activation_dropout_keeps_by_counter) {
    const auto bias = ramp(-0.3f, 0.05f);
    auto row = ramp(-1.0f, 0.09f);
    const auto before = row;
    const ctnn::Dropout d(0.45);
    const std::uint32_t key = 0x9e3779b9u;
    ctnn::detail::BiasActivationDropout<N, ctnn::ReLU>{bias.data(), ctnn::ReLU{}, key, d.threshold(), d.scale()}(
        row_index, col_begin, col_end, row.data());
    std::size_t kept = 0, dropped = 0;
    for (std::size_t j = 0; j < N; ++j) {
        if (!in_range(j)) {
            BOOST_TEST(row[j] == before[j]);
            continue;
        }
        const float a = std::max(0.0f, before[j] + bias[j]);
        const bool keep = ctnn::counter_bits(key, std::uint32_t(row_index * N + j)) >= d.threshold();
        BOOST_TEST(row[j] == (keep ? a * d.scale() : 0.0f));
        (keep ? kept : dropped) += 1;
    }
    BOOST_TEST(kept > 0u);  // the mask is not all one way
    BOOST_TEST(dropped > 0u);
}

BOOST_AUTO_TEST_CASE(gradient_finish_without_dropout) {
    const auto y = ramp(-0.5f, 0.04f);  // ELU outputs: some negative, some positive
    auto g = ramp(1.0f, -0.05f);
    const auto before = g;
    ctnn::ELU elu;
    elu.alpha = 1.3f;
    std::vector<float> y_all(N * (row_index + 1), 99.0f);
    std::copy(y.begin(), y.end(), y_all.begin() + row_index * N);
    ctnn::detail::GradientFinish<N, ctnn::ELU, false>{y_all.data(), elu}(row_index, col_begin, col_end, g.data());
    for (std::size_t j = 0; j < N; ++j) {
        const float dydz = y[j] > 0.0f ? 1.0f : y[j] + 1.3f;
        BOOST_TEST(g[j] == (in_range(j) ? before[j] * dydz : before[j]));
    }
}

BOOST_AUTO_TEST_CASE(gradient_finish_with_dropout) {
    const ctnn::Dropout d(0.3);
    const std::uint32_t key = 12345u;
    // Forward outputs as the forward epilogue left them: dropped units 0,
    // kept units act(z) * scale.
    std::array<float, N> z = ramp(-0.9f, 0.06f), y{};
    for (std::size_t j = 0; j < N; ++j) {
        const bool keep = ctnn::counter_bits(key, std::uint32_t(row_index * N + j)) >= d.threshold();
        const float a = z[j] > 0.0f ? z[j] : 0.5f * std::expm1(z[j]);
        y[j] = keep ? a * d.scale() : 0.0f;
    }
    std::vector<float> y_all(N * (row_index + 1), 99.0f);
    std::copy(y.begin(), y.end(), y_all.begin() + row_index * N);

    auto g_elu = ramp(0.7f, 0.01f);
    const auto before = g_elu;
    ctnn::ELU half_elu;
    half_elu.alpha = 0.5f;
    ctnn::detail::GradientFinish<N, ctnn::ELU, true> elu{y_all.data(), half_elu, key, d.threshold(), d.scale(), true};
    elu(row_index, col_begin, col_end, g_elu.data());
    auto g_relu = before;
    ctnn::detail::GradientFinish<N, ctnn::ReLU, true> relu{y_all.data(), ctnn::ReLU{}, key, d.threshold(), d.scale(),
                                                           true};
    relu(row_index, col_begin, col_end, g_relu.data());
    for (std::size_t j = 0; j < N; ++j) {
        if (!in_range(j)) {
            BOOST_TEST(g_elu[j] == before[j]);
            BOOST_TEST(g_relu[j] == before[j]);
            continue;
        }
        const bool keep = ctnn::counter_bits(key, std::uint32_t(row_index * N + j)) >= d.threshold();
        const float a = z[j] > 0.0f ? z[j] : 0.5f * std::expm1(z[j]);
        const float elu_grad = a > 0.0f ? 1.0f : a + 0.5f;
        BOOST_TEST(g_elu[j] == (keep ? before[j] * d.scale() * elu_grad : 0.0f),
                   boost::test_tools::tolerance(1e-6f));
        BOOST_TEST(g_relu[j] == (keep && z[j] > 0.0f ? before[j] * d.scale() : 0.0f));
    }
}

BOOST_AUTO_TEST_CASE(update_epilogue_regularizes_and_steps) {
    // Row row_index of a 5 x N kernel; SGD at lr 0.1 with L2 0.01:
    // w -= 0.1 (g + 2 * 0.01 * w).
    std::vector<float> w(5 * N), g(N);
    for (std::size_t k = 0; k < w.size(); ++k) w[k] = 0.01f * float(k) - 0.5f;
    for (std::size_t j = 0; j < N; ++j) g[j] = 0.2f - 0.01f * float(j);
    const auto w0 = w;
    const auto g0 = g;
    ctnn::Optimizer opt{ctnn::SGD{.learning_rate = 0.1f}};
    ctnn::detail::UpdateEpilogue<N>{w.data(), ctnn::Regularizer{.l2 = 0.01f}, opt.prepare(0, w.size())}(
        row_index, col_begin, col_end, g.data());
    for (std::size_t k = 0; k < w.size(); ++k) {
        const std::size_t i = k / N, j = k % N;
        if (i != row_index || !in_range(j)) {
            BOOST_TEST(w[k] == w0[k]);
            continue;
        }
        const double want = double(w0[k]) - 0.1 * (double(g0[j]) + 2.0 * 0.01 * double(w0[k]));
        BOOST_TEST(double(w[k]) == want, boost::test_tools::tolerance(1e-6));
    }
}
