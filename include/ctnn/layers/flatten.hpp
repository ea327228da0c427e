#pragma once
// ctnn::Flatten — reshapes each sample to one axis (Keras' Flatten).
//
// Contract: accepts any sample shape, outputs Shape<size>; no parameters and
// no arithmetic: rows are already contiguous, so it is a view.
namespace ctnn {

struct Flatten {};

}  // namespace ctnn
