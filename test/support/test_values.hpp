#pragma once
// ctnn_test::values(n, seed) — n deterministic floats in [-1, 1) from a fixed
// linear congruential sequence (no random_device), for kernel operands — and
// strided_values(rows, cols, rs, cs, seed): a rows x cols operand laid out
// with strides, A(r, c) = storage[r * rs + c * cs], as the kernels take A.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ctnn_test {

inline std::vector<float> values(std::size_t n, std::uint32_t seed) {
    std::vector<float> v(n);
    std::uint32_t s = seed * 2654435761u + 12345u;
    for (auto& x : v) {
        s = s * 1664525u + 1013904223u;
        x = float(s >> 8) / float(1u << 23) - 1.0f;
    }
    return v;
}

struct StridedOperand {
    std::vector<float> storage;
    std::size_t rs, cs;
    float at(std::size_t r, std::size_t c) const { return storage[r * rs + c * cs]; }
};

// Storage covers every element (at least one float, so data() is never null).
inline StridedOperand strided_values(std::size_t rows, std::size_t cols, std::size_t rs, std::size_t cs,
                                     std::uint32_t seed) {
    const std::size_t n = rows == 0 || cols == 0 ? 1 : (rows - 1) * rs + (cols - 1) * cs + 1;
    return {values(n, seed), rs, cs};
}

}  // namespace ctnn_test
