// CTNN_EXPECT: at_layer<0>, ctnn::expected<ctnn::Shape<784> ?>, ctnn::got<ctnn::Shape<2, 392> ?>
// CTNN_MAX_ERRORS: 1
// Data of the input's size but another shape is a mismatch too: rows of 2 x 392
// features for an Input<784> model is a compile error at the input (layer 0),
// naming both shapes. Only the input shape itself, or flat data for a shaped
// Input, is accepted.
// Near twin (CTNN_FAIL undefined): flat rows of 784 for an Input<28, 28> +
// Flatten model compile.
#include <ctnn/ctnn.hpp>

#ifdef CTNN_FAIL
using Model = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<10>, ctnn::Softmax>;
using X = ctnn::Tensor<float, 2, 392>;
#else
using Model = ctnn::Sequential<ctnn::Input<28, 28>, ctnn::Flatten, ctnn::Dense<10>, ctnn::Softmax>;
using X = ctnn::Tensor<float, 784>;
#endif

ctnn::History train(Model& model, const X& x, const ctnn::Tensor<float, 10>& y) {
    model.compile(ctnn::categorical_crossentropy, "adam", {"accuracy"});
    return model.fit(x, y, {.epochs = 1, .batch_size = 128});
}
