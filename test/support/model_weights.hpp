#pragma once
// ctnn_test::weights_of(model) — every Dense kernel and bias of a Sequential,
// in layer order (the weight file's order), read through params<I>() so tests
// do not rely on the model's own get_weights().
#include <cstddef>
#include <utility>
#include <vector>

#include "ctnn/model/sequential.hpp"

namespace ctnn_test {

template <class M, std::size_t... I>
std::vector<float> weights_of(const M& m, std::index_sequence<I...>) {
    std::vector<float> w;
    auto add = [&]<std::size_t J>() {
        if constexpr (ctnn::is_dense_v<typename M::template layer_type<J>>) {
            const auto& p = m.template params<J>();
            w.insert(w.end(), p.kernel.begin(), p.kernel.end());
            w.insert(w.end(), p.bias.begin(), p.bias.end());
        }
    };
    (add.template operator()<I>(), ...);
    return w;
}

template <class M>
std::vector<float> weights_of(const M& m) {
    return weights_of(m, std::make_index_sequence<M::num_layers>{});
}

}  // namespace ctnn_test
