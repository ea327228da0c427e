// The Listing 1.3.2 model (784-256(ReLU, Dropout 0.45)-256(ReLU, Dropout
// 0.45)-10(softmax), categorical crossentropy, Adam at Keras defaults, batch
// 128) trained and run by four implementations that do the same arithmetic:
//
//   CtnnFused    the library as users get it: Sequential::train_on_batch,
//                predict_on_batch, predict_one (batch 1);
//   CtnnUnfused  static shapes, the same ctnn::kernels::gemm, every
//                element-wise step its own sweep (bench/mlp_unfused.hpp);
//   Dynamic      run-time shapes, virtual layers, separate sweeps, a run-time
//                blocked GEMM of the same design (bench/dynamic/);
//   Eigen        Eigen 3.4 MatrixXf, row-major, noalias, Eigen's threading
//                (bench/mlp_eigen.hpp; only when CMake found Eigen 3.4).
// (libtorch is bench/mlp_torch.cpp, a separate program because it is optional.)
//
// BM_<Variant>_TrainStep/threads:T     one train_on_batch at batch 128
// BM_<Variant>_TrainEpoch/threads:T    469 steps over 60,000 samples (last 96)
// BM_<Variant>_Forward/batch:B/threads:T  inference, dropout off, B = 1, 128, 10000
// BM_Peak_Fma                          one core's peak fp32 FMA rate
// Counters: items_per_second (samples/s), FLOP/s, frac_peak (FLOP/s over T x
// the one-thread peak measured in this process). Data are synthetic
// (uniform pixels, random labels): the timings do not depend on the values.
//
// Before any timing, a self-check trains all variants from the same weights
// on the same batch for three steps and compares the losses (1e-4 relative)
// and the predictions; the program aborts if they disagree.
//
// Run: bench_mlp --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/input.hpp"
#include "ctnn/layers/softmax.hpp"
#include "ctnn/model/sequential.hpp"
#include "ctnn/train/adam.hpp"
#include "dynamic/network.hpp"
#include "mlp_common.hpp"
#include "mlp_unfused.hpp"
#if defined(CTNN_BENCH_HAVE_EIGEN)
#include "mlp_eigen.hpp"
#endif

