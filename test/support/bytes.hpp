#pragma once
// ctnn_test::Bytes — the byte buffer tests build binary files in —,
// put_be32, which appends a 32-bit word big-endian (the IDX header order), and
// compressible_noise(n): n deterministic bytes that compress somewhat, but not
// to nothing (gzip inputs whose compressed size a test depends on).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ctnn_test {

using Bytes = std::vector<std::uint8_t>;

inline void put_be32(Bytes& b, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

inline Bytes compressible_noise(std::size_t n) {
    Bytes b(n);
    std::uint32_t x = 12345;
    for (auto& v : b) {
        x = x * 1103515245u + 12345u;  // an LCG's top bits, 16 values: about 4 bits a byte
        v = static_cast<std::uint8_t>((x >> 24) & 0x0F);
    }
    return b;
}

}  // namespace ctnn_test
