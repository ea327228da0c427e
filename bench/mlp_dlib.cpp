// dlib 19.24 peer for the Listing 1.3.2 benchmarks (built only when CMake
// finds dlib; scripts/bench installs Debian's libdlib-dev).
//
// The network as a dlib user writes it:
//   loss_multiclass_log<fc<10, dropout<relu<fc<256, dropout<relu<fc<256,
//                       input<matrix<float>>>>>>>>>>
// trained with adam(weight_decay 0, 0.9, 0.999) at learning rate 1e-3, one
// solver per layer, through the network's own compute_parameter_gradients +
// update_parameters — the calls dnn_trainer makes, without its background
// thread and its learning-rate schedule. Inference converts the trained
// network to the type dlib prescribes for it (each dropout becomes multiply,
// dlib's dropout being the non-inverted kind) under a softmax.
// Weights start as ctnn's (glorot_uniform, seed 42, zero biases), copied in.
// Differences from ctnn, by design of dlib (see docs/benchmarks.md):
//   - dropout zeroes without scaling in training and scales by 1 - rate at
//     inference (one more pass there); its mask comes from dlib's generator;
//   - adam's epsilon is 1e-8 (fixed in dlib; Keras' 1e-7), added to sqrt(v)
//     as in Keras;
//   - the first layer's input gradient is computed (dlib always does);
//   - dlib's element-wise layers run on one thread; its products go to BLAS
//     (Debian's dlib links libblas.so.3, OpenBLAS here), whose thread count
//     this program sets per benchmark through openblas_set_num_threads.
// Data is copied into dlib tensors before timing (batches of the epoch
// included), so the timings hold no conversion from matrix<float>.
//
// BM_Dlib_TrainStep/threads:T, BM_Dlib_TrainEpoch/threads:T,
// BM_Dlib_Forward/batch:B/threads:T, BM_Peak_Fma — as bench/mlp.cpp.
//
// Self-check before any timing: with both dropout rates at 0 (the same
// network type, so the same code runs) and ctnn's Adam at dlib's epsilon,
// three training steps from ctnn's weights on the same batch must give ctnn's
// losses within 1e-4 relative, and inference from the initial weights must
// give ctnn's probabilities within 1e-5.
#include <benchmark/benchmark.h>

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include <dlib/dnn.h>

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/input.hpp"
#include "ctnn/layers/softmax.hpp"
#include "ctnn/model/sequential.hpp"
#include "ctnn/train/adam.hpp"
#include "mlp_common.hpp"

namespace {

using namespace mlp;
using Listing = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<256>, ctnn::ReLU, ctnn::Dropout, ctnn::Dense<256>,
                                 ctnn::ReLU, ctnn::Dropout, ctnn::Dense<10>, ctnn::Softmax>;

template <typename Sub>
using relu = dlib::relu<Sub>;
using TrainNet = dlib::loss_multiclass_log<
    dlib::fc<10, dlib::dropout<relu<dlib::fc<256, dlib::dropout<relu<dlib::fc<256, dlib::input<dlib::matrix<float>>>>>>>>>>;
using ProbNet =
    dlib::softmax<dlib::fc<10, dlib::multiply<relu<dlib::fc<256, dlib::multiply<relu<dlib::fc<256, dlib::input<dlib::matrix<float>>>>>>>>>>;

// dlib's adam has its epsilon fixed at 1e-8.
inline constexpr float dlib_epsilon = 1e-8f;

Listing make_ctnn(float drop, float epsilon = ctnn::Adam{}.epsilon) {
    Listing m;
    m.layer<3>() = ctnn::Dropout(drop);
    m.layer<6>() = ctnn::Dropout(drop);
    m.initialize(seed);
    m.compile(ctnn::CategoricalCrossentropy{}, ctnn::Adam{.epsilon = epsilon});
    return m;
}

// rows x 784 floats from `x` as a dlib tensor (n = rows, k = 784).
dlib::resizable_tensor to_tensor(const float* x, std::size_t rows) {
    dlib::resizable_tensor t{static_cast<long long>(rows), static_cast<long long>(in)};
    std::memcpy(t.host(), x, rows * in * sizeof(float));
    return t;
}

// dlib's input layer learns how many tensor rows a sample makes from its
// first to_tensor call and refuses forward(tensor) before one: make one, from
// one 784 x 1 sample, and return the tensor.
template <typename Net>
dlib::resizable_tensor first_to_tensor(Net& net) {
    dlib::matrix<float> sample(long(in), 1);
    std::copy_n(test_data().x.data(), in, &sample(0, 0));
    dlib::resizable_tensor t;
    net.to_tensor(&sample, &sample + 1, t);
    return t;
}

// OpenBLAS's thread count, found at run time in the BLAS dlib links (no
// OpenBLAS header or link line of our own); without it the products run on
// whatever the BLAS does, which the report would show as no thread scaling.
void set_blas_threads(int threads) {
    using Setter = void (*)(int);
    if (auto f = reinterpret_cast<Setter>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) f(threads);
}

struct Dlib {
    TrainNet net;
    std::vector<dlib::adam> solvers;
    std::vector<unsigned long> labels;  // dlib's label type

