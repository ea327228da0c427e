#define BOOST_TEST_MODULE idx
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>

#include "ctnn/data/idx.hpp"
#include "support/bytes.hpp"
#include "support/error_message.hpp"
#include "support/files.hpp"
#include "support/idx_files.hpp"
#include "support/temp_dir.hpp"

// Global operator new replaced to record the largest single allocation, so a
// test can prove that a header demanding gigabytes is rejected *without*
// allocating them (bad_alloc would be the wrong failure, and overcommit could
// hide it entirely). noinline keeps GCC from pairing the inlined free() with
// the caller's `new` and warning (-Wmismatched-new-delete) about a correct pair.
namespace {
std::atomic<std::size_t> largest_allocation{0};

void note_allocation(std::size_t n) noexcept {
    std::size_t seen = largest_allocation.load(std::memory_order_relaxed);
    while (n > seen && !largest_allocation.compare_exchange_weak(seen, n, std::memory_order_relaxed)) {
    }
}
}  // namespace

[[gnu::noinline]] void* operator new(std::size_t n) {
    note_allocation(n);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new(std::size_t n, std::align_val_t al) {
    note_allocation(n);
    const auto a = static_cast<std::size_t>(al);
    if (void* p = std::aligned_alloc(a, (n + a - 1) / a * a + (n == 0 ? a : 0))) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

using namespace ctnn_test;

// An IDX image file: header for `count` images of rows x cols, then `pixels`
// bytes of a recognisable pattern (pixels defaults to what the header says).
Bytes image_file(std::uint32_t count, std::uint32_t rows, std::uint32_t cols, std::size_t pixels = SIZE_MAX,
                 std::uint32_t magic = idx_images_magic) {
    Bytes b = idx_header(magic, {count, rows, cols});
    if (pixels == SIZE_MAX) pixels = std::size_t{count} * rows * cols;
    for (std::size_t i = 0; i < pixels; ++i) b.push_back(static_cast<std::uint8_t>(i * 7 + 3));
    return b;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(idx)

BOOST_AUTO_TEST_CASE(parses_images_row_major) {
    const Bytes file = image_file(3, 2, 4);
    const auto x = ctnn::idx::parse_images<2, 4>(file, "mem");
    BOOST_TEST(x.rows() == 3u);
    BOOST_TEST(x.size() == 24u);
    for (std::size_t i = 0; i < x.size(); ++i) BOOST_TEST(x[i] == file[16 + i]);
    BOOST_TEST(x(1, 0) == file[16 + 8]);
}

BOOST_AUTO_TEST_CASE(parses_labels) {
    const auto y = ctnn::idx::parse_labels(idx_labels({5, 0, 4, 1, 9}), "mem");
    BOOST_TEST(y.rows() == 5u);
    BOOST_TEST(y[0] == 5);
    BOOST_TEST(y[4] == 9);
}

BOOST_AUTO_TEST_CASE(zero_items_is_a_valid_file) {
    const auto none = ctnn::idx::parse_images<28, 28>(image_file(0, 28, 28), "mem");
    BOOST_TEST(none.rows() == 0u);
    BOOST_TEST(ctnn::idx::parse_labels(idx_labels({}), "mem").rows() == 0u);
}

BOOST_AUTO_TEST_CASE(label_file_given_as_images_is_bad_magic) {
    BOOST_TEST(data_error_of([] { ctnn::idx::parse_images<28, 28>(idx_labels({1, 2}), "f"); }) ==
               "f: bad magic 0x00000801, expected 0x00000803 (IDX ubyte, 3 dimensions); it has 1 dimension, "
               "like a label file");
    BOOST_TEST(data_error_of([] { ctnn::idx::parse_labels(image_file(1, 28, 28), "f"); }) ==
               "f: bad magic 0x00000803, expected 0x00000801 (IDX ubyte, 1 dimension); it has 3 dimensions, "
               "like an image file");
}

BOOST_AUTO_TEST_CASE(wrong_rank_is_bad_magic) {
    BOOST_TEST(data_error_of([] { ctnn::idx::parse_images<28, 28>(image_file(1, 28, 28, 784, 0x00000804), "f"); }) ==
               "f: bad magic 0x00000804, expected 0x00000803 (IDX ubyte, 3 dimensions); it has 4 dimensions");
}

BOOST_AUTO_TEST_CASE(wrong_type_byte_names_the_type) {
    BOOST_TEST(data_error_of([] { ctnn::idx::parse_images<28, 28>(image_file(1, 28, 28, 784, 0x00000D03), "f"); }) ==
               "f: bad magic 0x00000D03, expected 0x00000803 (IDX ubyte, 3 dimensions); element type 0x0D (float) "
               "is not supported, only 0x08 (unsigned byte)");
    BOOST_TEST(data_error_of([] { ctnn::idx::parse_labels(idx_labels({1}, 0x00000C01), "f"); }).find(
                   "element type 0x0C (int) is not supported") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(not_idx_at_all) {
    const Bytes text = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!', '!', '!', '!', '!'};
    BOOST_TEST(data_error_of([&] { ctnn::idx::parse_images<28, 28>(text, "f"); }) ==
               "f: bad magic 0x68656C6C, expected 0x00000803 (IDX ubyte, 3 dimensions); this is not an IDX file");
    const Bytes gz = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0};
    BOOST_TEST(data_error_of([&] { ctnn::idx::parse_labels(gz, "f.gz"); }) ==
               "f.gz: bad magic 0x1F8B0800, expected 0x00000801 (IDX ubyte, 1 dimension); the data is "
               "gzip-compressed and was not inflated");
}

BOOST_AUTO_TEST_CASE(too_short_for_magic_or_header) {
    BOOST_TEST(data_error_of([] { ctnn::idx::parse_images<28, 28>(Bytes{}, "f"); }) ==
               "f: truncated: the file has 0 bytes, too few for the 4-byte IDX magic (expected 0x00000803 (IDX "
               "ubyte, 3 dimensions))");
    BOOST_TEST(data_error_of([] { ctnn::idx::parse_images<28, 28>(Bytes{0, 0, 8, 3, 0, 0, 0, 1, 0, 0}, "f"); }) ==
               "f: truncated: the IDX header needs 16 bytes but the file has 10 bytes");
    BOOST_TEST(data_error_of([] { ctnn::idx::parse_labels(Bytes{0, 0, 8, 1, 0, 0}, "f"); }) ==
               "f: truncated: the IDX header needs 8 bytes but the file has 6 bytes");
}

BOOST_AUTO_TEST_CASE(wrong_image_extents) {
    BOOST_TEST(data_error_of([] { ctnn::idx::parse_images<28, 28>(image_file(2, 32, 32), "f"); }) ==
               "f: images are 32x32, expected 28x28");
    BOOST_TEST(data_error_of([] { ctnn::idx::parse_images<28, 28>(image_file(2, 28, 27), "f"); }) ==
               "f: images are 28x27, expected 28x28");
}

BOOST_AUTO_TEST_CASE(truncated_data) {
    BOOST_TEST(data_error_of([] { ctnn::idx::parse_images<28, 28>(image_file(60000, 28, 28, 1000 - 16), "f"); }) ==
               "f: truncated: header says 60000 images of 28x28 (47040016 bytes) but the file has 1000 bytes");
    Bytes labels = idx_labels({1, 2, 3});
    labels.pop_back();
    BOOST_TEST(data_error_of([&] { ctnn::idx::parse_labels(labels, "f"); }) ==
               "f: truncated: header says 3 labels (11 bytes) but the file has 10 bytes");
}

BOOST_AUTO_TEST_CASE(trailing_garbage) {
    BOOST_TEST(data_error_of([] { ctnn::idx::parse_images<2, 2>(image_file(1, 2, 2, 6), "f"); }) ==
               "f: trailing data: header says 1 image of 2x2 (20 bytes) but the file has 22 bytes, 2 more");
    Bytes labels = idx_labels({1});
    labels.push_back(0);
    BOOST_TEST(data_error_of([&] { ctnn::idx::parse_labels(labels, "f"); }) ==
               "f: trailing data: header says 1 label (9 bytes) but the file has 10 bytes, 1 more");
}

BOOST_AUTO_TEST_CASE(label_out_of_range_names_index_and_value) {
    BOOST_TEST(data_error_of([] { ctnn::idx::parse_labels(idx_labels({0, 1, 2, 3, 4, 11, 12}), "f"); }) ==
               "f: label 11 at index 5 is out of range 0..9");
    BOOST_TEST(data_error_of([] { ctnn::idx::parse_labels(idx_labels({0, 4, 5}), "f", 5); }) ==
               "f: label 5 at index 2 is out of range 0..4");
    BOOST_TEST(ctnn::idx::parse_labels(idx_labels({255}), "f", 256).rows() == 1u);
    BOOST_CHECK_THROW(ctnn::idx::parse_labels(idx_labels({0}), "f", 0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(huge_header_counts_are_rejected_without_allocating) {
    // 4294967295 images of 28x28 is 3.4 TB; the 16-byte buffer proves it false.
    const Bytes file = image_file(0xFFFFFFFFu, 28, 28, 0);
    largest_allocation = 0;
    const std::string msg = data_error_of([&] { ctnn::idx::parse_images<28, 28>(file, "f"); });
    BOOST_TEST(msg ==
               "f: truncated: header says 4294967295 images of 28x28 (3367254359296 bytes) but the file has 16 bytes");
    BOOST_TEST(largest_allocation.load() < 4096u);

    const Bytes labels = idx_header(idx_labels_magic, {0xFFFFFFFFu});
    largest_allocation = 0;
    BOOST_TEST(data_error_of([&] { ctnn::idx::parse_labels(labels, "f"); }) ==
               "f: truncated: header says 4294967295 labels (4294967303 bytes) but the file has 8 bytes");
    BOOST_TEST(largest_allocation.load() < 4096u);
}

BOOST_AUTO_TEST_CASE(header_counts_that_overflow_size_t) {
    // 2^20 x 2^20 pixels per image times 2^32-1 images does not fit in 64 bits.
    constexpr std::size_t side = std::size_t{1} << 20;
    const Bytes file = image_file(0xFFFFFFFFu, side, side, 0);
    largest_allocation = 0;
    BOOST_TEST(data_error_of([&] { ctnn::idx::parse_images<side, side>(file, "f"); }) ==
               "f: header says 4294967295 images of 1048576x1048576, more bytes than this machine can address");
    BOOST_TEST(largest_allocation.load() < 4096u);
}

BOOST_AUTO_TEST_CASE(every_truncation_and_byte_flip_is_a_clean_error) {
    // A miniature fuzzer: no prefix or single-byte corruption may crash or
    // escape as anything but DataError (a flipped pixel is still a valid file).
    const Bytes good = image_file(2, 3, 3);
    for (std::size_t n = 0; n < good.size(); ++n) {
        const Bytes cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
        BOOST_TEST(!data_error_of([&] { ctnn::idx::parse_images<3, 3>(cut, "f"); }).empty());
    }
    for (std::size_t i = 0; i < good.size(); ++i)
        for (int bit = 0; bit < 8; ++bit) {
            Bytes bad = good;
            bad[i] = static_cast<std::uint8_t>(bad[i] ^ (1u << bit));
            try {
                const auto x = ctnn::idx::parse_images<3, 3>(bad, "f");
                BOOST_TEST(i >= 16u);  // only pixel bytes may change without an error
                BOOST_TEST(x.rows() == 2u);
            } catch (const ctnn::DataError&) {
                BOOST_TEST(i < 16u);
            }
        }
}

BOOST_AUTO_TEST_CASE(reads_files_and_names_them_in_errors) {
    const TempDir tmp;
    const auto images = write_bytes(tmp.path / "mnist/train-images-idx3-ubyte", image_file(4, 28, 28));
    const auto labels = write_bytes(tmp.path / "mnist/train-labels-idx1-ubyte", idx_labels({7, 2, 1, 0}));
    const auto x = ctnn::idx::read_images<28, 28>(images);
    BOOST_TEST(x.rows() == 4u);
    BOOST_TEST(x[783] == static_cast<std::uint8_t>(783 * 7 + 3));
    BOOST_TEST(ctnn::idx::read_labels(labels)[0] == 7);

    const auto bad = write_bytes(tmp.path / "mnist/bad-labels-idx1-ubyte", idx_labels({0, 1, 2, 3, 4, 11}));
    BOOST_TEST(data_error_of([&] { ctnn::idx::read_labels(bad); }) ==
               bad.string() + ": label 11 at index 5 is out of range 0..9");
    const auto missing = tmp.path / "mnist/nope-idx3-ubyte";
    BOOST_TEST(data_error_of([&] { ctnn::idx::read_images<28, 28>(missing); }) ==
               missing.string() + ": cannot open: No such file or directory");
}

BOOST_AUTO_TEST_SUITE_END()
