// CTNN_EXPECT: at_layer<1>, ctnn::expected<ctnn::Shape<784> ?>, ctnn::got<ctnn::Shape<28, 28> ?>
// CTNN_MAX_ERRORS: 1
// Dense takes one axis: 28x28 images need a Flatten first. The error shows
// the flattened shape Dense expects (784) next to the one it got (28, 28).
// Near twin (CTNN_FAIL undefined): with the Flatten it compiles.
#include <ctnn/ctnn.hpp>

#ifdef CTNN_FAIL
using Model = ctnn::Sequential<ctnn::Input<28, 28>, ctnn::Dense<256>, ctnn::ReLU, ctnn::Dense<10>, ctnn::Softmax>;
#else
using Model = ctnn::Sequential<ctnn::Input<28, 28>, ctnn::Flatten, ctnn::Dense<256>, ctnn::ReLU, ctnn::Dense<10>,
                               ctnn::Softmax>;
#endif

static_assert(Model::param_count == 784 * 256 + 256 + 256 * 10 + 10);
