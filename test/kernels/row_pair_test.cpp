// ctnn::kernels::row_pair against a double-precision reference and against
// its own contract: the hidden row is epi1(x · B1) exactly as gemm computes
// it, the output is the groups' partial products summed in increasing order
// (each partial a plain one-thread gemm over that group's rows of B2), and no
// bit depends on the thread count or on being called inside a parallel
// region. Widths hit one tile (one group), a column tail (N1 = 100,
// 300), the Listing model's 784-256-256 and 256-10 shapes.
#define BOOST_TEST_MODULE row_pair
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "ctnn/core/parallel.hpp"
#include "ctnn/kernels/row_pair.hpp"
#include "support/counting_new.hpp"
#include "support/test_values.hpp"

namespace {

using ctnn_test::values;
using ctnn::kernels::row_pair;
using ctnn::kernels::row_pair_groups;

// The first epilogue: bias and ReLU, and a count of how often each column is
// seen (it must be exactly once).
struct BiasRelu {
    const float* bias;
    std::atomic<int>* seen;
    void operator()(std::size_t, std::size_t j0, std::size_t j1, float* row) const {
        for (std::size_t j = j0; j < j1; ++j) {
            ++seen[j];
            row[j] = std::max(0.0f, row[j] + bias[j]);
        }
    }
};
// The second: y = 2 y - 1 (anything not the identity), and its call shape.
struct Affine {
    std::size_t n;
    int* calls;
    void operator()(std::size_t i, std::size_t j0, std::size_t j1, float* row) const {
        ++*calls;
        BOOST_TEST((i == 0 && j0 == 0 && j1 == n));
        for (std::size_t j = j0; j < j1; ++j) row[j] = 2.0f * row[j] - 1.0f;
    }
};

template <std::size_t K, std::size_t N1, std::size_t N2>
struct Problem {
    std::vector<float> x = values(K, 1), b1 = values(K * N1, 2), bias = values(N1, 3), b2 = values(N1 * N2, 4);

