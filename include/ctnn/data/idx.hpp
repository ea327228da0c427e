#pragma once
// ctnn::idx — reader for the IDX format of MNIST and Fashion-MNIST.
//
// Contract: parse_images<Rows, Cols>(bytes, name) accepts an unsigned-byte IDX
// image file (big-endian magic 0x00000803: two zero bytes, type 0x08, 3
// dimensions [count, Rows, Cols]); parse_labels(bytes, name, num_classes)
// accepts a label file (magic 0x00000801, 1 dimension [count]) whose every
// label is < num_classes. `name` is what messages call the buffer.
// read_images / read_labels do the same on a file, raw or gzipped.
// Guarantees: the header is checked — magic, element type, rank, the extents
// against Rows x Cols, and that the byte count is exactly header plus data —
// using overflow-checked arithmetic *before* anything is allocated from the
// header's counts, so a hostile header cannot make us allocate or read past
// the buffer. Every violation is a ctnn::DataError naming the file and the
// problem; the result is a Tensor with one row per image (or label).
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ctnn/core/tensor.hpp"
#include "ctnn/data/data_error.hpp"
#include "ctnn/data/gzip.hpp"

namespace ctnn::idx {

inline constexpr std::uint32_t images_magic = 0x00000803;  // ubyte, 3 dimensions
inline constexpr std::uint32_t labels_magic = 0x00000801;  // ubyte, 1 dimension

namespace detail {

inline std::uint32_t read_be32(const std::uint8_t* p) noexcept {
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | std::uint32_t{p[3]};
}

inline std::string hex32(std::uint32_t v) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string s = "0x00000000";
    for (int i = 9; i >= 2; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 0xF];
    return s;
}

inline std::string hex8(std::uint8_t v) { return hex32(v).replace(2, 6, ""); }

inline std::string_view type_name(std::uint8_t type) noexcept {
    switch (type) {
        case 0x08: return "unsigned byte";
        case 0x09: return "signed byte";
        case 0x0B: return "short";
        case 0x0C: return "int";
        case 0x0D: return "float";
        case 0x0E: return "double";
        default: return "not an IDX type";
    }
}

inline std::string counted(std::size_t n, std::string_view noun) {
    return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

// a * b, or nullopt if it does not fit in size_t.
inline std::optional<std::size_t> checked_mul(std::size_t a, std::size_t b) noexcept {
    if (a != 0 && b > SIZE_MAX / a) return std::nullopt;
    return a * b;
}

// Checks the magic of a ubyte file of `rank` dimensions and that its whole
// header is present. Not a template: one copy of the messages for both ranks.
inline void check_header(std::span<const std::uint8_t> bytes, std::string_view name, std::size_t rank) {
    const std::uint32_t expected = 0x00000800u | static_cast<std::uint32_t>(rank);
    const std::string expectation = "expected " + hex32(expected) + " (IDX ubyte, " + counted(rank, "dimension") + ")";
    if (bytes.size() < 4)
        throw DataError(name, "truncated: the file has " + counted(bytes.size(), "byte") +
                                  ", too few for the 4-byte IDX magic (" + expectation + ")");
    const std::uint32_t magic = read_be32(bytes.data());
    if (magic != expected) {
        std::string why = "bad magic " + hex32(magic) + ", " + expectation;
        if (ctnn::is_gzip(bytes))
            why += "; the data is gzip-compressed and was not inflated";
        else if (bytes[0] != 0 || bytes[1] != 0)
            why += "; this is not an IDX file";
        else if (bytes[2] != 0x08)
            why += "; element type " + hex8(bytes[2]) + " (" + std::string(type_name(bytes[2])) +
                   ") is not supported, only 0x08 (unsigned byte)";
        else if (bytes[3] == 1)
            why += "; it has 1 dimension, like a label file";
        else if (bytes[3] == 3)
            why += "; it has 3 dimensions, like an image file";
        else
            why += "; it has " + counted(bytes[3], "dimension");
        throw DataError(name, why);
    }
    const std::size_t header_size = 4 + 4 * rank;
    if (bytes.size() < header_size)
        throw DataError(name, "truncated: the IDX header needs " + counted(header_size, "byte") + " but the file has " +
                                  counted(bytes.size(), "byte"));
}

// Checks the magic and that the whole header is present; returns the
// dimensions. Rank is what the caller expects (1 for labels, 3 for images).
template <std::size_t Rank>
std::array<std::uint32_t, Rank> read_header(std::span<const std::uint8_t> bytes, std::string_view name) {
    check_header(bytes, name, Rank);
    std::array<std::uint32_t, Rank> dims{};
    for (std::size_t i = 0; i < Rank; ++i) dims[i] = read_be32(bytes.data() + 4 + 4 * i);
    return dims;
}

// Checks that the buffer is exactly `header + count * item` bytes; `what`
// describes the payload for the message ("60000 images of 28x28").
inline std::size_t check_length(std::span<const std::uint8_t> bytes, std::string_view name, std::size_t header,
                                std::size_t count, std::size_t item, const std::string& what) {
    const auto data = checked_mul(count, item);
    if (!data || *data > SIZE_MAX - header)
        throw DataError(name, "header says " + what + ", more bytes than this machine can address");
    const std::size_t expected = header + *data;
    if (bytes.size() < expected)
        throw DataError(name, "truncated: header says " + what + " (" + counted(expected, "byte") +
                                  ") but the file has " + counted(bytes.size(), "byte"));
    if (bytes.size() > expected)
        throw DataError(name, "trailing data: header says " + what + " (" + counted(expected, "byte") +
                                  ") but the file has " + counted(bytes.size(), "byte") + ", " +
                                  std::to_string(bytes.size() - expected) + " more");
    return *data;
}

}  // namespace detail

// Images of Rows x Cols from IDX bytes; see the contract above.
template <std::size_t Rows, std::size_t Cols>
    requires(Rows > 0 && Cols > 0)
Tensor<std::uint8_t, Rows, Cols> parse_images(std::span<const std::uint8_t> bytes, std::string_view name) {
    const auto [count, rows, cols] = detail::read_header<3>(bytes, name);
    if (rows != Rows || cols != Cols)
        throw DataError(name, "images are " + std::to_string(rows) + "x" + std::to_string(cols) + ", expected " +
                                  std::to_string(Rows) + "x" + std::to_string(Cols));
    static_assert(Rows <= SIZE_MAX / Cols, "ctnn::idx::parse_images: Rows x Cols overflows size_t");
    const std::size_t size = detail::check_length(
        bytes, name, 16, count, Rows * Cols,
        detail::counted(count, "image") + " of " + std::to_string(Rows) + "x" + std::to_string(Cols));
    // Only now, with the length proven, is the header's count trusted.
    return Tensor<std::uint8_t, Rows, Cols>(count, bytes.subspan(16, size));
}

// Labels, each < num_classes, from IDX bytes; see the contract above.
inline Tensor<std::uint8_t> parse_labels(std::span<const std::uint8_t> bytes, std::string_view name,
                                         std::size_t num_classes = 10) {
    if (num_classes == 0) throw std::invalid_argument("ctnn::idx::parse_labels: num_classes must be at least 1");
    const auto [count] = detail::read_header<1>(bytes, name);
    const std::size_t size = detail::check_length(bytes, name, 8, count, 1, detail::counted(count, "label"));
    const auto labels = bytes.subspan(8, size);
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] >= num_classes)
            throw DataError(name, "label " + std::to_string(labels[i]) + " at index " + std::to_string(i) +
                                      " is out of range 0.." + std::to_string(num_classes - 1));
    return Tensor<std::uint8_t>(count, labels);
}

// parse_images on the file at `path`, raw or gzipped.
template <std::size_t Rows, std::size_t Cols>
    requires(Rows > 0 && Cols > 0)
Tensor<std::uint8_t, Rows, Cols> read_images(const std::filesystem::path& path,
                                             std::size_t max_bytes = default_max_file_bytes) {
    return parse_images<Rows, Cols>(read_file_bytes(path, max_bytes), path.string());
}

// parse_labels on the file at `path`, raw or gzipped.
inline Tensor<std::uint8_t> read_labels(const std::filesystem::path& path, std::size_t num_classes = 10,
                                        std::size_t max_bytes = default_max_file_bytes) {
    return parse_labels(read_file_bytes(path, max_bytes), path.string(), num_classes);
}

}  // namespace ctnn::idx
