// CTNN_EXPECT: every extent must be greater than zero
// A Shape with a zero extent is rejected at compile time, with ctnn's message.
// Near twin (CTNN_FAIL undefined): the same code with a valid extent compiles.
#include <ctnn/core/shape.hpp>

#ifdef CTNN_FAIL
using shape = ctnn::Shape<0>;
#else
using shape = ctnn::Shape<3>;
#endif

static_assert(shape::size > 0);
