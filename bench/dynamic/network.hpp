#pragma once
// The dynamic twin: the Listing 1.3.2 network as a run-time-shaped,
// layer-by-layer framework would build it — what ctnn's static types replace.
//
//   dyn::Network net(784);
//   net.add(std::make_unique<dyn::Dense>(784, 256)); net.add(std::make_unique<dyn::ReLU>()); ...
//
// Every shape is a run-time value; layers sit behind virtual calls
// (class Layer { virtual forward / backward / update }); each layer is its own
// sweep over memory with its own output and gradient buffers; the matrix
// products and Wᵀ are dyn::gemm and dyn::transpose (bench/dynamic/gemm.hpp:
// ctnn's algorithms with run-time extents, since ctnn's kernel needs a
// static N). The arithmetic is
// ctnn's, operation for operation (same dropout mask hash and keys, same
// softmax/crossentropy formula, same Adam), so the self-check can demand equal
// losses.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "ctnn/core/aligned_allocator.hpp"
#include "ctnn/core/random.hpp"
#include "ctnn/layers/dropout.hpp"
#include "gemm.hpp"

namespace dyn {

struct Context {
    bool training = false;
    std::uint64_t seed = 0;
    std::uint64_t step = 0;
    std::size_t rows = 0;
};

// Element-wise sweeps use the OpenMP team from this many elements on
// (PyTorch's grain size), as the unfused variant's do.
inline constexpr std::size_t grain = 32768;

struct AdamConfig {
    float learning_rate = 0.001f, beta_1 = 0.9f, beta_2 = 0.999f, epsilon = 1e-7f;
};

// Keras' Adam on one tensor (epsilon outside the bias correction): one pass.
inline void adam_update(const AdamConfig& c, std::int64_t iterations, float* w, const float* g, float* m, float* v,
                        std::size_t n) {
    const double t = double(iterations + 1);
    const float lr_t = static_cast<float>(double(c.learning_rate) * std::sqrt(1.0 - std::pow(double(c.beta_2), t)) /
                                          (1.0 - std::pow(double(c.beta_1), t)));
    const float b1 = c.beta_1, b2 = c.beta_2, eps = c.epsilon;
#pragma omp parallel for schedule(static) if (n > 32768)
    for (std::size_t i = 0; i < n; ++i) {
        m[i] = b1 * m[i] + (1.0f - b1) * g[i];
        v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
        w[i] -= lr_t * m[i] / (std::sqrt(v[i]) + eps);
    }
}

class Layer {
public:
    virtual ~Layer() = default;
    virtual std::size_t output_width(std::size_t input_width) const = 0;
    // Returns where the output is: `y` (rows x output_width), or `x` when the
    // layer is the identity (Dropout in inference).
    virtual const float* forward(const Context& ctx, const float* x, std::size_t in, float* y) = 0;
    // dy: dL/d(output); writes dL/d(input) to dx unless dx is null; x and y are
    // the forward input and output.
    virtual void backward(const Context& ctx, const float* x, const float* y, const float* dy, std::size_t in,
                          float* dx) = 0;
    virtual void update(const AdamConfig&, std::int64_t) {}
};

class Dense final : public Layer {
public:
    Dense(std::size_t in, std::size_t units)
        : n_(units), w_(in * units), b_(units), dw_(in * units), db_(units), wt_(in * units),
          mw_(in * units), vw_(in * units), mb_(units), vb_(units) {}
    std::size_t output_width(std::size_t) const override { return n_; }
    float* kernel() { return w_.data(); }
    float* bias() { return b_.data(); }

