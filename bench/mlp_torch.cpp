// libtorch 1.13 peer for the Listing 1.3.2 benchmarks (built only when CMake
// finds Torch; scripts/bench installs Debian's libtorch-dev).
//
// The network as a libtorch user writes it: torch::nn::Sequential of
// Linear / ReLU / Dropout(0.45) / Linear / ReLU / Dropout(0.45) / Linear,
// torch::nn::functional::cross_entropy on the logits with class indices,
// torch::optim::Adam(lr 1e-3, betas 0.9/0.999, eps 1e-7), torch::set_num_threads(T).
// Weights start as ctnn's (glorot_uniform, seed 42, zero biases), copied in.
// Differences from ctnn, by design of libtorch (see docs/benchmarks.md):
//   - Dropout draws its mask from torch's generator (bernoulli), not ctnn's hash;
//   - torch's Adam adds eps to sqrt(v / (1 - beta_2^t)), Keras' (ctnn's) to
//     sqrt(v) ("epsilon hat"): the same up to the size of eps.
//
// BM_Torch_TrainStep/threads:T, BM_Torch_TrainEpoch/threads:T,
// BM_Torch_Forward/batch:B/threads:T, BM_Peak_Fma — as bench/mlp.cpp.
//
// The libtorch side lives in bench/torch/torch_mlp.cpp, compiled as C++17:
// libtorch 1.13's headers are not valid C++20 and Clang 14 rejects them.
//
// Self-check before any timing: three training steps from ctnn's weights with
// ctnn's dropout masks applied explicitly (the same modules' Linear layers,
// the same loss and optimizer) must give ctnn's losses within 1e-4 relative,
// and inference from the initial weights must give ctnn's probabilities.
// Run with OPENBLAS_NUM_THREADS=1 and OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE
// unset (see /work/shared/perf-notes.md; scripts/bench does).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/input.hpp"
#include "ctnn/layers/softmax.hpp"
#include "ctnn/model/sequential.hpp"
#include "ctnn/train/adam.hpp"
#include "mlp_common.hpp"
#include "torch/torch_mlp.hpp"

namespace {

using namespace mlp;
using Listing = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<256>, ctnn::ReLU, ctnn::Dropout, ctnn::Dense<256>,
                                 ctnn::ReLU, ctnn::Dropout, ctnn::Dense<10>, ctnn::Softmax>;

Listing make_ctnn() {
    Listing m;
    m.layer<3>() = ctnn::Dropout(rate);
    m.layer<6>() = ctnn::Dropout(rate);
    m.initialize(seed);
    m.compile(ctnn::CategoricalCrossentropy{}, ctnn::Adam{});
    return m;
}

// The libtorch network, starting from ctnn's initial weights.
struct Torch {
    torch_peer::Mlp net{{in, hidden, out, rate}};

    Torch() {
        const Listing m = make_ctnn();
        net.set_layer(0, m.params<1>().kernel.data(), m.params<1>().bias.data());
        net.set_layer(1, m.params<4>().kernel.data(), m.params<4>().bias.data());
        net.set_layer(2, m.params<7>().kernel.data(), m.params<7>().bias.data());
    }
    double train(const float* x, std::size_t first, std::size_t rows) {
        return net.train(x, train_data().label.data() + first, rows);
    }
    void predict(const float* x, std::size_t rows, float* y) { net.predict(x, rows, y); }
    // The self-check's step: ctnn's dropout masks applied by hand.
    double train_with_masks(const float* x, std::size_t rows, std::uint64_t step) {
        const std::uint32_t thr = mask_threshold();
        const float scale = mask_scale();
        auto mask = [&](std::uint64_t at) {
            std::vector<float> mv(rows * hidden);
            const std::uint32_t key = mask_key(step, at);
            for (std::size_t i = 0; i < mv.size(); ++i)
                mv[i] = ctnn::counter_bits(key, std::uint32_t(i)) >= thr ? scale : 0.0f;
            return mv;
        };
        const std::vector<float> m1 = mask(drop1_at), m2 = mask(drop2_at);
        return net.train_with_masks(x, train_data().label.data(), rows, m1.data(), m2.data());
    }
};

void self_check() {
    static const bool done = [] {
        std::fprintf(stderr, "self-check: 3 training steps from identical weights with ctnn's dropout masks\n");
        Listing m = make_ctnn();
        Torch t;
        const Data& d = train_data();
        for (std::uint64_t s = 0; s < 3; ++s) {
            const double lc = m.train_on_batch(d.x.data(), d.y.data(), batch).loss;
            const double lt = t.train_with_masks(d.x.data(), batch, s);
            std::fprintf(stderr, "  Torch        step %llu loss %.7f (fused %.7f)\n", (unsigned long long)(s + 1), lt, lc);
            if (!close_rel(lc, lt)) fail_check("Torch: training loss differs from ctnn fused");
        }
        // Inference from the initial weights (after training, Adam's two eps
        // placements make the weights differ by more than 1e-5).
        Listing m0 = make_ctnn();
        Torch t0;
        std::vector<float> pc(64 * out), pt(64 * out);
        m0.predict_on_batch(test_data().x.data(), 64, pc.data());
        t0.predict(test_data().x.data(), 64, pt.data());
        for (std::size_t i = 0; i < pc.size(); ++i)
            if (std::fabs(pc[i] - pt[i]) > 1e-5f) fail_check("Torch: predictions differ from ctnn fused");
        std::fprintf(stderr, "self-check passed\n");
        return true;
    }();
    (void)done;
}

void setup(int threads) {
    self_check();
    torch_peer::Mlp::set_num_threads(threads);
}

void BM_Torch_TrainStep(benchmark::State& state) {
    const int threads = int(state.range(0));
    setup(threads);
    Torch t;
    const Data& d = train_data();
    t.train(d.x.data(), 0, batch);
    for (auto _ : state) {
        double l = t.train(d.x.data(), 0, batch);
        benchmark::DoNotOptimize(l);
    }
    set_rates(state, train_flops * double(batch), double(batch), threads);
}

void BM_Torch_TrainEpoch(benchmark::State& state) {
    const int threads = int(state.range(0));
    setup(threads);
    Torch t;
    const Data& d = train_data();
    t.train(d.x.data(), 0, batch);
    for (auto _ : state) {
        double sum = 0;
        for (std::size_t s = 0; s < steps_per_epoch; ++s) {
            const std::size_t first = s * batch, rows = std::min(batch, train_rows - first);
            sum += t.train(d.x.data() + first * in, first, rows);
        }
        benchmark::DoNotOptimize(sum);
    }
    set_rates(state, epoch_flops, double(train_rows), threads);
}

void BM_Torch_Forward(benchmark::State& state) {
    const auto rows = std::size_t(state.range(0));
    const int threads = int(state.range(1));
    setup(threads);
    Torch t;
    const Data& d = test_data();
    std::vector<float> y(rows * out);
    t.predict(d.x.data(), rows, y.data());
    for (auto _ : state) {
        t.predict(d.x.data(), rows, y.data());
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    set_rates(state, forward_flops * double(rows), double(rows), threads);
}

const int registered = [] {
    register_peak_fma();
    register_listing("Torch", BM_Torch_TrainStep, BM_Torch_TrainEpoch, BM_Torch_Forward);
    return 0;
}();

}  // namespace

BENCHMARK_MAIN();
