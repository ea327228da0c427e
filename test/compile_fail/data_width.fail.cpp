// CTNN_EXPECT: at_layer<0>, ctnn::expected<ctnn::Shape<784> ?>, ctnn::got<ctnn::Shape<700> ?>
// CTNN_MAX_ERRORS: 1
// Data handed to fit() must have the model's input width: x rows of 700
// features for an Input<784> model is a compile error at the input (layer 0),
// naming both shapes.
// Near twin (CTNN_FAIL undefined): x rows of 784 features compile.
#include <ctnn/ctnn.hpp>

using Model = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<256>, ctnn::ReLU, ctnn::Dropout, ctnn::Dense<10>,
                               ctnn::Softmax>;

#ifdef CTNN_FAIL
using X = ctnn::Tensor<float, 700>;
#else
using X = ctnn::Tensor<float, 784>;
#endif

ctnn::History train(Model& model, const X& x, const ctnn::Tensor<float, 10>& y) {
    model.compile(ctnn::categorical_crossentropy, "adam", {"accuracy"});
    return model.fit(x, y, {.epochs = 1, .batch_size = 128});
}
