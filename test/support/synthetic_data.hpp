#pragma once
// ctnn_test::make_data<In, Out>(n, seed) — n rows of inputs uniform in [0, 1)
// from a fixed seed, each labelled one-hot with the learnable class "which of
// the Out equal blocks of In / Out inputs has the largest sum".
#include <cstddef>
#include <cstdint>

#include "ctnn/core/random.hpp"
#include "ctnn/core/tensor.hpp"

namespace ctnn_test {

template <std::size_t In, std::size_t Out>
struct Data {
    ctnn::Tensor<float, In> x;
    ctnn::Tensor<float, Out> y;
};

template <std::size_t In, std::size_t Out>
Data<In, Out> make_data(std::size_t n, std::uint64_t seed) {
    ctnn::Generator g(seed);
    Data<In, Out> d{ctnn::Tensor<float, In>(n), ctnn::Tensor<float, Out>(n, 0.0f)};
    for (auto& v : d.x.flat()) v = g.uniform(0.0f, 1.0f);
    for (std::size_t r = 0; r < n; ++r) {
        std::size_t best = 0;
        float best_sum = -1.0f;
        for (std::size_t c = 0; c < Out; ++c) {
            float s = 0.0f;
            for (std::size_t j = c * (In / Out); j < (c + 1) * (In / Out); ++j) s += d.x(r, j);
            if (s > best_sum) best_sum = s, best = c;
        }
        d.y(r, best) = 1.0f;
    }
    return d;
}

}  // namespace ctnn_test
