#pragma once
// ctnn threading — one knob for every OpenMP loop in the library.
//
// Contract: the thread count follows OMP_NUM_THREADS unless set_num_threads
// is called; num_threads() reports what parallel regions will use. Builds
// without OpenMP run serially and report 1.
#ifdef _OPENMP
#include <omp.h>
#endif

namespace ctnn {

inline void set_num_threads(int n) noexcept {
#ifdef _OPENMP
    omp_set_num_threads(n > 0 ? n : 1);
#else
    (void)n;
#endif
}

inline int num_threads() noexcept {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

}  // namespace ctnn