    const float* forward(const Context& ctx, const float* x, std::size_t in, float* y) override {
        gemm(ctx.rows, n_, in, x, in, 1, w_.data(), n_, y, n_, false);
        const float* b = b_.data();
#pragma omp parallel for schedule(static) if (ctx.rows * n_ >= grain)
        for (std::size_t i = 0; i < ctx.rows; ++i) {
            float* yi = y + i * n_;
#pragma omp simd
            for (std::size_t j = 0; j < n_; ++j) yi[j] += b[j];
        }
        return y;
    }
    void backward(const Context& ctx, const float* x, const float*, const float* dy, std::size_t in,
                  float* dx) override {
        gemm(in, n_, ctx.rows, x, 1, in, dy, n_, dw_.data(), n_, false);  // dW = x^T dy
        float* db = db_.data();
        for (std::size_t j = 0; j < n_; ++j) db[j] = 0.0f;
        for (std::size_t i = 0; i < ctx.rows; ++i) {
            const float* gi = dy + i * n_;
#pragma omp simd
            for (std::size_t j = 0; j < n_; ++j) db[j] += gi[j];
        }
        if (dx) {  // dx = dy W^T
            transpose(in, n_, w_.data(), wt_.data());
            gemm(ctx.rows, in, n_, dy, n_, 1, wt_.data(), in, dx, in, false);
        }
    }
    void update(const AdamConfig& c, std::int64_t it) override {
        adam_update(c, it, w_.data(), dw_.data(), mw_.data(), vw_.data(), w_.size());
        adam_update(c, it, b_.data(), db_.data(), mb_.data(), vb_.data(), b_.size());
    }

private:
    std::size_t n_;
    ctnn::aligned_vector<float> w_, b_, dw_, db_, wt_, mw_, vw_, mb_, vb_;
};

class ReLU final : public Layer {
public:
    std::size_t output_width(std::size_t in) const override { return in; }
    const float* forward(const Context& ctx, const float* x, std::size_t in, float* y) override {
        const std::size_t n = ctx.rows * in;
#pragma omp parallel for simd schedule(static) if (n >= grain)
        for (std::size_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        return y;
    }
    void backward(const Context& ctx, const float*, const float* y, const float* dy, std::size_t in,
                  float* dx) override {
        const std::size_t n = ctx.rows * in;
#pragma omp parallel for simd schedule(static) if (n >= grain)
        for (std::size_t i = 0; i < n; ++i) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
    }
};

// Inverted dropout; the mask is ctnn's counter hash keyed by (seed, step,
// position), regenerated in backward instead of stored.
class Dropout final : public Layer {
public:
    Dropout(float rate, std::uint64_t position) : spec_(rate), position_(position) {}
    std::size_t output_width(std::size_t in) const override { return in; }
    const float* forward(const Context& ctx, const float* x, std::size_t in, float* y) override {
        if (!ctx.training) return x;
        const std::uint32_t key = ctnn::dropout_key(ctx.seed, ctx.step, position_), thr = spec_.threshold();
        const float scale = spec_.scale();
        const std::size_t n = ctx.rows * in;
#pragma omp parallel for schedule(static) if (n >= grain)
        for (std::size_t i = 0; i < n; ++i)
            y[i] = ctnn::counter_bits(key, static_cast<std::uint32_t>(i)) >= thr ? x[i] * scale : 0.0f;
        return y;
    }
    void backward(const Context& ctx, const float*, const float*, const float* dy, std::size_t in,
                  float* dx) override {
        const std::uint32_t key = ctnn::dropout_key(ctx.seed, ctx.step, position_), thr = spec_.threshold();
        const float scale = spec_.scale();
        const std::size_t n = ctx.rows * in;
#pragma omp parallel for schedule(static) if (n >= grain)
        for (std::size_t i = 0; i < n; ++i)
            dx[i] = ctnn::counter_bits(key, static_cast<std::uint32_t>(i)) >= thr ? dy[i] * scale : 0.0f;
    }

private:
    ctnn::Dropout spec_;
    std::uint64_t position_;
};

// Softmax + categorical crossentropy from logits, in one pass per row (the
// formula of ctnn::softmax_crossentropy_row): z becomes p; returns the summed loss.
inline double softmax_crossentropy_rows(float* z, const float* t, float* g, std::size_t rows, std::size_t n) {
    double total = 0.0;
    const float inv_rows = 1.0f / static_cast<float>(rows);
    for (std::size_t i = 0; i < rows; ++i) {
        float* zi = z + i * n;
        const float* ti = t + i * n;
        float mx = zi[0];
        for (std::size_t j = 1; j < n; ++j) mx = std::max(mx, zi[j]);
        double sum = 0.0;
        for (std::size_t j = 0; j < n; ++j) sum += std::exp(double(zi[j] - mx));
        const double lse = std::log(sum);
        for (std::size_t j = 0; j < n; ++j) {
            const double logp = double(zi[j] - mx) - lse;
            total -= ti[j] * logp;
            zi[j] = static_cast<float>(std::exp(logp));
        }
        if (g)
            for (std::size_t j = 0; j < n; ++j) g[i * n + j] = (zi[j] - ti[j]) * inv_rows;
    }
    return total;
}

inline void softmax_rows(float* z, std::size_t rows, std::size_t n) {
    for (std::size_t i = 0; i < rows; ++i) {
        float* zi = z + i * n;
        float mx = zi[0];
        for (std::size_t j = 1; j < n; ++j) mx = std::max(mx, zi[j]);
        float sum = 0.0f;
        for (std::size_t j = 0; j < n; ++j) sum += (zi[j] = std::exp(zi[j] - mx));
        for (std::size_t j = 0; j < n; ++j) zi[j] /= sum;
    }
}

// A stack of layers ending in logits, trained with softmax + categorical
// crossentropy and Adam.
class Network {
public:
    explicit Network(std::size_t input_width, std::uint64_t seed = 0) : seed_(seed) { widths_.push_back(input_width); }
    void add(std::unique_ptr<Layer> l) {
        widths_.push_back(l->output_width(widths_.back()));
        layers_.push_back(std::move(l));
        outs_.emplace_back();
        grads_.emplace_back();
        out_ptr_.push_back(nullptr);
    }
    Layer& layer(std::size_t i) { return *layers_[i]; }
    std::size_t output_width() const { return widths_.back(); }

