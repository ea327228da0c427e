// ctnn::kernels::gemm against a double-precision triple loop.
//
// Sizes are chosen to hit every tile edge: m around the 6-row panel and the
// thread split, N around the vector width (1, 10, 16, 17, 33, 256), k around
// the k block (784 = several blocks). Every stride pattern Dense uses (X, and
// X^T as a transposed view) plus a general one, accumulate on and off, static
// and dynamic K, an epilogue that checks it sees each element once, and
// bit-identity between 1, 2 and 3 OpenMP threads (m = 1 and 7 with k = 784,
// N = 256 take the column split of batch-1 inference).
#define BOOST_TEST_MODULE gemm
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ctnn/kernels/gemm.hpp"
#include "support/counting_new.hpp"
#include "support/test_values.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace {

using ctnn_test::values;
using ctnn::kernels::dynamic_extent;
using ctnn::kernels::gemm;

void set_threads([[maybe_unused]] int t) {
#if defined(_OPENMP)
    omp_set_num_threads(t);
#endif
}

enum class Layout { RowMajor, Transposed, Strided };

using AView = ctnn_test::StridedOperand;

// A m x k operand laid out as X (row-major), X^T (A(i,p) = X[p, i]) or with
// two non-unit strides.
AView make_a(Layout l, std::size_t m, std::size_t k, std::uint32_t seed) {
    switch (l) {
        case Layout::RowMajor: return ctnn_test::strided_values(m, k, k, 1, seed);
        case Layout::Transposed: return ctnn_test::strided_values(m, k, 1, m, seed);
        case Layout::Strided: return ctnn_test::strided_values(m, k, 2 * k + 1, 2, seed);
    }
    return {};
}

// The epilogue of the tests: checks the call shape, counts each (i, j) and
// records the value it is given, then transforms it.
struct Recorder {
    float* c;
    std::size_t n;
    std::atomic<int>* seen;
    float* before;
    std::atomic<int>* bad;
    void operator()(std::size_t i, std::size_t j0, std::size_t j1, float* c_row) const {
        if (c_row != c + i * n || j0 >= j1 || j1 > n) {
            ++*bad;
            return;
        }
        for (std::size_t j = j0; j < j1; ++j) {
            ++seen[i * n + j];
            before[i * n + j] = c_row[j];
            c_row[j] = transform(c_row[j], j);
        }
    }
    static float transform(float x, std::size_t j) { return x > 0 ? 2 * x + float(j % 3) : 0.5f * x; }
};

struct Case {
    std::size_t m, k;
    Layout layout;
    bool accumulate;
};

// Runs gemm<N, K> with the given thread count; returns C and fills seen/before.
template <std::size_t N, std::size_t K>
std::vector<float> run(const Case& t, const AView& a, const std::vector<float>& b, const std::vector<float>& c0,
                       int threads, bool with_epilogue, std::vector<float>* before = nullptr) {
    set_threads(threads);
    std::vector<float> c = c0;
    if (with_epilogue) {
        std::unique_ptr<std::atomic<int>[]> seen(new std::atomic<int>[t.m * N]);
        for (std::size_t e = 0; e < t.m * N; ++e) seen[e] = 0;
        std::vector<float> seen_value(t.m * N, std::numeric_limits<float>::quiet_NaN());
        std::atomic<int> bad{0};
        gemm<N, K>(t.m, t.k, a.storage.data(), a.rs, a.cs, b.data(), c.data(), t.accumulate,
                   Recorder{c.data(), N, seen.get(), seen_value.data(), &bad});
        BOOST_TEST(bad.load() == 0);
        std::size_t wrong = 0;
        for (std::size_t e = 0; e < t.m * N; ++e) wrong += seen[e] != 1;
        BOOST_TEST(wrong == 0u, "elements the epilogue saw other than once: " << wrong);
        if (before) *before = std::move(seen_value);
    } else {
        gemm<N, K>(t.m, t.k, a.storage.data(), a.rs, a.cs, b.data(), c.data(), t.accumulate);
    }
    return c;
}

