// Benchmarks of ctnn::kernels against the machine's limit.
//
// BM_Peak_Fma/threads:T   — peak fp32 FMA rate: 24 independent FMA chains on
//                           simd::vec (16 floats with AVX-512) per thread.
// BM_Gemm_<Use>/<m>x<k>x<N>/threads:T — the GEMMs of one Dense training step
//                           of the 784-256-256-10 MLP at batch 128 (plus the
//                           first layer at batch 1 and at m = 10000, inference).
// BM_Gemm_<Use>Fused/...  — the same training-step products with the epilogue
//                           the model fuses into them (model/epilogues.hpp):
//                           forward: bias, ReLU and Dropout(0.45) (bias only
//                           for the 10-wide output); input gradient: the
//                           previous layer's ReLU and dropout derivative;
//                           weight gradient: Adam's update of the weights.
//                           The difference to the bare product is what fusing
//                           that work costs.
// Counters: FLOP/s, and frac_peak = FLOP/s over T x the one-thread peak,
// measured once in this process (so both share the clock state).
//
// Run: bench_kernels --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <algorithm>
#include <string>
#include <vector>

#include "ctnn/core/aligned_allocator.hpp"
#include "ctnn/kernels/gemm.hpp"
#include "ctnn/kernels/simd.hpp"
#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dropout.hpp"
#include "ctnn/model/epilogues.hpp"
#include "ctnn/train/optimizer.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace {

using ctnn::kernels::simd::vec;
constexpr std::size_t chains = 24;

int max_threads() {
#if defined(_OPENMP)
    return omp_get_max_threads();
#else
    return 1;
#endif
}

void set_threads([[maybe_unused]] int t) {
#if defined(_OPENMP)
    omp_set_num_threads(t);
#endif
}

// `iters` rounds of `chains` independent FMAs; returns a value depending on all.
[[gnu::noinline]] float fma_chains(std::size_t iters, float x) {
    vec acc[chains];
    ctnn::kernels::simd::static_for<chains>([&](auto c) { acc[c] = ctnn::kernels::simd::splat(x + float(c)); });
    const vec mul = ctnn::kernels::simd::splat(0.999999f), add = ctnn::kernels::simd::splat(1e-7f);
    for (std::size_t i = 0; i < iters; ++i) {
        ctnn::kernels::simd::static_for<chains>(
            [&](auto c) { acc[c] = ctnn::kernels::simd::fma(acc[c], mul, add); });
    }
    vec s{};
    ctnn::kernels::simd::static_for<chains>([&](auto c) { s += acc[c]; });
    return s[0];
}

constexpr double flops_per_iter = 2.0 * chains * ctnn::kernels::simd::width;

// Runs the chains on `threads` threads for `iters` rounds each.
float fma_team(int threads, std::size_t iters) {
    float sink = 0;
#if defined(_OPENMP)
#pragma omp parallel num_threads(threads) reduction(+ : sink)
#endif
    sink += fma_chains(iters, 1.0f);
    (void)threads;
    return sink;
}

// Peak FLOP/s of one thread, measured once per process (best of 5 runs of
// ~13 ms). The limit for T threads is taken as T times this: a measurement with
// T threads on a machine shared with other work is too easily disturbed.
double peak_flops_one() {
    static const double peak = [] {
        constexpr std::size_t iters = 2'000'000;
        double best = 0;
        for (int rep = 0; rep < 5; ++rep) {
            const auto t0 = std::chrono::steady_clock::now();
            benchmark::DoNotOptimize(fma_chains(iters, 1.0f));
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            best = std::max(best, flops_per_iter * double(iters) / s);
        }
        return best;
    }();
    return peak;
}

double peak_flops(int threads) { return threads * peak_flops_one(); }

void BM_Peak_Fma(benchmark::State& state) {
    const int threads = int(state.range(0));
    constexpr std::size_t iters = 100'000;
    for (auto _ : state) benchmark::DoNotOptimize(fma_team(threads, iters));
    state.counters["FLOP/s"] =
        benchmark::Counter(flops_per_iter * double(iters) * threads, benchmark::Counter::kIsIterationInvariantRate);
}

using Buffer = std::vector<float, ctnn::AlignedAllocator<float>>;

Buffer filled(std::size_t n, float seed) {
    Buffer v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = float((i * 2654435761u + std::size_t(seed * 1000)) % 1000) / 1000.0f - 0.5f;
    return v;
}

enum class Use { Forward, InputGradient, WeightGradient };

