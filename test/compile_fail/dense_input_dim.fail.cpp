// CTNN_EXPECT: at_layer<2>, ctnn::expected<ctnn::Shape<200> ?>, ctnn::got<ctnn::Shape<256> ?>
// CTNN_MAX_ERRORS: 1
// A Dense that states its input width (Keras' input_dim) is checked against
// the width the previous layer produces: layer 2 declares 200 inputs but the
// Dense<256> before it gives 256. The error names the position and both
// shapes (GCC prints `Shape<200> >`, Clang `Shape<200>>`).
// Near twin (CTNN_FAIL undefined): input_dim 256 matches and compiles.
#include <ctnn/ctnn.hpp>

#ifdef CTNN_FAIL
using Model = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<256>, ctnn::Dense<10, ctnn::Linear, 200>>;
#else
using Model = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<256>, ctnn::Dense<10, ctnn::Linear, 256>>;
static_assert(Model::param_count == 784 * 256 + 256 + 256 * 10 + 10);
#endif

static_assert(Model::num_layers == 3);
