#pragma once
// ctnn::LayerInfo — one layer as summary() and plot_model() show it.
//
// Contract: name is Keras 2.2's ("dense_1", "activation_2"; the InputLayer
// is "<first layer's name>_input", e.g. "dense_1_input", or "input_1" for a
// model that is only an Input), class_name Keras' class ("Dense", "Activation", "Dropout",
// "InputLayer"), shapes in Keras' tuple notation "(None, 256)".
#include <cstddef>
#include <string>

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

}  // namespace ctnn