// The epilogue the model fuses into a product of this use and width, over
// buffers it owns (Fused), or none.
template <Use U, std::size_t M, std::size_t N, bool Fused>
struct EpilogueFor {
    ctnn::kernels::NoEpilogue operator()() const { return {}; }
};
template <std::size_t M, std::size_t N>
struct EpilogueFor<Use::Forward, M, N, true> {
    Buffer bias = filled(N, 3);
    ctnn::Dropout dropout{0.45};
    auto operator()() const {
        if constexpr (N == 10) return ctnn::detail::AddBias{bias.data()};
        else
            return ctnn::detail::BiasActivationDropout<N, ctnn::ReLU>{bias.data(), ctnn::ReLU{}, 12345u,
                                                                      dropout.threshold(), dropout.scale()};
    }
};
template <std::size_t M, std::size_t N>
struct EpilogueFor<Use::InputGradient, M, N, true> {
    Buffer y = filled(M * N, 4);  // the previous layer's (ReLU, dropout) output
    ctnn::Dropout dropout{0.45};
    auto operator()() const {
        return ctnn::detail::GradientFinish<N, ctnn::ReLU, true>{y.data(), ctnn::ReLU{}, 12345u, dropout.threshold(),
                                                                 dropout.scale(), true};
    }
};
template <std::size_t M, std::size_t N>
struct EpilogueFor<Use::WeightGradient, M, N, true> {
    mutable Buffer w = filled(M * N, 5);  // the kernel (M x N) that Adam updates
    mutable ctnn::Optimizer adam{ctnn::Adam{}};
    auto operator()() const { return ctnn::detail::UpdateEpilogue<N>{w.data(), ctnn::Regularizer{}, adam.prepare(0, M * N)}; }
};

// (m, k, N) of the product; A laid out as its use has it.
template <Use U, std::size_t M, std::size_t Kd, std::size_t N, bool Fused = false>
void BM_Gemm(benchmark::State& state) {
    const int threads = int(state.range(0));
    set_threads(threads);
    constexpr std::size_t m = M, k = Kd;
    Buffer a = filled(m * k, 1), b = filled(k * N, 2), c(m * N);
    // forward / input gradient: A is m x k row-major (X or dY);
    // weight gradient: A = X^T where X is k x m row-major (k = batch).
    const std::size_t a_rs = U == Use::WeightGradient ? 1 : k;
    const std::size_t a_cs = U == Use::WeightGradient ? m : 1;
    const EpilogueFor<U, M, N, Fused> epilogue;
    const auto t0 = std::chrono::steady_clock::now();
    for (auto _ : state) {
        if constexpr (U == Use::WeightGradient)
            ctnn::kernels::gemm<N>(m, k, a.data(), a_rs, a_cs, b.data(), c.data(), false, epilogue());
        else
            ctnn::kernels::gemm<N, Kd>(m, k, a.data(), a_rs, a_cs, b.data(), c.data(), false, epilogue());
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double flops = 2.0 * double(m) * double(k) * double(N);
    state.counters["FLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
    // Wall-clock rate of the timed loop over the measured peak of as many threads.
    state.counters["frac_peak"] = flops * double(state.iterations()) / seconds / peak_flops(threads);
    set_threads(max_threads());
}

template <Use U, std::size_t M, std::size_t Kd, std::size_t N, bool Fused = false>
void add(const char* use) {
    const std::string name = std::string("BM_Gemm_") + use + (Fused ? "Fused" : "") + "/" + std::to_string(M) + "x" +
                             std::to_string(Kd) + "x" + std::to_string(N);
    auto* bm = benchmark::RegisterBenchmark(name.c_str(), BM_Gemm<U, M, Kd, N, Fused>);
    bm->ArgName("threads")->UseRealTime();
    for (int t = 1; t <= max_threads(); t *= 2) bm->Arg(t);
    if (max_threads() > 1 && (max_threads() & (max_threads() - 1))) bm->Arg(max_threads());
}

// A product of the training step: bare, and with the epilogue the model fuses into it.
template <Use U, std::size_t M, std::size_t Kd, std::size_t N>
void add_training(const char* use) {
    add<U, M, Kd, N>(use);
    add<U, M, Kd, N, true>(use);
}

int register_all() {
    auto* peak = benchmark::RegisterBenchmark("BM_Peak_Fma", BM_Peak_Fma);
    peak->ArgName("threads")->UseRealTime()->Arg(1);
    if (max_threads() > 1) peak->Arg(max_threads());
    // forward: C(m x N) = X(m x K) W(K x N)
    add_training<Use::Forward, 128, 784, 256>("Forward");
    add_training<Use::Forward, 128, 256, 256>("Forward");
    add_training<Use::Forward, 128, 256, 10>("Forward");
    // batch 1 (the column split of gemm) and inference over the 10,000 test images
    add<Use::Forward, 1, 784, 256>("Forward");
    add<Use::Forward, 10000, 784, 256>("Forward");
    // input gradient: dX(m x K) = dY(m x N) W^T, W^T stored N x K
    add_training<Use::InputGradient, 128, 256, 256>("InputGradient");
    add_training<Use::InputGradient, 128, 10, 256>("InputGradient");
    // weight gradient: dW(K x N) = X^T(K x m) dY(m x N), k = batch at run time
    add_training<Use::WeightGradient, 784, 128, 256>("WeightGradient");
    add_training<Use::WeightGradient, 256, 128, 256>("WeightGradient");
    add_training<Use::WeightGradient, 256, 128, 10>("WeightGradient");
    return 0;
}

const int registered = register_all();

}  // namespace

BENCHMARK_MAIN();
