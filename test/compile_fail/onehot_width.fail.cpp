// CTNN_EXPECT: at_layer<8>, ctnn::expected<ctnn::Shape<10> ?>, ctnn::got<ctnn::Shape<9> ?>
// CTNN_MAX_ERRORS: 1
// Labels handed to fit() must have the model's output width: one-hot rows of
// 9 for the 10-unit output of Listing 1.3.2 is a compile error at the last
// layer (position 8, the Softmax), naming both shapes.
// Near twin (CTNN_FAIL undefined): rows of 10 compile.
#include <ctnn/ctnn.hpp>

using Model = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<256>, ctnn::ReLU, ctnn::Dropout, ctnn::Dense<256>,
                               ctnn::ReLU, ctnn::Dropout, ctnn::Dense<10>, ctnn::Softmax>;

#ifdef CTNN_FAIL
using Y = ctnn::Tensor<float, 9>;
#else
using Y = ctnn::Tensor<float, 10>;
#endif

ctnn::History train(Model& model, const ctnn::Tensor<float, 784>& x, const Y& y) {
    model.compile(ctnn::categorical_crossentropy, "adam", {"accuracy"});
    return model.fit(x, y, {.epochs = 1, .batch_size = 128});
}
