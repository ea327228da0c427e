#pragma once
// The book's Listing 1.3.2 network ("Advanced Deep Learning with Keras") as
// ctnn types, in the three spellings the model tests compare: Keras order,
// Keras' input_dim with the activations as Dense arguments, and two stacks
// composed.
#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/dropout.hpp"
#include "ctnn/layers/input.hpp"
#include "ctnn/layers/softmax.hpp"
#include "ctnn/model/sequential.hpp"

namespace ctnn_test {

// The Listing 1.3.2 model, Keras order.
using Mlp = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<256>, ctnn::ReLU, ctnn::Dropout, ctnn::Dense<256>,
                             ctnn::ReLU, ctnn::Dropout, ctnn::Dense<10>, ctnn::Softmax>;

// The same network spelled with Keras' input_dim on the first Dense and the
// activations as Dense arguments.
using MlpInputDim = ctnn::Sequential<ctnn::Dense<256, ctnn::ReLU, 784>, ctnn::Dropout, ctnn::Dense<256, ctnn::ReLU>,
                                     ctnn::Dropout, ctnn::Dense<10, ctnn::Softmax>>;

// The same network as two stacks composed.
using Block = ctnn::Sequential<ctnn::Dense<256>, ctnn::ReLU, ctnn::Dropout>;
using MlpComposed = ctnn::Sequential<ctnn::Input<784>, Block, Block, ctnn::Dense<10>, ctnn::Softmax>;

}  // namespace ctnn_test
