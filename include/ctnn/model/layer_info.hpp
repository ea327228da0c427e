#pragma once
// ctnn::LayerInfo — one layer as summary() and plot_model() show it.
//
// Contract: name is Keras 2.2's ("dense_1", "activation_2"; the InputLayer
// is "<first layer's name>_input", e.g. "dense_1_input", or "input_1" for a
// model that is only an Input), class_name Keras' class ("Dense", "Activation", "Dropout",
// "InputLayer"), shapes in Keras' tuple notation "(None, 256)".
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ctnn {

struct LayerInfo {
    std::string name;
    std::string class_name;
    std::string input_shape;
    std::string output_shape;
    std::size_t params = 0;
    std::string activation;  // Keras' layer.activation: a Dense's own ("linear" when none), an
                             // Activation layer's ("relu"); empty for other layers
};

namespace detail {

// Appends one layer's row, numbered per prefix as Keras numbers layers
// ("dense_1", "dense_2", "activation_1"); `counters` holds the numbers so far.
// Not a template: each layer of a model adds a call, not its own copy.
inline void append_layer_info(std::vector<LayerInfo>& rows, std::vector<std::pair<std::string, int>>& counters,
                              const char* prefix, const char* class_name, std::string input_shape,
                              std::string output_shape, std::size_t params, std::string_view activation) {
    int n = 0;
    for (auto& [p, c] : counters)
        if (p == prefix) n = ++c;
    if (n == 0) counters.push_back({prefix, n = 1});
    rows.push_back({std::string(prefix) + "_" + std::to_string(n), class_name, std::move(input_shape),
                    std::move(output_shape), params, std::string(activation)});
}

}  // namespace detail

}  // namespace ctnn