template <std::size_t N, std::size_t K>
void check(const Case& t) {
    BOOST_TEST_CONTEXT("N=" << N << " K=" << (K == dynamic_extent ? std::string("dyn") : std::to_string(K))
                            << " m=" << t.m << " k=" << t.k << " layout=" << int(t.layout)
                            << " accumulate=" << t.accumulate) {
        const AView a = make_a(t.layout, t.m, t.k, std::uint32_t(t.m * 7 + t.k));
        const std::vector<float> b = values(t.k * N, std::uint32_t(N + 3 * t.k));
        const std::vector<float> c0 = values(t.m * N, 99);

        std::vector<float> plain = run<N, K>(t, a, b, c0, 1, false);
        std::vector<float> before;
        std::vector<float> fused = run<N, K>(t, a, b, c0, 1, true, &before);

        // Error bound of any summation order: (k + 1) eps sum |a||b| (+ |c0|).
        const double eps = std::numeric_limits<float>::epsilon();
        std::size_t wrong = 0, wrong_fused = 0;
        double worst = 0;
        for (std::size_t i = 0; i < t.m; ++i)
            for (std::size_t j = 0; j < N; ++j) {
                double ref = t.accumulate ? double(c0[i * N + j]) : 0.0;
                double mag = std::abs(ref);
                for (std::size_t p = 0; p < t.k; ++p) {
                    const double x = double(a.at(i, p)) * double(b[p * N + j]);
                    ref += x;
                    mag += std::abs(x);
                }
                const double tol = double(t.k + 2) * eps * mag + 1e-30;
                const double err = std::abs(double(plain[i * N + j]) - ref);
                worst = std::max(worst, err / tol);
                wrong += err > tol;
                // The epilogue saw the finished value and its result was kept.
                wrong_fused += before[i * N + j] != plain[i * N + j] ||
                               fused[i * N + j] != Recorder::transform(plain[i * N + j], j);
            }
        BOOST_TEST(wrong == 0u, "elements outside the bound: " << wrong << " (worst err/tol " << worst << ")");
        BOOST_TEST(wrong_fused == 0u, "epilogue mismatches: " << wrong_fused);

        // Bit-identical whatever the thread count.
        for (int threads : {2, 3}) {
            const std::vector<float> p = run<N, K>(t, a, b, c0, threads, false);
            BOOST_TEST(std::memcmp(p.data(), plain.data(), plain.size() * sizeof(float)) == 0,
                       "result with " << threads << " threads differs from 1 thread");
            const std::vector<float> f = run<N, K>(t, a, b, c0, threads, true);
            BOOST_TEST(std::memcmp(f.data(), fused.data(), fused.size() * sizeof(float)) == 0,
                       "fused result with " << threads << " threads differs from 1 thread");
        }
        set_threads(1);
    }
}

constexpr std::size_t ms[] = {1, 7, 97, 128, 131};
constexpr std::size_t ks[] = {1, 10, 13, 256, 784};
constexpr Layout layouts[] = {Layout::RowMajor, Layout::Transposed, Layout::Strided};

template <std::size_t N, std::size_t K>
void sweep(std::size_t k) {
    for (std::size_t m : ms)
        for (Layout l : layouts)
            for (bool acc : {false, true}) check<N, K>({m, k, l, acc});
}

template <std::size_t N>
void sweep_all() {
    for (std::size_t k : ks) sweep<N, dynamic_extent>(k);
    // Static K: the same sizes with K a template argument.
    [&]<std::size_t... I>(std::index_sequence<I...>) { (sweep<N, ks[I]>(ks[I]), ...); }(
        std::make_index_sequence<std::size(ks)>{});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kernels_gemm)

BOOST_AUTO_TEST_CASE(n_1) { sweep_all<1>(); }
BOOST_AUTO_TEST_CASE(n_10) { sweep_all<10>(); }
BOOST_AUTO_TEST_CASE(n_16) { sweep_all<16>(); }
BOOST_AUTO_TEST_CASE(n_17) { sweep_all<17>(); }
BOOST_AUTO_TEST_CASE(n_33) { sweep_all<33>(); }
BOOST_AUTO_TEST_CASE(n_256) { sweep_all<256>(); }
// Wider than one epilogue run (gemm_epilogue_columns): runs of 256 columns, then the rest.
BOOST_AUTO_TEST_CASE(n_300) { sweep_all<300>(); }

BOOST_AUTO_TEST_CASE(empty_k_zeroes_or_keeps_c_and_runs_the_epilogue) {
    for (bool acc : {false, true}) {
        std::vector<float> c(5 * 17, 3.0f);
        std::vector<int> seen(c.size(), 0);
        gemm<17>(5, 0, nullptr, 0, 1, nullptr, c.data(), acc,
                 [&](std::size_t i, std::size_t j0, std::size_t j1, float* row) {
                     for (std::size_t j = j0; j < j1; ++j) {
                         ++seen[i * 17 + j];
                         row[j] += 1.0f;
                     }
                 });
        for (std::size_t e = 0; e < c.size(); ++e) {
            BOOST_TEST(seen[e] == 1);
            BOOST_TEST(c[e] == (acc ? 4.0f : 1.0f));
        }
    }
}

BOOST_AUTO_TEST_CASE(empty_m_touches_nothing) {
    float c = 7.0f;
    gemm<1>(0, 3, nullptr, 3, 1, nullptr, &c, false);
    BOOST_TEST(c == 7.0f);
}

BOOST_AUTO_TEST_CASE(no_heap_allocation) {
    set_threads(1);
    const std::vector<float> x = values(128 * 784, 1), w = values(784 * 256, 2);
    std::vector<float> c(256 * 256);
    // Batch 1 and a full batch, on one thread.
    const long before = ctnn_test::allocations.load();
    gemm<256, 784>(1, 784, x.data(), 784, 1, w.data(), c.data(), false);
    gemm<256>(1, 784, x.data(), 784, 1, w.data(), c.data(), true);
    gemm<256, 784>(128, 784, x.data(), 784, 1, w.data(), c.data(), false);
    gemm<256>(256, 128, x.data(), 1, 256, w.data(), c.data(), false);
    BOOST_TEST(ctnn_test::allocations.load() == before);
}

BOOST_AUTO_TEST_SUITE_END()
