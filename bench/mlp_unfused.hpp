#pragma once
// ctnn unfused: the Listing 1.3.2 network with ctnn's static shapes and the
// same ctnn::kernels::gemm and transpose, but no epilogues — bias add, ReLU, dropout mask,
// softmax + loss gradient, dropout and ReLU derivatives, bias gradients and
// Adam each as its own sweep over memory, each writing its own buffer, as a
// layer-by-layer framework does. Against ctnn fused it isolates what fusion
// buys; against the dynamic twin (bench/dynamic/) what static shapes buy.
// Element-wise sweeps run on the OpenMP team from 32,768 elements on (PyTorch's
// grain size), so fused and unfused get the same threads.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ctnn/core/aligned_allocator.hpp"
#include "ctnn/core/random.hpp"
#include "ctnn/kernels/gemm.hpp"
#include "ctnn/kernels/transpose.hpp"
#include "dynamic/network.hpp"  // adam_update, softmax_crossentropy_rows, softmax_rows: the same plain loops
#include "mlp_common.hpp"

namespace mlp::unfused {

using dyn::grain;

template <std::size_t K, std::size_t N>
struct DenseParams {
    ctnn::aligned_vector<float> w = ctnn::aligned_vector<float>(K * N), b = ctnn::aligned_vector<float>(N),
                                dw = ctnn::aligned_vector<float>(K * N), db = ctnn::aligned_vector<float>(N),
                                wt = ctnn::aligned_vector<float>(K * N), mw = ctnn::aligned_vector<float>(K * N),
                                vw = ctnn::aligned_vector<float>(K * N), mb = ctnn::aligned_vector<float>(N),
                                vb = ctnn::aligned_vector<float>(N);
};

template <std::size_t K, std::size_t N>
void dense_forward(std::size_t rows, const float* x, const DenseParams<K, N>& p, float* z) {
    ctnn::kernels::gemm<N, K>(rows, K, x, K, 1, p.w.data(), z, false);
    const float* b = p.b.data();
#pragma omp parallel for schedule(static) if (rows * N >= grain)
    for (std::size_t i = 0; i < rows; ++i) {
#pragma omp simd
        for (std::size_t j = 0; j < N; ++j) z[i * N + j] += b[j];
    }
}

template <std::size_t K, std::size_t N>
void dense_backward(std::size_t rows, const float* x, const float* g, DenseParams<K, N>& p, float* dx) {
    ctnn::kernels::gemm<N>(K, rows, x, 1, K, g, p.dw.data(), false);  // dW = x^T g
    float* db = p.db.data();
    std::fill_n(db, N, 0.0f);
    for (std::size_t i = 0; i < rows; ++i) {
#pragma omp simd
        for (std::size_t j = 0; j < N; ++j) db[j] += g[i * N + j];
    }
    if (dx) {  // dx = g W^T (the same transpose kernel as the fused model: only fusion differs)
        ctnn::kernels::transpose<K, N>(p.w.data(), p.wt.data());
        ctnn::kernels::gemm<K, N>(rows, N, g, N, 1, p.wt.data(), dx, false);
    }
}

inline void relu(std::size_t n, const float* z, float* a) {
#pragma omp parallel for simd schedule(static) if (n >= grain)
    for (std::size_t i = 0; i < n; ++i) a[i] = z[i] > 0.0f ? z[i] : 0.0f;
}
inline void relu_backward(std::size_t n, const float* a, const float* g, float* dz) {
#pragma omp parallel for simd schedule(static) if (n >= grain)
    for (std::size_t i = 0; i < n; ++i) dz[i] = a[i] > 0.0f ? g[i] : 0.0f;
}
// y = mask ? x * scale : 0 — forward and backward alike (the mask is regenerated).
inline void dropout(std::size_t n, std::uint32_t key, const float* x, float* y) {
    const std::uint32_t thr = mask_threshold();
    const float scale = mask_scale();
#pragma omp parallel for schedule(static) if (n >= grain)
    for (std::size_t i = 0; i < n; ++i)
        y[i] = ctnn::counter_bits(key, static_cast<std::uint32_t>(i)) >= thr ? x[i] * scale : 0.0f;
}

class Mlp {
public:
    DenseParams<in, hidden> l1;
    DenseParams<hidden, hidden> l2;
    DenseParams<hidden, out> l3;

    double train_on_batch(const float* x, const float* t, std::size_t rows) {
        ensure(rows);
        const std::uint32_t k1 = mask_key(iterations_, drop1_at), k2 = mask_key(iterations_, drop2_at);
        const std::size_t nh = rows * hidden;
        dense_forward(rows, x, l1, z1_.data());
        relu(nh, z1_.data(), a1_.data());
        dropout(nh, k1, a1_.data(), h1_.data());
        dense_forward(rows, h1_.data(), l2, z2_.data());
        relu(nh, z2_.data(), a2_.data());
        dropout(nh, k2, a2_.data(), h2_.data());
        dense_forward(rows, h2_.data(), l3, z3_.data());
        const double loss = dyn::softmax_crossentropy_rows(z3_.data(), t, g3_.data(), rows, out);

        dense_backward(rows, h2_.data(), g3_.data(), l3, gh_.data());
        dropout(nh, k2, gh_.data(), ga_.data());
        relu_backward(nh, a2_.data(), ga_.data(), gz_.data());
        dense_backward(rows, h1_.data(), gz_.data(), l2, gh_.data());
        dropout(nh, k1, gh_.data(), ga_.data());
        relu_backward(nh, a1_.data(), ga_.data(), gz_.data());
        dense_backward<in, hidden>(rows, x, gz_.data(), l1, nullptr);

        adam(l1);
        adam(l2);
        adam(l3);
        ++iterations_;
        return loss / double(rows);
    }

    void predict_on_batch(const float* x, std::size_t rows, float* y) {
        ensure(rows);
        const std::size_t nh = rows * hidden;
        dense_forward(rows, x, l1, z1_.data());
        relu(nh, z1_.data(), a1_.data());
        dense_forward(rows, a1_.data(), l2, z2_.data());
        relu(nh, z2_.data(), a2_.data());
        dense_forward(rows, a2_.data(), l3, y);
        dyn::softmax_rows(y, rows, out);
    }

private:
    template <std::size_t K, std::size_t N>
    void adam(DenseParams<K, N>& p) {
        dyn::adam_update({}, iterations_, p.w.data(), p.dw.data(), p.mw.data(), p.vw.data(), K * N);
        dyn::adam_update({}, iterations_, p.b.data(), p.db.data(), p.mb.data(), p.vb.data(), N);
    }
    void ensure(std::size_t rows) {
        if (rows <= capacity_) return;
        capacity_ = rows;
        for (auto* v : {&z1_, &a1_, &h1_, &z2_, &a2_, &h2_, &gh_, &ga_, &gz_}) v->resize(rows * hidden);
        z3_.resize(rows * out);
        g3_.resize(rows * out);
    }
    ctnn::aligned_vector<float> z1_, a1_, h1_, z2_, a2_, h2_, z3_, g3_, gh_, ga_, gz_;
    std::size_t capacity_ = 0;
    std::int64_t iterations_ = 0;
};

}  // namespace mlp::unfused
