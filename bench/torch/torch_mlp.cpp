// torch_peer::Mlp in libtorch (compiled as C++17: see torch_mlp.hpp).
#include "torch_mlp.hpp"

#include <torch/torch.h>

#include <algorithm>

namespace torch_peer {

namespace {

torch::Tensor view(const float* p, std::size_t rows, std::size_t cols) {
    return torch::from_blob(const_cast<float*>(p), {std::int64_t(rows), std::int64_t(cols)}, torch::kFloat32);
}
torch::Tensor view_labels(const std::int64_t* l, std::size_t rows) {
    return torch::from_blob(const_cast<std::int64_t*>(l), {std::int64_t(rows)}, torch::kInt64);
}

}  // namespace

struct Mlp::Impl {
    Shape shape;
    torch::nn::Sequential net;
    std::unique_ptr<torch::optim::Adam> opt;

    explicit Impl(Shape s)
        : shape(s),
          net(torch::nn::Linear(std::int64_t(s.in), std::int64_t(s.hidden)), torch::nn::ReLU(),
              torch::nn::Dropout(double(s.rate)), torch::nn::Linear(std::int64_t(s.hidden), std::int64_t(s.hidden)),
              torch::nn::ReLU(), torch::nn::Dropout(double(s.rate)),
              torch::nn::Linear(std::int64_t(s.hidden), std::int64_t(s.out))),
          opt(std::make_unique<torch::optim::Adam>(net->parameters(),
                                                   torch::optim::AdamOptions(1e-3).betas({0.9, 0.999}).eps(1e-7))) {}
    torch::nn::LinearImpl& linear(std::size_t at) { return *net->ptr<torch::nn::LinearImpl>(at); }
};

Mlp::Mlp(Shape shape) : impl_(std::make_unique<Impl>(shape)) {}
Mlp::~Mlp() = default;

void Mlp::set_layer(std::size_t layer, const float* kernel, const float* bias) {
    const Shape& s = impl_->shape;
    const std::size_t k = layer == 0 ? s.in : s.hidden, n = layer == 2 ? s.out : s.hidden;
    torch::NoGradGuard g;
    auto& lin = impl_->linear(3 * layer);
    lin.weight.copy_(view(kernel, k, n).t());  // torch keeps W as out x in
    lin.bias.copy_(view(bias, 1, n).view({std::int64_t(n)}));
}

double Mlp::train(const float* x, const std::int64_t* labels, std::size_t rows) {
    auto& m = *impl_;
    m.net->train();
    m.opt->zero_grad();
    auto loss = torch::nn::functional::cross_entropy(m.net->forward(view(x, rows, m.shape.in)),
                                                     view_labels(labels, rows));
    loss.backward();
    m.opt->step();
    return loss.item<double>();
}

void Mlp::predict(const float* x, std::size_t rows, float* y) {
    auto& m = *impl_;
    torch::NoGradGuard g;
    m.net->eval();
    auto p = torch::softmax(m.net->forward(view(x, rows, m.shape.in)), 1).contiguous();
    std::copy_n(p.data_ptr<float>(), rows * m.shape.out, y);
}

double Mlp::train_with_masks(const float* x, const std::int64_t* labels, std::size_t rows, const float* mask1,
                             const float* mask2) {
    auto& m = *impl_;
    m.opt->zero_grad();
    auto h1 = torch::relu(m.linear(0).forward(view(x, rows, m.shape.in))) * view(mask1, rows, m.shape.hidden);
    auto h2 = torch::relu(m.linear(3).forward(h1)) * view(mask2, rows, m.shape.hidden);
    auto loss = torch::nn::functional::cross_entropy(m.linear(6).forward(h2), view_labels(labels, rows));
    loss.backward();
    m.opt->step();
    return loss.item<double>();
}

void Mlp::set_num_threads(int threads) { torch::set_num_threads(threads); }

}  // namespace torch_peer
