#pragma once
// Whole-file reads and writes for tests: write_bytes / read_bytes (Bytes) and
// write_string / read_string (the same bytes in a std::string). Writers create
// the parent directories and replace the file; every open, read and write is
// checked. names_in(dir): the names of the entries of a directory, sorted (to
// assert that nothing, such as a temporary file, was left behind).
// Include after <boost/test/unit_test.hpp>.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "bytes.hpp"

namespace ctnn_test {

namespace detail {
inline std::filesystem::path write_chars(const std::filesystem::path& p, const char* data, std::size_t n) {
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    BOOST_TEST_REQUIRE(out.is_open(), "cannot open " << p << " for writing");
    out.write(data, static_cast<std::streamsize>(n));
    out.close();
    BOOST_TEST_REQUIRE(!out.fail(), "cannot write " << p);
    return p;
}
template <class Buffer>
Buffer read_chars(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    BOOST_TEST_REQUIRE(in.is_open(), "cannot open " << p << " for reading");
    Buffer b{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    BOOST_TEST_REQUIRE(!in.bad(), "cannot read " << p);
    return b;
}
}  // namespace detail

// Writes `b` to `p`; returns `p`.
inline std::filesystem::path write_bytes(const std::filesystem::path& p, std::span<const std::uint8_t> b) {
    return detail::write_chars(p, reinterpret_cast<const char*>(b.data()), b.size());
}
inline std::filesystem::path write_string(const std::filesystem::path& p, std::string_view s) {
    return detail::write_chars(p, s.data(), s.size());
}

inline Bytes read_bytes(const std::filesystem::path& p) { return detail::read_chars<Bytes>(p); }
inline std::string read_string(const std::filesystem::path& p) { return detail::read_chars<std::string>(p); }

inline std::set<std::string> names_in(const std::filesystem::path& dir) {
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir)) names.insert(e.path().filename().string());
    return names;
}

}  // namespace ctnn_test
