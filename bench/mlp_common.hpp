#pragma once
// Shared by the Listing 1.3.2 benchmarks (bench/mlp.cpp, bench/mlp_torch.cpp):
// the problem (784-256-256-10, dropout 0.45, batch 128, 60,000 samples), the
// synthetic data, the FLOP counts, the peak FMA rate measured in-process, the
// thread setting and the benchmark registration helpers.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <immintrin.h>

#include "ctnn/core/aligned_allocator.hpp"
#include "ctnn/core/random.hpp"
#include "ctnn/layers/dropout.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace mlp {

inline constexpr std::size_t in = 784, hidden = 256, out = 10;
inline constexpr std::size_t batch = 128, train_rows = 60'000, test_rows = 10'000;
inline constexpr std::size_t steps_per_epoch = (train_rows + batch - 1) / batch;  // 469, the last of 96
inline constexpr float rate = 0.45f;
inline constexpr std::uint64_t seed = 42;
// Layer positions of the two Dropouts in Sequential<Input, Dense, ReLU,
// Dropout, Dense, ReLU, Dropout, Dense, Softmax>: the keys of ctnn's masks.
inline constexpr std::uint64_t drop1_at = 3, drop2_at = 6;

// FLOPs per sample: forward (3 products), weight gradients (3), input
// gradients of layers 2 and 3 (layer 1's input gradient is not needed).
inline constexpr double forward_flops = 2.0 * (in * hidden + hidden * hidden + hidden * out);
inline constexpr double train_flops = 2.0 * forward_flops + 2.0 * (hidden * hidden + hidden * out);
inline constexpr double epoch_flops = train_flops * double(train_rows);

// Synthetic MNIST-shaped data: pixels uniform in [0, 1), random labels.
// Timings do not depend on the values; the self-checks only need a batch.
struct Data {
    ctnn::aligned_vector<float> x, y;  // rows x 784, rows x 10 (one-hot)
    std::vector<std::int64_t> label;
    std::size_t rows = 0;
};
inline Data make_data(std::size_t rows, std::uint64_t s) {
    Data d;
    d.rows = rows;
    d.x.resize(rows * in);
    d.y.assign(rows * out, 0.0f);
    d.label.resize(rows);
    ctnn::Generator g(s);
    for (auto& v : d.x) v = g.uniform(0.0f, 1.0f);
    for (std::size_t i = 0; i < rows; ++i) {
        d.label[i] = static_cast<std::int64_t>(g.below(out));
        d.y[i * out + std::size_t(d.label[i])] = 1.0f;
    }
    return d;
}
inline const Data& train_data() {
    static const Data d = make_data(train_rows, 1);
    return d;
}
inline const Data& test_data() {
    static const Data d = make_data(test_rows, 2);
    return d;
}

// The dropout keep/scale factor ctnn uses for (step, layer, row, column):
// every variant that can draws the same mask, so the self-checks compare
// identical arithmetic.
inline std::uint32_t mask_key(std::uint64_t step, std::uint64_t layer) {
    return ctnn::dropout_key(seed, step, layer);
}
inline std::uint32_t mask_threshold() { return ctnn::Dropout{rate}.threshold(); }
inline float mask_scale() { return ctnn::Dropout{rate}.scale(); }

inline void set_threads([[maybe_unused]] int t) {
#if defined(_OPENMP)
    omp_set_num_threads(t);
#endif
}

// ---- the machine's peak ------------------------------------------------------
// 24 independent FMA chains on 64-byte vectors (AVX-512: 16 floats), as
// bench/kernels_bench.cpp's BM_Peak_Fma; one-thread peak, best of 5 runs of
// ~13 ms, measured once per process. T threads' limit is T times it.
using pvec = float __attribute__((vector_size(64)));
inline constexpr std::size_t peak_chains = 24;

[[gnu::always_inline]] inline pvec pfma(pvec a, pvec b, pvec c) noexcept {
#if defined(__AVX512F__)
    return (pvec)_mm512_fmadd_ps((__m512)a, (__m512)b, (__m512)c);
#else
    return c + a * b;  // (without AVX-512 the figure is not the machine's peak)
#endif
}

