// torch_peer::Mlp in libtorch (compiled as C++17: see torch_mlp.hpp).
#include "torch_mlp.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

namespace torch_peer {

namespace {

torch::Tensor view(const float* p, std::size_t rows, std::size_t cols) {
    return torch::from_blob(const_cast<float*>(p), {std::int64_t(rows), std::int64_t(cols)}, torch::kFloat32);
}
torch::Tensor view_labels(const std::int64_t* l, std::size_t rows) {
    return torch::from_blob(const_cast<std::int64_t*>(l), {std::int64_t(rows)}, torch::kInt64);
}

// Keras' Adam defaults (lr 1e-3, betas 0.9 / 0.999, eps 1e-7), as libtorch options.
torch::optim::AdamOptions keras_adam_options() { return torch::optim::AdamOptions(1e-3).betas({0.9, 0.999}).eps(1e-7); }

// `network` as a torch::nn::Sequential (Linear, [ReLU], [Dropout] per hidden
// layer, then Linear), with its Linear modules in order.
struct Built {
    torch::nn::Sequential net;
    std::vector<torch::nn::Linear> dense;
};
Built build(const Network& network) {
    Built b;
    std::size_t width = network.in;
    for (const std::size_t units : network.hidden) {
        b.dense.emplace_back(std::int64_t(width), std::int64_t(units));
        b.net->push_back(b.dense.back());
        if (network.relu) b.net->push_back(torch::nn::ReLU());
        if (network.rate > 0) b.net->push_back(torch::nn::Dropout(double(network.rate)));
        width = units;
    }
    b.dense.emplace_back(std::int64_t(width), std::int64_t(network.out));
    b.net->push_back(b.dense.back());
    return b;
}

}  // namespace

struct Mlp::Impl {
    Shape shape;
    Built built;
    std::unique_ptr<torch::optim::Adam> opt;

