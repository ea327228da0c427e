#pragma once
// ctnn_test::values(n, seed) — n deterministic floats in [-1, 1) from a fixed
// linear congruential sequence (no random_device), for kernel operands.
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

}  // namespace ctnn_test
