#pragma once
// The model of Listing 1.3.2 as one type, shared by the programs that must
// agree on it: mlp_mnist trains it (and saves it with --save), classify_digit
// loads those weights. A weight file records the architecture, so a program
// with another type gets a clear error, not garbage.
#include "ctnn/ctnn.hpp"

namespace examples {

using ListingMlp = ctnn::Sequential<ctnn::Input<784>,
                                    ctnn::Dense<256>, ctnn::ReLU, ctnn::Dropout,
                                    ctnn::Dense<256>, ctnn::ReLU, ctnn::Dropout,
                                    ctnn::Dense<10>, ctnn::Softmax>;
static_assert(ListingMlp::param_count == 269'322);

}  // namespace examples
