#pragma once
// Small IDX files built in memory: idx_header (magic, then each dimension,
// big-endian), idx_images (an image file whose pixel i is pixel(i)) and
// idx_labels (a label file). Byte 0x08 in the magic is "unsigned byte", the
// last byte the number of dimensions: 0x00000803 images, 0x00000801 labels.
#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "bytes.hpp"

namespace ctnn_test {

inline constexpr std::uint32_t idx_images_magic = 0x00000803;
inline constexpr std::uint32_t idx_labels_magic = 0x00000801;

inline Bytes idx_header(std::uint32_t magic, std::initializer_list<std::uint32_t> dims) {
    Bytes b;
    put_be32(b, magic);
    for (const std::uint32_t d : dims) put_be32(b, d);
    return b;
}

// `count` images of rows x cols; pixel(i), i counting over all images, gives byte i.
template <class Pixel>
Bytes idx_images(std::uint32_t count, std::uint32_t rows, std::uint32_t cols, Pixel pixel) {
    Bytes b = idx_header(idx_images_magic, {count, rows, cols});
    const std::size_t n = std::size_t{count} * rows * cols;
    for (std::size_t i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(pixel(i)));
    return b;
}

inline Bytes idx_labels(const Bytes& labels, std::uint32_t magic = idx_labels_magic) {
    Bytes b = idx_header(magic, {static_cast<std::uint32_t>(labels.size())});
    b.insert(b.end(), labels.begin(), labels.end());
    return b;
}

}  // namespace ctnn_test
