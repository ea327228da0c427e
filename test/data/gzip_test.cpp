#define BOOST_TEST_MODULE gzip
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

#include "ctnn/data/gzip.hpp"
#include "ctnn/data/idx.hpp"
#include "support/bytes.hpp"
#include "support/error_message.hpp"
#include "support/files.hpp"
#include "support/gzip_file.hpp"
#include "support/idx_files.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace ctnn_test;

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

BOOST_AUTO_TEST_SUITE(gzip)

BOOST_AUTO_TEST_CASE(default_cap_is_256_mib) { BOOST_TEST(ctnn::default_max_file_bytes == 268435456u); }

BOOST_AUTO_TEST_CASE(raw_file_is_returned_as_is) {
    const TempDir tmp;
    const Bytes data = compressible_noise(100000);
    BOOST_TEST(ctnn::read_file_bytes(write_bytes(tmp.path / "raw", data)) == data);
    BOOST_TEST(ctnn::read_file_bytes(write_bytes(tmp.path / "empty", {})).empty());
}

BOOST_AUTO_TEST_CASE(gzip_file_is_inflated) {
    const TempDir tmp;
    const Bytes data = compressible_noise(3 << 20);  // bigger than the first output buffer guess
    const auto p = write_gz(tmp.path / "data.gz", data);
    BOOST_TEST(std::filesystem::file_size(p) < data.size());
    BOOST_TEST(ctnn::read_file_bytes(p) == data);
    BOOST_TEST(ctnn::read_file_bytes(write_gz(tmp.path / "empty.gz", {})).empty());
}

BOOST_AUTO_TEST_CASE(idx_reader_reads_gzip) {
    const TempDir tmp;
    const auto p = write_gz(tmp.path / "train-labels-idx1-ubyte.gz", idx_labels({5, 0, 4, 1, 9, 2}));
    const auto y = ctnn::idx::read_labels(p);
    BOOST_TEST(y.rows() == 6u);
    BOOST_TEST(y[5] == 2);
    const auto bad = write_gz(tmp.path / "bad-labels-idx1-ubyte.gz", idx_labels({5, 0, 4, 1, 9, 10}));
    BOOST_TEST(data_error_of([&] { ctnn::idx::read_labels(bad); }) ==
               bad.string() + ": label 10 at index 5 is out of range 0..9");
}

BOOST_AUTO_TEST_CASE(concatenated_members_are_all_inflated) {
    const TempDir tmp;
    const Bytes a = compressible_noise(1000), b = {1, 2, 3};
    Bytes both = read_bytes(write_gz(tmp.path / "a.gz", a));
    const Bytes second = read_bytes(write_gz(tmp.path / "b.gz", b));
    both.insert(both.end(), second.begin(), second.end());
    Bytes expected = a;
    expected.insert(expected.end(), b.begin(), b.end());
    BOOST_TEST(ctnn::read_file_bytes(write_bytes(tmp.path / "ab.gz", both)) == expected);
}

BOOST_AUTO_TEST_CASE(missing_file_and_directory) {
    const TempDir tmp;
    const auto missing = tmp.path / "no-such-file";
    BOOST_TEST(data_error_of([&] { ctnn::read_file_bytes(missing); }) ==
               missing.string() + ": cannot open: No such file or directory");
    BOOST_TEST(data_error_of([&] { ctnn::read_file_bytes(tmp.path); }) ==
               tmp.path.string() + ": cannot open: is a directory, expected a file");
}

BOOST_AUTO_TEST_CASE(corrupt_gzip_names_file_and_zlib_message) {
    const TempDir tmp;
    Bytes gz = read_bytes(write_gz(tmp.path / "x.gz", compressible_noise(5000)));
    gz[3] = 0xE0;  // reserved flag bits set: zlib refuses the header
    const auto p = write_bytes(tmp.path / "bad-header.gz", gz);
    BOOST_TEST(data_error_of([&] { ctnn::read_file_bytes(p); }) ==
               p.string() + ": corrupt gzip data: unknown header flags set");

    Bytes body = read_bytes(tmp.path / "x.gz");
    body[body.size() - 6] ^= 0xFF;  // inside the CRC-32 trailer
    const auto q = write_bytes(tmp.path / "bad-crc.gz", body);
    BOOST_TEST(data_error_of([&] { ctnn::read_file_bytes(q); }) ==
               q.string() + ": corrupt gzip data: incorrect data check");

    const auto r =
        write_bytes(tmp.path / "garbage.gz", Bytes{0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF});
    BOOST_TEST(starts_with(data_error_of([&] { ctnn::read_file_bytes(r); }), r.string() + ": corrupt gzip data: "));
}

