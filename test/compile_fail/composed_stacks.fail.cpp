// CTNN_EXPECT: at_layer<3>, ctnn::expected<ctnn::Shape<300> ?>, ctnn::got<ctnn::Shape<256> ?>
// CTNN_MAX_ERRORS: 1
// A nested stack that starts with its own Input keeps it as a shape check
// where the stacks join: Block expects 300 features but is composed after a
// 256-wide layer. Positions count the flattened layers: 0 Input<784>,
// 1 Dense<256>, 2 ReLU, 3 the Block's Input<300>.
// Near twin (CTNN_FAIL undefined): the Block's Input<256> fits and compiles.
#include <ctnn/ctnn.hpp>

#ifdef CTNN_FAIL
using Block = ctnn::Sequential<ctnn::Input<300>, ctnn::Dense<128>, ctnn::ReLU>;
#else
using Block = ctnn::Sequential<ctnn::Input<256>, ctnn::Dense<128>, ctnn::ReLU>;
#endif

using Model = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<256>, ctnn::ReLU, Block, ctnn::Dense<10>, ctnn::Softmax>;

static_assert(Model::num_layers == 8);  // the Block's 3 layers are spliced in
#ifndef CTNN_FAIL
static_assert(Model::param_count == 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
#endif