namespace {

using namespace mlp;
using Listing = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<256>, ctnn::ReLU, ctnn::Dropout, ctnn::Dense<256>,
                                 ctnn::ReLU, ctnn::Dropout, ctnn::Dense<10>, ctnn::Softmax>;

struct Fused {
    static constexpr const char* name = "CtnnFused";
    Listing m;
    Fused() {
        m.layer<3>() = ctnn::Dropout(rate);
        m.layer<6>() = ctnn::Dropout(rate);
        m.initialize(seed);
        m.compile(ctnn::CategoricalCrossentropy{}, ctnn::Adam{});
    }
    static void configure(int) {}
    double train(const float* x, const float* t, std::size_t rows) { return m.train_on_batch(x, t, rows).loss; }
    void predict(const float* x, std::size_t rows, float* y) {
        if (rows == 1) {
            const auto p = m.predict_one(std::span<const float, in>(x, in));
            std::copy(p.begin(), p.end(), y);
        } else {
            m.predict_on_batch(x, rows, y);
        }
    }
};

// Every other variant starts from the fused model's weights (glorot_uniform,
// zero biases, seed 42).
template <class F>
void copy_initial_weights(F&& put) {
    const Fused f;
    put(0, f.m.params<1>().kernel.data(), f.m.params<1>().bias.data());
    put(1, f.m.params<4>().kernel.data(), f.m.params<4>().bias.data());
    put(2, f.m.params<7>().kernel.data(), f.m.params<7>().bias.data());
}
constexpr std::size_t layer_k[3] = {in, hidden, hidden}, layer_n[3] = {hidden, hidden, out};

struct Unfused {
    static constexpr const char* name = "CtnnUnfused";
    std::unique_ptr<unfused::Mlp> m = std::make_unique<unfused::Mlp>();
    Unfused() {
        copy_initial_weights([&](int l, const float* w, const float* b) {
            float* dw = l == 0 ? m->l1.w.data() : l == 1 ? m->l2.w.data() : m->l3.w.data();
            float* db = l == 0 ? m->l1.b.data() : l == 1 ? m->l2.b.data() : m->l3.b.data();
            std::copy_n(w, layer_k[l] * layer_n[l], dw);
            std::copy_n(b, layer_n[l], db);
        });
    }
    static void configure(int) {}
    double train(const float* x, const float* t, std::size_t rows) { return m->train_on_batch(x, t, rows); }
    void predict(const float* x, std::size_t rows, float* y) { m->predict_on_batch(x, rows, y); }
};

struct Dynamic {
    static constexpr const char* name = "Dynamic";
    dyn::Network net{in, seed};
    Dynamic() {
        net.add(std::make_unique<dyn::Dense>(in, hidden));
        net.add(std::make_unique<dyn::ReLU>());
        net.add(std::make_unique<dyn::Dropout>(rate, drop1_at));
        net.add(std::make_unique<dyn::Dense>(hidden, hidden));
        net.add(std::make_unique<dyn::ReLU>());
        net.add(std::make_unique<dyn::Dropout>(rate, drop2_at));
        net.add(std::make_unique<dyn::Dense>(hidden, out));
        copy_initial_weights([&](int l, const float* w, const float* b) {
            auto& d = dynamic_cast<dyn::Dense&>(net.layer(std::size_t(3 * l)));
            std::copy_n(w, layer_k[l] * layer_n[l], d.kernel());
            std::copy_n(b, layer_n[l], d.bias());
        });
    }
    static void configure(int) {}
    double train(const float* x, const float* t, std::size_t rows) { return net.train_on_batch(x, t, rows); }
    void predict(const float* x, std::size_t rows, float* y) { net.predict_on_batch(x, rows, y); }
};

#if defined(CTNN_BENCH_HAVE_EIGEN)
struct EigenMlp {
    static constexpr const char* name = "Eigen";
    std::unique_ptr<eigen::Mlp> m = std::make_unique<eigen::Mlp>();
    EigenMlp() {
        copy_initial_weights([&](int l, const float* w, const float* b) {
            eigen::Dense& d = l == 0 ? m->l1 : l == 1 ? m->l2 : m->l3;
            std::copy_n(w, layer_k[l] * layer_n[l], d.w.data());
            std::copy_n(b, layer_n[l], d.b.data());
        });
    }
    static void configure(int threads) { eigen::configure(threads); }
    double train(const float* x, const float* t, std::size_t rows) { return m->train_on_batch(x, t, rows); }
    void predict(const float* x, std::size_t rows, float* y) { m->predict_on_batch(x, rows, y); }
};
#endif

// ---- self-check -------------------------------------------------------------------
template <class V>
void check_variant(const char* what_ref, const std::vector<double>& ref_loss, const std::vector<float>& ref_pred,
                   const std::vector<float>& ref_one) {
    V v;
    V::configure(2);
    const Data& d = train_data();
    for (std::size_t s = 0; s < ref_loss.size(); ++s) {
        const double l = v.train(d.x.data(), d.y.data(), batch);
        std::fprintf(stderr, "  %-12s step %zu loss %.7f (%s %.7f)\n", V::name, s + 1, l, what_ref, ref_loss[s]);
        if (!close_rel(l, ref_loss[s]))
            fail_check((std::string(V::name) + ": training loss differs from ctnn fused").c_str());
    }
    std::vector<float> pred(ref_pred.size()), one(out);
    v.predict(test_data().x.data(), ref_pred.size() / out, pred.data());
    v.predict(test_data().x.data(), 1, one.data());
    for (std::size_t i = 0; i < pred.size(); ++i)
        if (std::fabs(pred[i] - ref_pred[i]) > 1e-5f)
            fail_check((std::string(V::name) + ": predictions differ from ctnn fused").c_str());
    for (std::size_t i = 0; i < out; ++i)
        if (std::fabs(one[i] - ref_one[i]) > 1e-5f)
            fail_check((std::string(V::name) + ": batch-1 prediction differs from ctnn fused").c_str());
}

void self_check() {
    static const bool done = [] {
        std::fprintf(stderr, "self-check: 3 training steps from identical weights, batch %zu, then predictions\n",
                     batch);
        Fused f;
        const Data& d = train_data();
        std::vector<double> loss;
        for (int s = 0; s < 3; ++s) loss.push_back(f.train(d.x.data(), d.y.data(), batch));
        std::vector<float> pred(64 * out), one(out);
        f.predict(test_data().x.data(), 64, pred.data());
        f.predict(test_data().x.data(), 1, one.data());
        check_variant<Unfused>("fused", loss, pred, one);
        check_variant<Dynamic>("fused", loss, pred, one);
#if defined(CTNN_BENCH_HAVE_EIGEN)
        check_variant<EigenMlp>("fused", loss, pred, one);
#endif
        std::fprintf(stderr, "self-check passed\n");
        return true;
    }();
    (void)done;
}

// ---- benchmarks -------------------------------------------------------------------
template <class V>
void BM_TrainStep(benchmark::State& state) {
    self_check();
    const int threads = int(state.range(0));
    set_threads(threads);
    V::configure(threads);
    V v;
    const Data& d = train_data();
    v.train(d.x.data(), d.y.data(), batch);  // buffers sized, optimizer slots made
    for (auto _ : state) {
        double l = v.train(d.x.data(), d.y.data(), batch);
        benchmark::DoNotOptimize(l);
    }
    set_rates(state, train_flops * double(batch), double(batch), threads);
}

template <class V>
void BM_TrainEpoch(benchmark::State& state) {
    self_check();
    const int threads = int(state.range(0));
    set_threads(threads);
    V::configure(threads);
    V v;
    const Data& d = train_data();
    v.train(d.x.data(), d.y.data(), batch);
    for (auto _ : state) {
        double sum = 0;
        for (std::size_t s = 0; s < steps_per_epoch; ++s) {
            const std::size_t first = s * batch, rows = std::min(batch, train_rows - first);
            sum += v.train(d.x.data() + first * in, d.y.data() + first * out, rows);
        }
        benchmark::DoNotOptimize(sum);
    }
    set_rates(state, epoch_flops, double(train_rows), threads);
}

template <class V>
void BM_Forward(benchmark::State& state) {
    self_check();
    const auto rows = std::size_t(state.range(0));
    const int threads = int(state.range(1));
    set_threads(threads);
    V::configure(threads);
    V v;
    const Data& d = test_data();
    std::vector<float> y(rows * out);
    v.predict(d.x.data(), rows, y.data());
    for (auto _ : state) {
        v.predict(d.x.data(), rows, y.data());
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    set_rates(state, forward_flops * double(rows), double(rows), threads);
}

template <class V>
void register_variant() {
    register_listing(V::name, BM_TrainStep<V>, BM_TrainEpoch<V>, BM_Forward<V>);
}

const int registered = [] {
    register_peak_fma();
    register_variant<Fused>();
    register_variant<Unfused>();
    register_variant<Dynamic>();
#if defined(CTNN_BENCH_HAVE_EIGEN)
    register_variant<EigenMlp>();
#endif
    return 0;
}();

}  // namespace

BENCHMARK_MAIN();