[[gnu::noinline]] inline float fma_chains(std::size_t iters, float x) {
    pvec acc[peak_chains];
    for (std::size_t c = 0; c < peak_chains; ++c) acc[c] = pvec{} + (x + float(c));
    const pvec mul = pvec{} + 0.999999f, add = pvec{} + 1e-7f;
    for (std::size_t i = 0; i < iters; ++i) {
#pragma GCC unroll 24
        for (std::size_t c = 0; c < peak_chains; ++c) acc[c] = pfma(acc[c], mul, add);
    }
    pvec s{};
    for (std::size_t c = 0; c < peak_chains; ++c) s += acc[c];
    return s[0];
}

inline double peak_flops_one() {
    static const double peak = [] {
        constexpr std::size_t iters = 2'000'000;
        double best = 0;
        volatile float sink = 0;
        for (int rep = 0; rep < 5; ++rep) {
            float x = 1.0f;
            benchmark::DoNotOptimize(x);  // opaque: the call cannot be hoisted or merged
            const auto t0 = std::chrono::steady_clock::now();
            sink = sink + fma_chains(iters, x);
            const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            best = std::max(best, 2.0 * double(peak_chains) * 16.0 * double(iters) / dt);
        }
        return best;
    }();
    return peak;
}

inline void BM_Peak_Fma(benchmark::State& state) {
    constexpr std::size_t iters = 200'000;
    float sink = 0;
    for (auto _ : state) {
        float x = 1.0f;
        benchmark::DoNotOptimize(x);
        sink += fma_chains(iters, x);
        benchmark::DoNotOptimize(sink);
    }
    const double flops = 2.0 * double(peak_chains) * 16.0 * double(iters);
    state.counters["FLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["peak_1t"] = peak_flops_one();
}

// FLOP/s and the fraction of `threads` x the one-thread peak, per iteration
// of `flops` floating-point operations on `samples` samples.
inline void set_rates(benchmark::State& state, double flops, double samples, int threads) {
    state.SetItemsProcessed(static_cast<std::int64_t>(double(state.iterations()) * samples));
    state.counters["FLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["frac_peak"] =
        benchmark::Counter(flops / (double(threads) * peak_flops_one()), benchmark::Counter::kIsIterationInvariantRate);
}

// ---- registration --------------------------------------------------------------
// BM_<name>_TrainStep/threads:{1,2}, BM_<name>_TrainEpoch/threads:{1,2} and
// BM_<name>_Forward/batch:{1,128,10000}/threads:{1,2}, with the settings every
// Listing benchmark uses (real time: OpenMP threads are not the main thread's
// CPU time); the names scripts/bench-report reads.
using BenchmarkFn = void (*)(benchmark::State&);
inline void register_listing(const std::string& name, BenchmarkFn train_step, BenchmarkFn train_epoch,
                             BenchmarkFn forward) {
    benchmark::RegisterBenchmark(("BM_" + name + "_TrainStep").c_str(), train_step)
        ->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_" + name + "_TrainEpoch").c_str(), train_epoch)
        ->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);
    benchmark::RegisterBenchmark(("BM_" + name + "_Forward").c_str(), forward)
        ->ArgNames({"batch", "threads"})
        ->ArgsProduct({{1, 128, 10000}, {1, 2}})
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
}
// BM_Peak_Fma, registered first by every program.
inline void register_peak_fma() {
    benchmark::RegisterBenchmark("BM_Peak_Fma", BM_Peak_Fma)->Unit(benchmark::kMicrosecond);
}

// ---- the self-checks -------------------------------------------------------------
inline bool close_rel(double a, double b, double tol = 1e-4) {
    return std::fabs(a - b) <= tol * std::max({std::fabs(a), std::fabs(b), 1e-6});
}
[[noreturn]] inline void fail_check(const char* what) {
    std::fprintf(stderr, "SELF-CHECK FAILED: %s\nThe variants do not compute the same thing; not benchmarking.\n", what);
    std::fflush(stderr);
    std::abort();
}

}  // namespace mlp
