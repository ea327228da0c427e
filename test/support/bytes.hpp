#pragma once
// ctnn_test::Bytes — the byte buffer tests build binary files in — and
// put_be32, which appends a 32-bit word big-endian (the IDX header order).
#include <cstdint>
#include <vector>

namespace ctnn_test {

using Bytes = std::vector<std::uint8_t>;

inline void put_be32(Bytes& b, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

}  // namespace ctnn_test