BOOST_AUTO_TEST_CASE(truncated_gzip) {
    const TempDir tmp;
    Bytes gz = read_bytes(write_gz(tmp.path / "x.gz", compressible_noise(50000)));
    gz.resize(gz.size() / 2);
    const auto p = write_bytes(tmp.path / "half.gz", gz);
    BOOST_TEST(data_error_of([&] { ctnn::read_file_bytes(p); }) ==
               p.string() + ": truncated gzip data: the file ends before the end of the compressed stream");
}

BOOST_AUTO_TEST_CASE(trailing_bytes_after_gzip) {
    const TempDir tmp;
    Bytes gz = read_bytes(write_gz(tmp.path / "x.gz", compressible_noise(500)));
    gz.insert(gz.end(), {'j', 'u', 'n', 'k'});
    const auto p = write_bytes(tmp.path / "junk.gz", gz);
    BOOST_TEST(data_error_of([&] { ctnn::read_file_bytes(p); }) ==
               p.string() + ": 4 bytes of trailing data after the end of the gzip stream");
}

BOOST_AUTO_TEST_CASE(gzip_bomb_is_rejected_at_the_cap) {
    const TempDir tmp;
    // 64 MiB of zeros in about 64 KiB of gzip.
    const auto p = write_gz(tmp.path / "bomb.gz", Bytes(1 << 20, 0), 64);
    BOOST_TEST(std::filesystem::file_size(p) < (256u << 10));
    BOOST_TEST(data_error_of([&] { ctnn::read_file_bytes(p, 1 << 20); }) ==
               p.string() +
                   ": gzip data inflates to more than the limit of 1048576 bytes (1 MiB); pass a larger "
                   "max_bytes if the file is genuine");
    BOOST_TEST(ctnn::read_file_bytes(p, 64 << 20).size() == std::size_t{64} << 20);  // exactly at the cap is fine
    BOOST_TEST(!data_error_of([&] { ctnn::read_file_bytes(p, (64 << 20) - 1); }).empty());
}

BOOST_AUTO_TEST_CASE(raw_file_over_the_cap) {
    const TempDir tmp;
    const auto p = write_bytes(tmp.path / "big", compressible_noise(5000));
    BOOST_TEST(ctnn::read_file_bytes(p, 5000).size() == 5000u);
    BOOST_TEST(data_error_of([&] { ctnn::read_file_bytes(p, 4999); }) ==
               p.string() + ": file is larger than the limit of 4999 bytes; pass a larger max_bytes if the file "
                            "is genuine");
}

BOOST_AUTO_TEST_CASE(gunzip_of_non_gzip_bytes) {
    BOOST_TEST(data_error_of([] { ctnn::gunzip(Bytes{1, 2, 3}, "mem"); }) ==
               "mem: not gzip data (it does not start with 1f 8b)");
}

BOOST_AUTO_TEST_CASE(every_truncation_and_byte_flip_is_a_clean_error) {
    // A miniature fuzzer: whatever we do to a small gzip stream, the result is
    // the original bytes or a DataError — never a crash, never other output.
    const TempDir tmp;
    const Bytes data = compressible_noise(300);
    const Bytes good = read_bytes(write_gz(tmp.path / "x.gz", data));
    std::size_t errors = 0;
    for (std::size_t n = 0; n < good.size(); ++n) {
        const Bytes cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
        if (n >= 2) BOOST_TEST(!data_error_of([&] { ctnn::gunzip(cut, "f"); }).empty());
    }
    for (std::size_t i = 0; i < good.size(); ++i)
        for (int bit = 0; bit < 8; ++bit) {
            Bytes bad = good;
            bad[i] = static_cast<std::uint8_t>(bad[i] ^ (1u << bit));
            try {
                const Bytes out = ctnn::gunzip(bad, "f", 1 << 16);
                // Unchecked header fields (mtime, xfl, os) and the padding bits of the
                // last deflate byte may change silently; the CRC guards the rest.
                BOOST_TEST((out == data));
            } catch (const ctnn::DataError&) {
                ++errors;
            }
        }
    BOOST_TEST(errors > good.size() * 7);
}

BOOST_AUTO_TEST_SUITE_END()