    explicit Impl(Shape s)
        : shape(s),
          built(build({s.in, {s.hidden, s.hidden}, s.out, true, s.rate})),
          opt(std::make_unique<torch::optim::Adam>(built.net->parameters(), keras_adam_options())) {}
    torch::nn::Sequential& net() { return built.net; }
    torch::nn::LinearImpl& linear(std::size_t layer) { return *built.dense[layer]; }
};

Mlp::Mlp(Shape shape) : impl_(std::make_unique<Impl>(shape)) {}
Mlp::~Mlp() = default;

void Mlp::set_layer(std::size_t layer, const float* kernel, const float* bias) {
    const Shape& s = impl_->shape;
    const std::size_t k = layer == 0 ? s.in : s.hidden, n = layer == 2 ? s.out : s.hidden;
    torch::NoGradGuard g;
    auto& lin = impl_->linear(layer);
    lin.weight.copy_(view(kernel, k, n).t());  // torch keeps W as out x in
    lin.bias.copy_(view(bias, 1, n).view({std::int64_t(n)}));
}

double Mlp::train(const float* x, const std::int64_t* labels, std::size_t rows) {
    auto& m = *impl_;
    m.net()->train();
    m.opt->zero_grad();
    auto loss = torch::nn::functional::cross_entropy(m.net()->forward(view(x, rows, m.shape.in)),
                                                     view_labels(labels, rows));
    loss.backward();
    m.opt->step();
    return loss.item<double>();
}

void Mlp::predict(const float* x, std::size_t rows, float* y) {
    auto& m = *impl_;
    torch::NoGradGuard g;
    m.net()->eval();
    auto p = torch::softmax(m.net()->forward(view(x, rows, m.shape.in)), 1).contiguous();
    std::copy_n(p.data_ptr<float>(), rows * m.shape.out, y);
}

double Mlp::train_with_masks(const float* x, const std::int64_t* labels, std::size_t rows, const float* mask1,
                             const float* mask2) {
    auto& m = *impl_;
    m.opt->zero_grad();
    auto h1 = torch::relu(m.linear(0).forward(view(x, rows, m.shape.in))) * view(mask1, rows, m.shape.hidden);
    auto h2 = torch::relu(m.linear(1).forward(h1)) * view(mask2, rows, m.shape.hidden);
    auto loss = torch::nn::functional::cross_entropy(m.linear(2).forward(h2), view_labels(labels, rows));
    loss.backward();
    m.opt->step();
    return loss.item<double>();
}

void Mlp::set_num_threads(int threads) { torch::set_num_threads(threads); }

namespace {

std::int64_t count_correct(const torch::Tensor& logits, const torch::Tensor& labels) {
    return logits.argmax(1).eq(labels).sum().item<std::int64_t>();
}

// Keras: w -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps); torch
// divides by sqrt(v) / sqrt(1 - b2^t) + eps', the same update when
// eps' = eps / sqrt(1 - b2^t). Sets eps' for step t (from 1).
void set_keras_epsilon(torch::optim::AdamOptions& adam, double eps, std::int64_t t) {
    adam.eps(eps / std::sqrt(1.0 - std::pow(std::get<1>(adam.betas()), double(t))));
}

torch::optim::AdamOptions& adam_options(torch::optim::Adam& opt) {
    return static_cast<torch::optim::AdamOptions&>(opt.param_groups().front().options());
}

}  // namespace

FitResult fit_evaluate(const Network& network, Samples train, Samples test, FitOptions options) {
    torch::manual_seed(options.seed);
    auto [net, dense] = build(network);
    {
        torch::NoGradGuard g;
        for (auto& d : dense) {
            torch::nn::init::xavier_uniform_(d->weight);
            torch::nn::init::zeros_(d->bias);
        }
    }
    std::unique_ptr<torch::optim::Optimizer> opt;
    torch::optim::AdamOptions* adam = nullptr;
    if (options.optimizer == Optimizer::adam) {
        auto a = std::make_unique<torch::optim::Adam>(net->parameters(), keras_adam_options());
        adam = &adam_options(*a);
        opt = std::move(a);
    } else {
        opt = std::make_unique<torch::optim::SGD>(net->parameters(), torch::optim::SGDOptions(0.01));
    }
    const double eps = adam ? adam->eps() : 0.0;
    std::int64_t step = 0;

    const auto x = view(train.x, train.rows, network.in);
    const auto y = view_labels(train.labels, train.rows);
    const auto rows = std::int64_t(train.rows), batch = std::int64_t(options.batch);

    const auto start = std::chrono::steady_clock::now();
    double train_accuracy = 0;
    net->train();
    for (std::size_t epoch = 0; epoch < options.epochs; ++epoch) {
        const auto order = torch::randperm(rows, torch::kInt64);
        std::int64_t correct = 0;
        for (std::int64_t first = 0; first < rows; first += batch) {
            const auto pick = order.slice(0, first, std::min(first + batch, rows));
            const auto xb = x.index_select(0, pick), yb = y.index_select(0, pick);
            opt->zero_grad();
            const auto logits = net->forward(xb);
            torch::nn::functional::cross_entropy(logits, yb).backward();
            ++step;
            if (adam && options.keras_epsilon) set_keras_epsilon(*adam, eps, step);
            opt->step();
            correct += count_correct(logits.detach(), yb);
        }
        train_accuracy = double(correct) / double(rows);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    torch::NoGradGuard g;
    net->eval();
    const auto logits = net->forward(view(test.x, test.rows, network.in));
    const double test_accuracy =
        double(count_correct(logits, view_labels(test.labels, test.rows))) / double(test.rows);
    return {train_accuracy, test_accuracy, seconds};
}

bool keras_epsilon_matches() {
    // Keras' constants, written out for the hand computation; the optimizer
    // under test is fit_evaluate's.
    constexpr double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-7, g = 3e-7;
    auto w = torch::zeros({1}, torch::requires_grad());
    torch::optim::Adam opt({w}, keras_adam_options());
    double m = 0, v = 0, expected = 0;
    for (std::int64_t t = 1; t <= 3; ++t) {
        opt.zero_grad();
        (w * g).sum().backward();
        set_keras_epsilon(adam_options(opt), eps, t);
        opt.step();
        m = b1 * m + (1 - b1) * g;
        v = b2 * v + (1 - b2) * g * g;
        expected -= lr * std::sqrt(1 - std::pow(b2, double(t))) / (1 - std::pow(b1, double(t))) * m /
                    (std::sqrt(v) + eps);
        if (std::fabs(w.item<double>() - expected) > 1e-5 * std::fabs(expected)) return false;
    }
    return true;
}

}  // namespace torch_peer
