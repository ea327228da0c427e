#pragma once
// ctnn_test::with_crc(bytes) — a ctnn weight file's bytes with the trailing
// crc32 (the last 4 bytes, little-endian, over everything before them)
// recomputed: the file another writer of that content would have made (a
// different format version, a big-endian byte-order mark, another dtype).
#include <zlib.h>

#include <cstddef>
#include <string>

namespace ctnn_test {

inline std::string with_crc(std::string bytes) {
    const uLong crc = ::crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size() - 4));
    for (int i = 0; i < 4; ++i)
        bytes[bytes.size() - 4 + static_cast<std::size_t>(i)] = static_cast<char>((crc >> (8 * i)) & 0xffu);
    return bytes;
}

}  // namespace ctnn_test
