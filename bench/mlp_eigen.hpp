#pragma once
// Eigen 3.4 peer: the Listing 1.3.2 network written as a competent Eigen user
// would — run-time-sized row-major MatrixXf (samples are rows, so X, H and the
// Keras-layout kernels multiply without transposes), noalias() products,
// element-wise work as Eigen array expressions (which Eigen fuses into one
// loop per statement), Eigen's own OpenMP threading in products
// (Eigen::setNbThreads), and the cache sizes set per perf-notes (Eigen's
// blocking otherwise takes all of K = 784 at once on this CPU).
// Dropout draws ctnn's counter-hash mask (same keys) so the self-check can
// compare losses; a user would pick some generator — the cost is alike.
#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ctnn/core/random.hpp"
#include "mlp_common.hpp"

namespace mlp::eigen {

using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Row = Eigen::Matrix<float, 1, Eigen::Dynamic>;
using CMap = Eigen::Map<const Mat>;

inline void configure(int threads) {
    // Zen 5 per core: 48 KB L1d, 1 MB L2, 32 MB shared L3; 32 KB for L1 as in perf-notes.
    Eigen::setCpuCacheSizes(32 * 1024, 1024 * 1024, 32 * 1024 * 1024);
    Eigen::setNbThreads(threads);
}

struct Dense {
    Mat w, dw, mw, vw;
    Row b, db, mb, vb;
    Dense(Eigen::Index k, Eigen::Index n)
        : w(Mat::Zero(k, n)), dw(Mat::Zero(k, n)), mw(Mat::Zero(k, n)), vw(Mat::Zero(k, n)), b(Row::Zero(n)),
          db(Row::Zero(n)), mb(Row::Zero(n)), vb(Row::Zero(n)) {}
};

class Mlp {
public:
    Dense l1{in, hidden}, l2{hidden, hidden}, l3{hidden, out};

    double train_on_batch(const float* x, const float* t, std::size_t rows) {
        const auto r = Eigen::Index(rows);
        const CMap X(x, r, in), T(t, r, out);
        const std::uint32_t thr = mask_threshold();
        const float scale = mask_scale();
        auto mask = [&](std::uint32_t key) {
            return Mat::NullaryExpr(r, hidden, [=](Eigen::Index i, Eigen::Index j) {
                return ctnn::counter_bits(key, std::uint32_t(i * Eigen::Index(hidden) + j)) >= thr ? scale : 0.0f;
            });
        };
        m1_ = mask(mask_key(iterations_, drop1_at));
        m2_ = mask(mask_key(iterations_, drop2_at));

        z1_.noalias() = X * l1.w;
        z1_.rowwise() += l1.b;
        h1_ = z1_.array().max(0.0f) * m1_.array();
        z2_.noalias() = h1_ * l2.w;
        z2_.rowwise() += l2.b;
        h2_ = z2_.array().max(0.0f) * m2_.array();
        z3_.noalias() = h2_ * l3.w;
        z3_.rowwise() += l3.b;
        // log-softmax, loss, and (p - t) / rows
        z3_.colwise() -= z3_.rowwise().maxCoeff();
        z3_.colwise() -= z3_.array().exp().rowwise().sum().log().matrix();
        const double loss = -double((T.array() * z3_.array()).sum()) / double(rows);
        g3_ = (z3_.array().exp() - T.array()) / float(rows);

        l3.dw.noalias() = h2_.transpose() * g3_;
        l3.db = g3_.colwise().sum();
        gh_.noalias() = g3_ * l3.w.transpose();
        gz_ = (z2_.array() > 0.0f).select(gh_.array() * m2_.array(), 0.0f);
        l2.dw.noalias() = h1_.transpose() * gz_;
        l2.db = gz_.colwise().sum();
        gh_.noalias() = gz_ * l2.w.transpose();
        gz_ = (z1_.array() > 0.0f).select(gh_.array() * m1_.array(), 0.0f);
        l1.dw.noalias() = X.transpose() * gz_;
        l1.db = gz_.colwise().sum();

        const double t1 = double(iterations_ + 1);
        const float lr_t = float(0.001 * std::sqrt(1.0 - std::pow(0.999, t1)) / (1.0 - std::pow(0.9, t1)));
        for (Dense* l : {&l1, &l2, &l3}) {
            adam(lr_t, l->w, l->dw, l->mw, l->vw);
            adam(lr_t, l->b, l->db, l->mb, l->vb);
        }
        ++iterations_;
        return loss;
    }

    void predict_on_batch(const float* x, std::size_t rows, float* y) {
        const auto r = Eigen::Index(rows);
        const CMap X(x, r, in);
        Eigen::Map<Mat> Y(y, r, out);
        z1_.noalias() = X * l1.w;
        h1_ = (z1_.rowwise() + l1.b).cwiseMax(0.0f);
        z2_.noalias() = h1_ * l2.w;
        h2_ = (z2_.rowwise() + l2.b).cwiseMax(0.0f);
        Y.noalias() = h2_ * l3.w;
        Y.rowwise() += l3.b;
        Y.colwise() -= Y.rowwise().maxCoeff();
        Y = Y.array().exp();
        Y.array().colwise() /= Y.rowwise().sum().array();
    }

private:
    template <class M>
    static void adam(float lr_t, M& w, const M& g, M& m, M& v) {
        constexpr float b1 = 0.9f, b2 = 0.999f, eps = 1e-7f;
        m = b1 * m + (1.0f - b1) * g;
        v = b2 * v.array() + (1.0f - b2) * g.array().square();
        w.array() -= lr_t * m.array() / (v.array().sqrt() + eps);
    }
    Mat m1_, m2_, z1_, h1_, z2_, h2_, z3_, g3_, gh_, gz_;
    std::int64_t iterations_ = 0;
};

}  // namespace mlp::eigen
