#pragma once
// ctnn::read_file_bytes / ctnn::gunzip — a whole file as bytes, inflated when
// it is gzip.
//
// Contract: read_file_bytes(path, max_bytes) accepts any path; it returns the
// file's bytes, or — when they start with the gzip magic 1f 8b — the inflated
// bytes (every gzip member, concatenated, as gunzip(1) does). The result never
// exceeds max_bytes (default 256 MiB): a larger file, or a gzip "bomb" that
// would inflate past the cap, is rejected as soon as the cap is crossed, so
// memory use stays bounded by the cap whatever the input claims.
// Guarantees: every failure is a ctnn::DataError naming the file — cannot
// open (with the OS reason), read error, over the cap, corrupt gzip (with
// zlib's message), truncated gzip, trailing bytes after the gzip stream. No
// input crashes it. Needs zlib at link time (-lz, ZLIB::ZLIB).
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "ctnn/data/data_error.hpp"

namespace ctnn {

// The default cap on what one file may produce: 5x the largest MNIST file, yet
// small enough that a hostile file cannot exhaust a laptop.
inline constexpr std::size_t default_max_file_bytes = std::size_t{256} << 20;

inline bool is_gzip(std::span<const std::uint8_t> bytes) noexcept {
    return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

namespace detail {

// "268435456 bytes (256 MiB)": exact for scripts, readable for people.
inline std::string byte_count_text(std::size_t n) {
    std::string s = std::to_string(n) + (n == 1 ? " byte" : " bytes");
    constexpr std::size_t mib = std::size_t{1} << 20;
    if (n >= mib && n % mib == 0) s += " (" + std::to_string(n / mib) + " MiB)";
    return s;
}

inline std::string os_error_text(int err) { return std::generic_category().message(err); }

// Owns a z_stream so every exit path (including exceptions) calls inflateEnd.
class Inflater {
public:
    Inflater(std::string_view name) {
        const int rc = inflateInit2(&z_, 16 + MAX_WBITS);  // 16+: expect a gzip wrapper, check its CRC
        if (rc != Z_OK) throw DataError(name, std::string("cannot start zlib: ") + message(rc));
    }
    ~Inflater() { inflateEnd(&z_); }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;

    z_stream& stream() noexcept { return z_; }
    std::string message(int rc) const { return z_.msg != nullptr ? z_.msg : zError(rc); }

private:
    z_stream z_{};
};

}  // namespace detail

// Inflates gzip data (one or more members). `name` is used in messages.
inline std::vector<std::uint8_t> gunzip(std::span<const std::uint8_t> compressed, std::string_view name,
                                        std::size_t max_bytes = default_max_file_bytes) {
    if (!is_gzip(compressed)) throw DataError(name, "not gzip data (it does not start with 1f 8b)");

    // One byte of room past the cap: producing it proves the cap is exceeded.
    const std::size_t limit = max_bytes == SIZE_MAX ? max_bytes : max_bytes + 1;
    // Size hint from the trailer (inflated size mod 2^32). Trusted only up to
    // deflate's best ratio (~1032:1), so a lying trailer cannot make us
    // allocate more than genuine data of this length could.
    std::size_t hint = std::size_t{64} << 10;
    if (compressed.size() >= 18) {
        const auto* t = compressed.data() + compressed.size() - 4;
        const std::size_t isize = std::size_t{t[0]} | std::size_t{t[1]} << 8 | std::size_t{t[2]} << 16 |
                                  std::size_t{t[3]} << 24;
        if (compressed.size() <= SIZE_MAX / 1032 && isize <= compressed.size() * 1032) hint = std::max(hint, isize + 1);
    }
    std::vector<std::uint8_t> out(std::min(hint, limit));

    detail::Inflater inflater(name);
    z_stream& z = inflater.stream();
    std::size_t in_pos = 0;
    std::size_t produced = 0;
    for (;;) {
        // zlib counts in uInt: feed and drain in pieces of at most UINT_MAX bytes.
        const auto in_chunk = static_cast<uInt>(std::min<std::size_t>(compressed.size() - in_pos, UINT_MAX));
        const auto out_chunk = static_cast<uInt>(std::min<std::size_t>(out.size() - produced, UINT_MAX));
        z.next_in = const_cast<Bytef*>(compressed.data() + in_pos);  // zlib's API is not const-correct; it only reads
        z.avail_in = in_chunk;
        z.next_out = out.data() + produced;
        z.avail_out = out_chunk;
        const int rc = inflate(&z, Z_NO_FLUSH);
        in_pos += in_chunk - z.avail_in;
        produced += out_chunk - z.avail_out;

        const auto over_cap = [&] {
            return DataError(name, "gzip data inflates to more than the limit of " +
                                       detail::byte_count_text(max_bytes) +
                                       "; pass a larger max_bytes if the file is genuine");
        };
        if (produced > max_bytes) throw over_cap();
        if (rc == Z_STREAM_END) {
            if (in_pos == compressed.size()) break;
            if (is_gzip(compressed.subspan(in_pos))) {  // another member follows, as `cat a.gz b.gz` makes
                inflateReset(&z);
                continue;
            }
            throw DataError(name, std::to_string(compressed.size() - in_pos) +
                                      " bytes of trailing data after the end of the gzip stream");
        }
        if (rc == Z_OK || rc == Z_BUF_ERROR) {
            if (produced == out.size()) {  // output full: grow, up to the cap
                if (out.size() >= limit) throw over_cap();
                const std::size_t grown = std::max(out.size() * 2, std::size_t{1} << 16);
                out.resize(out.size() > limit / 2 ? limit : std::min(limit, grown));
                continue;
            }
            if (rc == Z_OK) continue;
            // Z_BUF_ERROR with room to write means zlib wants input we do not have.
            throw DataError(name, "truncated gzip data: the file ends before the end of the compressed stream");
        }
        if (rc == Z_MEM_ERROR) throw DataError(name, "out of memory while inflating gzip data");
        // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR: the bytes are not valid gzip.
        throw DataError(name, "corrupt gzip data: " + inflater.message(rc));
    }
    out.resize(produced);
    return out;
}

// The whole file at `path`, inflated if it is gzip; see the contract above.
inline std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path,
                                                 std::size_t max_bytes = default_max_file_bytes) {
    const std::string name = path.string();
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw DataError(name, "cannot open: is a directory, expected a file");

    errno = 0;
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(name.c_str(), "rb"), &std::fclose);
    if (!file) throw DataError(name, "cannot open: " + detail::os_error_text(errno != 0 ? errno : ENOENT));

    // Same cap on the raw bytes: reading stops one byte past it, so neither a
    // huge file nor an endless device (/dev/zero) can exhaust memory.
    const std::size_t limit = max_bytes == SIZE_MAX ? max_bytes : max_bytes + 1;
    std::vector<std::uint8_t> bytes;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size < limit) bytes.reserve(static_cast<std::size_t>(size));
    constexpr std::size_t chunk = std::size_t{1} << 20;
    while (bytes.size() < limit) {
        const std::size_t old = bytes.size();
        bytes.resize(old + std::min(chunk, limit - old));
        const std::size_t got = std::fread(bytes.data() + old, 1, bytes.size() - old, file.get());
        bytes.resize(old + got);
        if (got == 0) break;
    }
    if (std::ferror(file.get()))
        throw DataError(name, "read error: " + detail::os_error_text(errno != 0 ? errno : EIO));
    if (bytes.size() > max_bytes)
        throw DataError(name, "file is larger than the limit of " + detail::byte_count_text(max_bytes) +
                                  "; pass a larger max_bytes if the file is genuine");
    if (is_gzip(bytes)) return gunzip(bytes, name, max_bytes);
    return bytes;
}

}  // namespace ctnn
