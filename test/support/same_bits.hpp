#pragma once
// ctnn_test::same_bits(a, b) — two float sequences have the same length and
// are identical bit for bit (so -0 differs from 0, and a NaN equals itself).
#include <cstring>
#include <span>

namespace ctnn_test {

inline bool same_bits(std::span<const float> a, std::span<const float> b) {
    // memcmp on empty ranges could be given null pointers (UB even for size 0).
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size_bytes()) == 0);
}

}  // namespace ctnn_test
