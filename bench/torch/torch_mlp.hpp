#pragma once
// torch_peer::Mlp — the Listing 1.3.2 network in libtorch 1.13, behind an
// interface with no torch (and no ctnn) types.
//
// Why a separate translation unit: libtorch 1.13's headers hold
// std::vector<c10::IValue> while c10::IValue is incomplete, which C++20 makes
// ill-formed (std::vector's members are constexpr there). GCC 12 accepts it,
// Clang 14 rejects it. torch_mlp.cpp is therefore compiled as C++17, and
// bench/mlp_torch.cpp (C++20, with ctnn) talks to it through this header.
//
// The network as a libtorch user writes it: torch::nn::Sequential of
// Linear / ReLU / Dropout(rate) / Linear / ReLU / Dropout(rate) / Linear,
// torch::nn::functional::cross_entropy on the logits with class indices,
// torch::optim::Adam(lr 1e-3, betas 0.9 / 0.999, eps 1e-7).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace torch_peer {

struct Shape {
    std::size_t in, hidden, out;
    float rate;  // dropout rate of both hidden layers
};

class Mlp {
public:
    explicit Mlp(Shape shape);
    ~Mlp();
    Mlp(const Mlp&) = delete;
    Mlp& operator=(const Mlp&) = delete;

    // Dense layer 0, 1 or 2 from a Keras-layout kernel (k x n, row-major) and bias (n).
    void set_layer(std::size_t layer, const float* kernel, const float* bias);
    // One Adam step on rows samples (x: rows x in, labels: class indices); the loss.
    double train(const float* x, const std::int64_t* labels, std::size_t rows);
    // Softmax probabilities (rows x out), dropout off.
    void predict(const float* x, std::size_t rows, float* y);
    // One Adam step with the given dropout masks (rows x hidden each, entries
    // 0 or 1 / (1 - rate)) instead of torch's own: the self-check's step.
    double train_with_masks(const float* x, const std::int64_t* labels, std::size_t rows, const float* mask1,
                            const float* mask2);

    static void set_num_threads(int threads);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// A labelled data set for fit_evaluate: rows x in floats, rows class indices.
struct Samples {
    const float* x;
    const std::int64_t* labels;
    std::size_t rows;
};

// A stack of Table 1.3.2's kind: hidden Dense layers of the given widths, each
// followed by ReLU (when `relu`) and Dropout(rate) (when rate > 0), then a
// Dense of `out` units whose softmax the cross-entropy applies. The default
// is Listing 1.3.2.
struct Network {
    std::size_t in = 784;
    std::vector<std::size_t> hidden{256, 256};
    std::size_t out = 10;
    bool relu = true;
    float rate = 0.45f;
};

// Keras' defaults: Adam(1e-3, 0.9, 0.999, eps 1e-7), SGD(0.01) without momentum.
enum class Optimizer { adam, sgd };

struct FitOptions {
    Optimizer optimizer = Optimizer::adam;
    std::size_t epochs = 20, batch = 128;
    std::uint64_t seed = 0;  // torch::manual_seed: initial weights, shuffles, dropout masks
    // Adam's eps where Keras adds it, to sqrt(v) (true), or where torch does,
    // to the bias-corrected sqrt(v / (1 - beta_2^t)) (false).
    bool keras_epsilon = true;
};

struct FitResult {
    double train_accuracy;  // the last epoch's, dropout on (what Keras' fit log shows)
    double test_accuracy;   // dropout off
    double seconds;         // wall time of training
};

// The chapter's experiment done entirely in libtorch, with Keras' rules where
// libtorch's defaults differ, and nothing of ctnn's: glorot_uniform
// (torch::nn::init::xavier_uniform_) kernels and zero biases instead of
// torch's kaiming default; Adam with Keras' eps placement unless asked
// otherwise (torch's eps set to 1e-7 / sqrt(1 - beta_2^t) before step t gives
// Keras' update) or plain SGD; a torch::randperm shuffle every epoch, batches
// of `batch` with a smaller last one, mean cross-entropy. An independent
// implementation to compare ctnn's accuracy with (bench/torch/torch_accuracy.cpp).
FitResult fit_evaluate(const Network& network, Samples train, Samples test, FitOptions options);

// Whether fit_evaluate's eps adjustment gives Keras' Adam update: three steps
// on w * g with g = 3e-7 (so eps matters: torch's own placement moves w about
// 9x further) against the update worked out by hand from Keras' formula.
bool keras_epsilon_matches();

}  // namespace torch_peer
