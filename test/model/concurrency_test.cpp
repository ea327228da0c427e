#define BOOST_TEST_MODULE concurrency
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <latch>
#include <tuple>
#include <span>
#include <thread>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "support/same_bits.hpp"
#include "support/synthetic_data.hpp"

// Sequential::predict_one is documented as const, allocation-free and free of
// shared state: "safe to call from several threads at once on one trained
// model". This test holds it to that: four std::threads run predict_one over
// 200 different inputs at the same time on one trained model, and every
// result must equal, bit for bit, what a single thread computed before.
// Built in the ASan/UBSan build too, where a shared scratch buffer would show
// up as wrong results and a data race on freed or resized memory as an ASan
// report.
//
// predict() (batch) runs the same Dense steps through the same gemm with
// m = batch rows instead of m = 1. Where predict_one runs two Dense steps as
// one kernels::row_pair (their kernels 256 KB or more), the second step's sum
// is split into fixed parts, so the two differ by rounding; elsewhere every
// element goes through the same fma chain and they agree exactly. The test
// asserts 1e-5 (absolute) — what a user may rely on — and prints the measured
// maximum difference. predict_one must also not depend on the thread count.
//
// Three models: Small (784-64-10, 203 KB of weights: no pair, the plain
// path), PairThenDense (784-128-64-10: a pair, then a single Dense) and
// PairIntoSoftmax (784-128-10: a pair whose second step is the softmax
// output).

namespace {

using ctnn_test::same_bits;

using Small =
    ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<64>, ctnn::ReLU, ctnn::Dropout, ctnn::Dense<10>, ctnn::Softmax>;
using PairThenDense = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<128>, ctnn::ReLU, ctnn::Dropout, ctnn::Dense<64>,
                                       ctnn::ReLU, ctnn::Dense<10>, ctnn::Softmax>;
using PairIntoSoftmax =
    ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<128>, ctnn::ReLU, ctnn::Dropout, ctnn::Dense<10>, ctnn::Softmax>;
using Models = std::tuple<Small, PairThenDense, PairIntoSoftmax>;

constexpr std::size_t samples = 200;
constexpr std::size_t threads = 4;

// Inputs in [0, 1) and one-hot labels (the largest of ten input blocks), fixed seed.
using Data = ctnn_test::Data<784, 10>;
Data make_data(std::size_t n, std::uint64_t seed) { return ctnn_test::make_data<784, 10>(n, seed); }

// A small but real model: a few Adam steps with dropout on synthetic data.
template <class Model>
Model trained_model() {
    Model m;
    m.template layer<3>() = ctnn::Dropout(0.3);
    m.initialize(42);
    m.compile(ctnn::categorical_crossentropy, "adam", {"accuracy"});
    const Data train = make_data(256, 7);
    for (int step = 0; step < 8; ++step) {
        const std::size_t first = static_cast<std::size_t>(step % 4) * 64;
        m.train_on_batch(train.x.row(first), train.y.row(first), 64);
    }
    return m;
}

using Output = std::array<float, 10>;

std::span<const float, 784> sample(const ctnn::Tensor<float, 784>& x, std::size_t i) {
    return std::span<const float, 784>(x.row(i), 784);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(concurrency)

BOOST_AUTO_TEST_CASE_TEMPLATE(predict_one_from_four_threads_matches_serial_bit_for_bit, Model, Models) {
    const Model model = trained_model<Model>();  // const: only const members may be used from the threads
    const Data test = make_data(samples, 99);

    std::vector<Output> serial(samples);
    for (std::size_t i = 0; i < samples; ++i) serial[i] = model.predict_one(sample(test.x, i));

    // Not a trivial model: outputs are probabilities and differ between inputs.
    std::size_t distinct_argmax = 0;
    std::array<bool, 10> seen{};
    for (const Output& o : serial) {
        float sum = 0.0f;
        for (float v : o) sum += v;
        BOOST_TEST(std::abs(sum - 1.0f) < 1e-5f);
        const auto arg = static_cast<std::size_t>(std::max_element(o.begin(), o.end()) - o.begin());
        if (!seen[arg]) seen[arg] = true, ++distinct_argmax;
    }
    BOOST_TEST(distinct_argmax >= 2u);
    BOOST_TEST(!same_bits(serial[0], serial[1]));

    // Each thread walks all inputs, three times, from its own starting point,
    // so at any moment the threads work on different samples. A latch starts
    // them together.
    constexpr int passes = 3;
    std::vector<std::vector<Output>> got(threads, std::vector<Output>(samples));
    std::vector<std::size_t> mismatches(threads, 0);
    std::latch start(threads);
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            start.arrive_and_wait();
            for (int pass = 0; pass < passes; ++pass)
                for (std::size_t n = 0; n < samples; ++n) {
                    const std::size_t i = (n + t * (samples / threads) + static_cast<std::size_t>(pass) * 17) % samples;
                    const Output o = model.predict_one(sample(test.x, i));
                    if (!same_bits(o, serial[i])) ++mismatches[t];
                    got[t][i] = o;
                }
        });
    for (auto& th : pool) th.join();

    for (std::size_t t = 0; t < threads; ++t) {
        BOOST_TEST_CONTEXT("thread " << t) {
            BOOST_TEST(mismatches[t] == 0u);
            for (std::size_t i = 0; i < samples; ++i) BOOST_TEST(same_bits(got[t][i], serial[i]), "sample " << i);
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(predict_one_matches_batch_predict, Model, Models) {
    Model model = trained_model<Model>();
    const Data test = make_data(samples, 99);
    for (std::size_t batch_size : {std::size_t{32}, std::size_t{200}, std::size_t{7}}) {
        const auto batch = model.predict(test.x, batch_size);
        BOOST_TEST_REQUIRE(batch.rows() == samples);
        float max_diff = 0.0f;
        std::size_t identical = 0;
        for (std::size_t i = 0; i < samples; ++i) {
            const Output one = model.predict_one(sample(test.x, i));
            bool same = true;
            for (std::size_t j = 0; j < 10; ++j) {
                const float d = std::abs(one[j] - batch(i, j));
                max_diff = std::max(max_diff, d);
                BOOST_TEST(d <= 1e-5f, "sample " << i << " class " << j);
                same = same && one[j] == batch(i, j);
            }
            identical += same ? 1 : 0;
        }
        BOOST_TEST_MESSAGE("predict(batch_size=" << batch_size << ") vs predict_one: max |diff| = " << max_diff
                                                 << ", " << identical << "/" << samples
                                                 << " samples bit-identical");
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(predict_one_does_not_depend_on_the_thread_count, Model, Models) {
    const Model model = trained_model<Model>();
    const Data test = make_data(samples, 99);
    const int initial = ctnn::num_threads();
    ctnn::set_num_threads(1);
    std::vector<Output> one(samples);
    for (std::size_t i = 0; i < samples; ++i) one[i] = model.predict_one(sample(test.x, i));
    for (int t : {2, 3, 4}) {
        ctnn::set_num_threads(t);
        std::size_t differ = 0;
        for (std::size_t i = 0; i < samples; ++i) differ += !same_bits(model.predict_one(sample(test.x, i)), one[i]);
        BOOST_TEST(differ == 0u, t << " threads: " << differ << " samples differ from one thread's");
    }
    ctnn::set_num_threads(initial);
}

BOOST_AUTO_TEST_SUITE_END()
