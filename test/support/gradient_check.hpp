#pragma once
// ctnn_test::gradient_check — finite-difference gradient checks through whole
// small models (Sequential), for the layer, loss and model tests.
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
// run_case(model, loss, target kind, seed[, rows]) prepares the model (Keras'
// initial weights, non-zero biases), compiles it with SGD and checks it.
// Include after <boost/test/unit_test.hpp>.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ctnn/core/random.hpp"
#include "ctnn/model/sequential.hpp"

namespace ctnn_test::gradient_check {

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
                if constexpr (ctnn::is_dense_v<typename M::template layer_type<I>>) f.template operator()<I>();
            }(),
            ...);
    }(std::make_index_sequence<M::num_layers>{});
}

// Keras' initial weights from `seed`, then non-zero biases (a zero bias is a
// special case the gradient of bias terms would hide in).
template <class M>
void prepare(M& m, std::uint64_t seed) {
    m.initialize(seed);
    ctnn::Generator g(seed * 7919 + 17);
    for_each_dense<M>([&]<std::size_t I>() {
        for (auto& b : m.template params<I>().bias) b = g.uniform(-0.3f, 0.3f);
    });
}

template <class M>
Data make_data(std::size_t rows, Target kind, std::uint64_t seed) {
    ctnn::Generator g(seed);
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
void run_case(M& m, L loss, Target kind, std::uint64_t seed, std::size_t rows = 6) {
    prepare(m, seed);
    m.compile(loss, ctnn::SGD{});
    const Data d = make_data<M>(rows, kind, seed + 1);
    check_gradients(m, d);
}

}  // namespace ctnn_test::gradient_check
