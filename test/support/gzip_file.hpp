#pragma once
// ctnn_test::write_gz — writes bytes as a gzip file the way gzip(1) -9 and the
// data set mirrors do (zlib's gz* API), creating the parent directories, every
// zlib call checked. Include after <boost/test/unit_test.hpp>.
#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

namespace ctnn_test {

// Writes `repeat` copies of `b`, compressed, to `p`; returns `p`.
inline std::filesystem::path write_gz(const std::filesystem::path& p, std::span<const std::uint8_t> b,
                                      std::size_t repeat = 1) {
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    gzFile f = gzopen(p.c_str(), "wb9");
    BOOST_TEST_REQUIRE(f != nullptr, "gzopen " << p);
    for (std::size_t i = 0; i < repeat; ++i)
        BOOST_TEST_REQUIRE(gzwrite(f, b.data(), static_cast<unsigned>(b.size())) == static_cast<int>(b.size()));
    BOOST_TEST_REQUIRE(gzclose(f) == Z_OK);
    return p;
}

}  // namespace ctnn_test