    explicit Dlib(float drop)
        : solvers(TrainNet::num_computational_layers, dlib::adam(0.0f, 0.9f, 0.999f)),
          labels(train_data().label.begin(), train_data().label.end()) {
        // dlib counts layers from the output: loss(0) fc(1) dropout(2) relu(3) fc(4) dropout(5) relu(6) fc(7).
        dlib::layer<2>(net).layer_details() = dlib::dropout_(drop);
        dlib::layer<5>(net).layer_details() = dlib::dropout_(drop);
        // fc_ allocates its parameters on the first forward pass: run one, then copy ctnn's in.
        net.subnet().forward(first_to_tensor(net));
        const Listing m = make_ctnn(drop);
        put<7>(m.params<1>().kernel.data(), m.params<1>().bias.data(), in, hidden);
        put<4>(m.params<4>().kernel.data(), m.params<4>().bias.data(), hidden, hidden);
        put<1>(m.params<7>().kernel.data(), m.params<7>().bias.data(), hidden, out);
    }
    template <std::size_t Layer>
    void put(const float* kernel, const float* bias, std::size_t k, std::size_t n) {
        auto& fc = dlib::layer<Layer>(net).layer_details();
        auto w = fc.get_weights();  // k x n, row-major: Keras' kernel layout
        auto b = fc.get_biases();
        if (std::size_t(w.size()) != k * n || std::size_t(b.size()) != n) fail_check("dlib: unexpected fc_ parameter shapes");
        std::memcpy(w.host(), kernel, k * n * sizeof(float));
        std::memcpy(b.host(), bias, n * sizeof(float));
    }
    // One Adam step on the batch `x` whose labels start at `first`; the loss.
    double train(const dlib::tensor& x, std::size_t first) {
        const double loss = net.compute_parameter_gradients(x, labels.begin() + std::ptrdiff_t(first));
        net.update_parameters(solvers, 1e-3);
        return loss;
    }
};

// The trained network as dlib runs it for inference: dropout -> multiply(1 - rate), softmax on top.
struct DlibInference {
    ProbNet net;
    explicit DlibInference(const TrainNet& trained) : net(dlib::softmax_(), trained.subnet()) { first_to_tensor(net); }
    void predict(const dlib::tensor& x, float* y) {
        const dlib::tensor& p = net.forward(x);
        std::memcpy(y, p.host(), std::size_t(p.size()) * sizeof(float));
    }
};

void self_check() {
    static const bool done = [] {
        std::fprintf(stderr, "self-check: 3 training steps from identical weights, dropout rates 0, Adam eps 1e-8\n");
        Listing m = make_ctnn(0.0f, dlib_epsilon);
        Dlib d(0.0f);
        const Data& data = train_data();
        const dlib::resizable_tensor x = to_tensor(data.x.data(), batch);
        for (int s = 0; s < 3; ++s) {
            const double lc = m.train_on_batch(data.x.data(), data.y.data(), batch).loss;
            const double ld = d.train(x, 0);
            std::fprintf(stderr, "  dlib         step %d loss %.7f (fused %.7f)\n", s + 1, ld, lc);
            if (!close_rel(lc, ld)) fail_check("dlib: training loss differs from ctnn fused");
        }
        Listing m0 = make_ctnn(0.0f);
        Dlib d0(0.0f);
        DlibInference inf(d0.net);
        std::vector<float> pc(64 * out), pd(64 * out);
        m0.predict_on_batch(test_data().x.data(), 64, pc.data());
        inf.predict(to_tensor(test_data().x.data(), 64), pd.data());
        for (std::size_t i = 0; i < pc.size(); ++i)
            if (std::fabs(pc[i] - pd[i]) > 1e-5f) fail_check("dlib: predictions differ from ctnn fused");
        std::fprintf(stderr, "self-check passed\n");
        return true;
    }();
    (void)done;
}

void setup(int threads) {
    self_check();
    set_blas_threads(threads);
}

void BM_Dlib_TrainStep(benchmark::State& state) {
    const int threads = int(state.range(0));
    setup(threads);
    Dlib d(rate);
    const dlib::resizable_tensor x = to_tensor(train_data().x.data(), batch);
    d.train(x, 0);
    for (auto _ : state) {
        double l = d.train(x, 0);
        benchmark::DoNotOptimize(l);
    }
    set_rates(state, train_flops * double(batch), double(batch), threads);
}

void BM_Dlib_TrainEpoch(benchmark::State& state) {
    const int threads = int(state.range(0));
    setup(threads);
    Dlib d(rate);
    const Data& data = train_data();
    static const std::vector<dlib::resizable_tensor> batches = [&] {
        std::vector<dlib::resizable_tensor> b;
        for (std::size_t s = 0; s < steps_per_epoch; ++s) {
            const std::size_t first = s * batch;
            b.push_back(to_tensor(data.x.data() + first * in, std::min(batch, train_rows - first)));
        }
        return b;
    }();
    d.train(batches[0], 0);
    for (auto _ : state) {
        double sum = 0;
        for (std::size_t s = 0; s < steps_per_epoch; ++s) sum += d.train(batches[s], s * batch);
        benchmark::DoNotOptimize(sum);
    }
    set_rates(state, epoch_flops, double(train_rows), threads);
}

void BM_Dlib_Forward(benchmark::State& state) {
    const auto rows = std::size_t(state.range(0));
    const int threads = int(state.range(1));
    setup(threads);
    Dlib d(rate);
    DlibInference inf(d.net);
    const dlib::resizable_tensor x = to_tensor(test_data().x.data(), rows);
    std::vector<float> y(rows * out);
    inf.predict(x, y.data());
    for (auto _ : state) {
        inf.predict(x, y.data());
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    set_rates(state, forward_flops * double(rows), double(rows), threads);
}

const int registered = [] {
    register_peak_fma();
    register_listing("Dlib", BM_Dlib_TrainStep, BM_Dlib_TrainEpoch, BM_Dlib_Forward);
    return 0;
}();

}  // namespace

BENCHMARK_MAIN();