    // One Adam step; returns the batch's mean loss.
    double train_on_batch(const float* x, const float* t, std::size_t rows) {
        ensure(rows);
        const Context ctx{true, seed_, std::uint64_t(iterations_), rows};
        const float* logits = forward(ctx, x);
        const std::size_t L = layers_.size();
        float* z = const_cast<float*>(logits);  // the last layer's own buffer
        const double loss = softmax_crossentropy_rows(z, t, grads_[L - 1].data(), rows, widths_[L]);
        for (std::size_t l = L; l-- > 0;) {
            const float* in = l == 0 ? x : out_ptr_[l - 1];
            float* dx = l == 0 ? nullptr : grads_[l - 1].data();
            layers_[l]->backward(ctx, in, out_ptr_[l], grads_[l].data(), widths_[l], dx);
        }
        for (auto& l : layers_) l->update(adam_, iterations_);
        ++iterations_;
        return loss / double(rows);
    }

    // Softmax probabilities, dropout off.
    void predict_on_batch(const float* x, std::size_t rows, float* out) {
        ensure(rows);
        const Context ctx{false, seed_, std::uint64_t(iterations_), rows};
        const float* y = forward(ctx, x);
        const std::size_t n = widths_.back();
        std::copy_n(y, rows * n, out);
        softmax_rows(out, rows, n);
    }

private:
    const float* forward(const Context& ctx, const float* x) {
        const float* in = x;
        for (std::size_t l = 0; l < layers_.size(); ++l) {
            in = layers_[l]->forward(ctx, in, widths_[l], outs_[l].data());
            out_ptr_[l] = in;
        }
        return in;
    }
    void ensure(std::size_t rows) {
        if (rows <= capacity_) return;
        capacity_ = rows;
        for (std::size_t l = 0; l < layers_.size(); ++l) {
            outs_[l].resize(rows * widths_[l + 1]);
            grads_[l].resize(rows * widths_[l + 1]);
        }
    }

    std::vector<std::unique_ptr<Layer>> layers_;
    std::vector<std::size_t> widths_;
    std::vector<ctnn::aligned_vector<float>> outs_, grads_;
    std::vector<const float*> out_ptr_;
    std::size_t capacity_ = 0;
    std::uint64_t seed_;
    std::int64_t iterations_ = 0;
    AdamConfig adam_{};
};

}  // namespace dyn
