// CTNN_EXPECT: CTNN_NO_INPUT_SHAPE
// CTNN_MAX_ERRORS: 1
// A model must know its input width: the first layer is an Input<...> or a
// Dense stating Keras' input_dim. A bare Dense<256> first is rejected with
// ctnn's message.
// Near twin (CTNN_FAIL undefined): Dense<256, Linear, 784> states it.
#include <ctnn/ctnn.hpp>

#ifdef CTNN_FAIL
using Model = ctnn::Sequential<ctnn::Dense<256>, ctnn::ReLU, ctnn::Dense<10>, ctnn::Softmax>;
#else
using Model = ctnn::Sequential<ctnn::Dense<256, ctnn::Linear, 784>, ctnn::ReLU, ctnn::Dense<10>, ctnn::Softmax>;
#endif

static_assert(Model::num_layers == 4);