    struct Result {
        std::vector<float> h, y;
    };
    Result run() const {
        Result r{std::vector<float>(N1, -7.0f), std::vector<float>(N2, -7.0f)};
        std::vector<std::atomic<int>> seen(N1);
        int calls = 0;
        row_pair<K, N1, N2>(x.data(), b1.data(), r.h.data(), BiasRelu{bias.data(), seen.data()}, b2.data(),
                            r.y.data(), Affine{N2, &calls});
        std::size_t wrong = 0;
        for (auto& s : seen) wrong += s != 1;
        BOOST_TEST(wrong == 0u, "hidden columns the first epilogue saw other than once: " << wrong);
        BOOST_TEST(calls == 1);
        return r;
    }
};

template <std::size_t K, std::size_t N1, std::size_t N2>
void check() {
    BOOST_TEST_CONTEXT("K " << K << ", N1 " << N1 << ", N2 " << N2) {
        const Problem<K, N1, N2> p;
        ctnn::set_num_threads(1);
        const auto one = p.run();

        // Against doubles: h = relu(x B1 + bias), y = 2 (h B2) - 1. Errors
        // relative to the sum of the terms' magnitudes (the sums cancel).
        double worst_h = 0, worst_y = 0;
        std::vector<double> h(N1);
        for (std::size_t j = 0; j < N1; ++j) {
            double s = 0, mag = 0;
            for (std::size_t k = 0; k < K; ++k) {
                s += double(p.x[k]) * p.b1[k * N1 + j];
                mag += std::abs(double(p.x[k]) * p.b1[k * N1 + j]);
            }
            h[j] = std::max(0.0, s + p.bias[j]);
            worst_h = std::max(worst_h, std::abs(h[j] - one.h[j]) / (1.0 + mag));
        }
        for (std::size_t j = 0; j < N2; ++j) {
            double s = 0, mag = 0;
            for (std::size_t k = 0; k < N1; ++k) {
                s += h[k] * p.b2[k * N2 + j];
                mag += std::abs(h[k] * p.b2[k * N2 + j]);
            }
            worst_y = std::max(worst_y, std::abs(2 * s - 1 - one.y[j]) / (1.0 + 2 * mag));
        }
        BOOST_TEST(worst_h < 1e-5);
        BOOST_TEST(worst_y < 1e-5);

        // The contract bit for bit: h as gemm computes it, y as the groups'
        // one-thread partial products added in increasing order.
        std::vector<float> h_gemm(N1);
        ctnn::kernels::gemm<N1, K>(1, K, p.x.data(), K, 1, p.b1.data(), h_gemm.data(), false,
                                   [&](std::size_t, std::size_t j0, std::size_t j1, float* row) {
                                       for (std::size_t j = j0; j < j1; ++j)
                                           row[j] = std::max(0.0f, row[j] + p.bias[j]);
                                   });
        BOOST_TEST(std::memcmp(h_gemm.data(), one.h.data(), N1 * sizeof(float)) == 0);
        constexpr std::size_t groups = row_pair_groups<N1>, tiles = ctnn::kernels::detail::gemm_column_tiles<N1>;
        std::vector<float> sum(N2, 0.0f), part(N2);
        std::size_t covered = 0;
        for (std::size_t g = 0; g < groups; ++g) {
            const std::size_t c0 = ctnn::kernels::detail::tile_first_column<N1>(g * tiles / groups);
            const std::size_t c1 = ctnn::kernels::detail::tile_first_column<N1>((g + 1) * tiles / groups);
            BOOST_TEST(c0 == covered);
            covered = c1;
            ctnn::kernels::gemm<N2>(1, c1 - c0, one.h.data() + c0, N1, 1, p.b2.data() + c0 * N2, part.data(), false);
            for (std::size_t j = 0; j < N2; ++j) sum[j] = g == 0 ? part[j] : sum[j] + part[j];
        }
        BOOST_TEST(covered == N1);
        for (auto& v : sum) v = 2.0f * v - 1.0f;
        BOOST_TEST(std::memcmp(sum.data(), one.y.data(), N2 * sizeof(float)) == 0);

        // No bit depends on the thread count, or on a surrounding parallel region.
        for (int threads : {2, 3, 4}) {
            ctnn::set_num_threads(threads);
            const auto r = p.run();
            BOOST_TEST(std::memcmp(r.h.data(), one.h.data(), N1 * sizeof(float)) == 0, threads << " threads");
            BOOST_TEST(std::memcmp(r.y.data(), one.y.data(), N2 * sizeof(float)) == 0, threads << " threads");
        }
#if defined(_OPENMP)
        ctnn::set_num_threads(2);
        std::vector<float> inside_y;
#pragma omp parallel num_threads(2)
        {
#pragma omp single
            inside_y = p.run().y;
        }
        BOOST_TEST(std::memcmp(inside_y.data(), one.y.data(), N2 * sizeof(float)) == 0);
#endif
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(listing_first_two_layers) { check<784, 256, 256>(); }
BOOST_AUTO_TEST_CASE(listing_last_two_layers) { check<256, 256, 10>(); }
BOOST_AUTO_TEST_CASE(one_tile_is_one_group) {
    constexpr std::size_t one_tile = ctnn::kernels::simd::width * ctnn::kernels::detail::gemm_nr;
    static_assert(row_pair_groups<one_tile> == 1);
    check<33, one_tile, 17>();
}
BOOST_AUTO_TEST_CASE(column_tails) {
    check<33, 100, 17>();
    check<7, 300, 1>();
}

BOOST_AUTO_TEST_CASE(no_heap_allocation) {
    const auto x = values(784, 5), b1 = values(784 * 256, 6), b2 = values(256 * 10, 7), bias = values(256, 8);
    std::vector<float> h(256), y(10);
    const auto plain = [](std::size_t, std::size_t, std::size_t, float*) {};
    for (int threads : {1, 2}) {
        ctnn::set_num_threads(threads);
        row_pair<784, 256, 10>(x.data(), b1.data(), h.data(), plain, b2.data(), y.data(), plain);  // warm-up
        const long before = ctnn_test::allocations.load();
        row_pair<784, 256, 10>(x.data(), b1.data(), h.data(), plain, b2.data(), y.data(), plain);
        BOOST_TEST(ctnn_test::allocations.load() - before == 0, threads << " threads");
    }
}
