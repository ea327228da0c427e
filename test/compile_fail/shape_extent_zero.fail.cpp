// CTNN_EXPECT: every extent must be greater than zero
// CTNN_MAX_ERRORS: 1
// A Shape with a zero extent is rejected at compile time, with ctnn's message
// as the only error (so the check below does not test the size again).
// Near twin (CTNN_FAIL undefined): the same code with a valid extent compiles.
#include <ctnn/core/shape.hpp>

#ifdef CTNN_FAIL
using shape = ctnn::Shape<0>;
#else
using shape = ctnn::Shape<3>;
#endif

static_assert(shape::rank == 1);  // instantiates the Shape
