#pragma once
// ctnn_test::tiny_png_claiming(width, height, color_type) — the bytes of a PNG
// of a few dozen bytes (69 with zlib's usual output) whose IHDR announces
// width x height 8-bit samples of `color_type` (0 gray, 2 RGB, 6 RGBA),
// followed by one tiny IDAT (100 zero bytes, compressed) and IEND: far too
// little data for the image it claims, as a hostile or damaged file would be.
// Every chunk's CRC is right. Include after <boost/test/unit_test.hpp>.
#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <cstdint>
#include <string>

namespace ctnn_test {

inline std::string tiny_png_claiming(std::uint32_t width, std::uint32_t height, std::uint8_t color_type) {
    const auto be32 = [](std::string& s, std::uint32_t v) {
        for (int i = 3; i >= 0; --i) s += static_cast<char>((v >> (8 * i)) & 0xffu);
    };
    const auto chunk = [&](const char* type, const std::string& data) {
        std::string c;
        be32(c, static_cast<std::uint32_t>(data.size()));
        const std::string body = std::string(type, 4) + data;
        c += body;
        be32(c, static_cast<std::uint32_t>(
                    ::crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
        return c;
    };
    std::string ihdr;
    be32(ihdr, width);
    be32(ihdr, height);
    ihdr += std::string{8, static_cast<char>(color_type), 0, 0, 0};  // depth, colour, compression, filter, interlace
    unsigned char idat[64];
    uLongf idat_size = sizeof idat;
    const unsigned char zeros[100] = {};
    BOOST_TEST_REQUIRE(::compress(idat, &idat_size, zeros, sizeof zeros) == Z_OK);
    return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) +
           chunk("IDAT", std::string(reinterpret_cast<const char*>(idat), idat_size)) + chunk("IEND", "");
}

}  // namespace ctnn_test
