#define BOOST_TEST_MODULE io_png
#include <boost/test/unit_test.hpp>

#include <png.h>
#include <sys/resource.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <csetjmp>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctnn/io/png.hpp"
#include "support/counting_new.hpp"
#include "support/files.hpp"
#include "support/error_message.hpp"
#include "support/temp_dir.hpp"
#include "support/tiny_png.hpp"

namespace fs = std::filesystem;


namespace {

using namespace ctnn_test;

std::vector<std::uint8_t> pattern(std::size_t n, unsigned mul, unsigned add) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>((i * mul + add) % 256);
    return v;
}

// Writes a PNG with libpng directly, in layouts write_png does not produce
// (16-bit, palette, 1-bit, interlaced), so read_png's transforms get real input.
struct RawPng {
    png_uint_32 width = 0, height = 0;
    int bit_depth = 8, color_type = PNG_COLOR_TYPE_GRAY, interlace = PNG_INTERLACE_NONE;
    std::vector<png_color> palette;
    std::vector<png_byte> trns;  // palette alpha
    std::vector<std::vector<png_byte>> rows;  // packed as the file stores them
};

bool write_raw(const fs::path& path, RawPng& raw) {
    std::FILE* fp = std::fopen(path.c_str(), "wb");
    if (!fp) return false;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    std::vector<png_bytep> row_ptrs;
    for (auto& r : raw.rows) row_ptrs.push_back(r.data());
    png_bytepp rp = row_ptrs.data();
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        std::fclose(fp);
        return false;
    }
    png_init_io(png, fp);
    png_set_IHDR(png, info, raw.width, raw.height, raw.bit_depth, raw.color_type, raw.interlace,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (!raw.palette.empty()) png_set_PLTE(png, info, raw.palette.data(), static_cast<int>(raw.palette.size()));
    if (!raw.trns.empty()) png_set_tRNS(png, info, raw.trns.data(), static_cast<int>(raw.trns.size()), nullptr);
    png_write_info(png, info);
    png_write_image(png, rp);
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return std::fclose(fp) == 0;
}

// Lowers the file-size limit for this process while alive, so writes fail
// part-way the way a full disk makes them fail.
struct FileSizeLimit {
    rlimit old{};
    void (*old_handler)(int) = nullptr;
    explicit FileSizeLimit(rlim_t bytes) {
        old_handler = std::signal(SIGXFSZ, SIG_IGN);  // get EFBIG instead of being killed
        getrlimit(RLIMIT_FSIZE, &old);
        rlimit lim = old;
        lim.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &lim);
    }
    ~FileSizeLimit() {
        setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, old_handler);
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(png)

BOOST_AUTO_TEST_CASE(gray_round_trip_is_exact) {
    TempDir t;
    const std::size_t w = 7, h = 5;
    auto px = pattern(w * h, 37, 3);
    px[0] = 0;
    px[1] = 255;
    const fs::path p = t.path / "gray.png";
    ctnn::write_png(p, w, h, 1, px);
    BOOST_TEST(fs::exists(p));
    BOOST_TEST((ctnn_test::names_in(t.path) == std::set<std::string>{"gray.png"}));  // no temporary left

    const ctnn::Image img = ctnn::read_png(p);
    BOOST_TEST(img.width == w);
    BOOST_TEST(img.height == h);
    BOOST_TEST(img.channels == 1);
    BOOST_TEST(img.pixels == px, boost::test_tools::per_element());

    const ctnn::Image g = ctnn::read_png_gray(p);
    BOOST_TEST(g.channels == 1);
    BOOST_TEST(g.pixels == px, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rgb_round_trip_is_exact) {
    TempDir t;
    const std::size_t w = 6, h = 4;
    auto px = pattern(w * h * 3, 101, 17);
    const fs::path p = t.path / "rgb.png";
    ctnn::write_png(p, w, h, 3, px);
    const ctnn::Image img = ctnn::read_png(p);
    BOOST_TEST(img.width == w);
    BOOST_TEST(img.height == h);
    BOOST_TEST(img.channels == 3);
    BOOST_TEST(img.pixels == px, boost::test_tools::per_element());
    // Pixel (x, y) channel c sits at (y * w + x) * 3 + c.
    BOOST_TEST(img.at(5, 3, 2) == px[(3 * w + 5) * 3 + 2]);
}

BOOST_AUTO_TEST_CASE(alpha_layouts_round_trip_is_exact) {
    TempDir t;
    for (int channels : {2, 4}) {
        const std::size_t w = 3, h = 9;
        auto px = pattern(w * h * static_cast<std::size_t>(channels), 53, 7);
        // Appended, not "a" + std::string: GCC 12's -Wrestrict misfires on that (bug 105329).
        const fs::path p = t.path / (std::to_string(channels) + "-alpha.png");
        ctnn::write_png(p, w, h, channels, px);
        const ctnn::Image img = ctnn::read_png(p);
        BOOST_TEST(img.channels == channels);
        BOOST_TEST(img.pixels == px, boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(read_png_gray_converts_colour_and_composites_alpha_over_white) {
    TempDir t;
    // RGB: gray pixels keep their value, pure colours take BT.709 weights.
    const std::vector<std::uint8_t> rgb = {0, 0, 0, 255, 255, 255, 128, 128, 128, 255, 0, 0, 0, 255, 0, 0, 0, 255};
    ctnn::write_png(t.path / "rgb.png", 6, 1, 3, rgb);
    const ctnn::Image g = ctnn::read_png_gray(t.path / "rgb.png");
    BOOST_TEST(g.width == 6u);
    BOOST_TEST(g.height == 1u);
    BOOST_TEST(g.channels == 1);
    BOOST_TEST(g.pixels[0] == 0);
    BOOST_TEST(g.pixels[1] == 255);
    BOOST_TEST(g.pixels[2] == 128);
    BOOST_TEST(g.pixels[4] > g.pixels[3]);  // green weighs most,
    BOOST_TEST(g.pixels[3] > g.pixels[5]);  // then red, then blue

    // RGBA: transparent -> white, opaque black -> black, half-covered black -> mid gray.
    const std::vector<std::uint8_t> rgba = {0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 128, 200, 200, 200, 255};
    ctnn::write_png(t.path / "rgba.png", 4, 1, 4, rgba);
    const ctnn::Image a = ctnn::read_png_gray(t.path / "rgba.png");
    BOOST_TEST(a.channels == 1);
    BOOST_TEST(a.pixels[0] == 255);
    BOOST_TEST(a.pixels[1] == 0);
    BOOST_TEST(a.pixels[2] >= 125);
    BOOST_TEST(a.pixels[2] <= 129);
    BOOST_TEST(a.pixels[3] == 200);

    // Gray + alpha takes the same path.
    const std::vector<std::uint8_t> ga = {0, 0, 90, 255};
    ctnn::write_png(t.path / "ga.png", 2, 1, 2, ga);
    const ctnn::Image b = ctnn::read_png_gray(t.path / "ga.png");
    BOOST_TEST(b.pixels[0] == 255);
    BOOST_TEST(b.pixels[1] == 90);
}

BOOST_AUTO_TEST_CASE(reads_16_bit_palette_1_bit_and_interlaced_files) {
    TempDir t;
    {  // 16-bit gray: 0x0000, 0xFFFF, 0x8080 -> 0, 255, 128
        RawPng r;
        r.width = 3;
        r.height = 1;
        r.bit_depth = 16;
        r.rows = {{0x00, 0x00, 0xFF, 0xFF, 0x80, 0x80}};
        BOOST_TEST_REQUIRE(write_raw(t.path / "g16.png", r));
        const ctnn::Image g = ctnn::read_png_gray(t.path / "g16.png");
        BOOST_TEST(g.width == 3u);
        BOOST_TEST(g.pixels == std::vector<std::uint8_t>({0, 255, 128}), boost::test_tools::per_element());
    }
    {  // 16-bit RGBA, half transparent white over white stays white; opaque black stays black.
        RawPng r;
        r.width = 2;
        r.height = 1;
        r.bit_depth = 16;
        r.color_type = PNG_COLOR_TYPE_RGB_ALPHA;
        r.rows = {{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}};
        BOOST_TEST_REQUIRE(write_raw(t.path / "rgba16.png", r));
        const ctnn::Image g = ctnn::read_png_gray(t.path / "rgba16.png");
        BOOST_TEST(g.pixels == std::vector<std::uint8_t>({255, 0}), boost::test_tools::per_element());
        const ctnn::Image c = ctnn::read_png(t.path / "rgba16.png");
        BOOST_TEST(c.channels == 4);
        BOOST_TEST(c.pixels == std::vector<std::uint8_t>({255, 255, 255, 128, 0, 0, 0, 255}),
                   boost::test_tools::per_element());
    }
    {  // 2-bit palette with a transparent entry.
        RawPng r;
        r.width = 4;
        r.height = 1;
        r.bit_depth = 2;
        r.color_type = PNG_COLOR_TYPE_PALETTE;
        r.palette = {{0, 0, 0}, {255, 255, 255}, {10, 20, 30}, {64, 64, 64}};
        r.trns = {255, 255, 255, 0};  // entry 3 is fully transparent
        r.rows = {{0b00011011}};      // indices 0, 1, 2, 3
        BOOST_TEST_REQUIRE(write_raw(t.path / "pal.png", r));
        const ctnn::Image c = ctnn::read_png(t.path / "pal.png");
        BOOST_TEST(c.channels == 4);
        BOOST_TEST(c.pixels == std::vector<std::uint8_t>({0, 0, 0, 255, 255, 255, 255, 255, 10, 20, 30, 255, 64,
                                                          64, 64, 0}),
                   boost::test_tools::per_element());
        const ctnn::Image g = ctnn::read_png_gray(t.path / "pal.png");
        BOOST_TEST(g.channels == 1);
        BOOST_TEST(g.pixels[0] == 0);
        BOOST_TEST(g.pixels[1] == 255);
        BOOST_TEST(g.pixels[3] == 255);  // transparent -> white
    }
    {  // 1-bit gray, 10 wide (two bytes per row)
        RawPng r;
        r.width = 10;
        r.height = 1;
        r.bit_depth = 1;
        r.rows = {{0b10100000, 0b01000000}};
        BOOST_TEST_REQUIRE(write_raw(t.path / "g1.png", r));
        const ctnn::Image g = ctnn::read_png_gray(t.path / "g1.png");
        BOOST_TEST(g.pixels == std::vector<std::uint8_t>({255, 0, 255, 0, 0, 0, 0, 0, 0, 255}),
                   boost::test_tools::per_element());
    }
    {  // Adam7-interlaced 8-bit gray, 9 x 7 (every pass non-empty)
        RawPng r;
        r.width = 9;
        r.height = 7;
        r.interlace = PNG_INTERLACE_ADAM7;
        const auto px = pattern(9 * 7, 29, 1);
        for (std::size_t y = 0; y < 7; ++y) r.rows.emplace_back(px.begin() + y * 9, px.begin() + (y + 1) * 9);
        BOOST_TEST_REQUIRE(write_raw(t.path / "adam7.png", r));
        const ctnn::Image g = ctnn::read_png_gray(t.path / "adam7.png");
        BOOST_TEST(g.width == 9u);
        BOOST_TEST(g.height == 7u);
        BOOST_TEST(g.pixels == px, boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(unwritable_path_throws_naming_it_and_leaves_no_file) {
    const fs::path p = fs::temp_directory_path() / "ctnn-no-such-dir-4f1c" / "out.png";
    const std::vector<std::uint8_t> px(4, 0);
    BOOST_CHECK_THROW(ctnn::write_png(p, 2, 2, 1, px), std::runtime_error);
    const std::string msg = message_of<std::exception>([&] { ctnn::write_png(p, 2, 2, 1, px); });
    BOOST_TEST(msg.find(p.string()) != std::string::npos, msg);
    BOOST_TEST(msg.find("cannot create temporary file") != std::string::npos, msg);
    BOOST_TEST(msg.find("No such file or directory") != std::string::npos, msg);
    BOOST_TEST(!fs::exists(p.parent_path()));
}

BOOST_AUTO_TEST_CASE(failed_rename_removes_the_temporary_file) {
    TempDir t;
    const fs::path p = t.path / "occupied.png";
    fs::create_directories(p / "child");  // a non-empty directory cannot be replaced by a file
    const std::vector<std::uint8_t> px(4, 9);
    const std::string msg = message_of<std::exception>([&] { ctnn::write_png(p, 2, 2, 1, px); });
    BOOST_TEST(msg.find(p.string()) != std::string::npos, msg);
    BOOST_TEST(msg.find("rename") != std::string::npos, msg);
    BOOST_TEST(fs::is_directory(p / "child"));
    BOOST_TEST((ctnn_test::names_in(t.path) == std::set<std::string>{"occupied.png"}));
}

BOOST_AUTO_TEST_CASE(write_failing_part_way_keeps_the_earlier_file) {
    TempDir t;
    const fs::path p = t.path / "keep.png";
    const std::vector<std::uint8_t> old(16, 77);
    ctnn::write_png(p, 4, 4, 1, old);
    const auto old_size = fs::file_size(p);

    // 256 x 256 of incompressible bytes (~64 KiB) against a 1 KiB size limit.
    std::vector<std::uint8_t> noise(256 * 256);
    std::uint32_t s = 12345;
    for (auto& b : noise) b = static_cast<std::uint8_t>((s = s * 1664525u + 1013904223u) >> 24);
    std::string msg;
    {
        FileSizeLimit limit(1024);
        msg = message_of<std::exception>([&] { ctnn::write_png(p, 256, 256, 1, noise); });
    }
    BOOST_TEST(msg.find(p.string()) != std::string::npos, msg);
    BOOST_TEST((msg.find("libpng") != std::string::npos || msg.find("write failed") != std::string::npos), msg);
    BOOST_TEST((ctnn_test::names_in(t.path) == std::set<std::string>{"keep.png"}));
    BOOST_TEST(fs::file_size(p) == old_size);
    const ctnn::Image back = ctnn::read_png(p);
    BOOST_TEST(back.pixels == old, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bad_arguments_throw_before_touching_the_file) {
    TempDir t;
    const fs::path p = t.path / "bad.png";
    const std::vector<std::uint8_t> px(12, 0);
    BOOST_CHECK_THROW(ctnn::write_png(p, 2, 2, 5, px), std::invalid_argument);
    BOOST_CHECK_THROW(ctnn::write_png(p, 0, 2, 1, px), std::invalid_argument);
    BOOST_CHECK_THROW(ctnn::write_png(p, 2, 2, 1, px), std::invalid_argument);  // 12 bytes for 4
    const std::string msg = message_of<std::exception>([&] { ctnn::write_png(p, 2, 2, 1, px); });
    BOOST_TEST(msg.find(p.string()) != std::string::npos, msg);
    BOOST_TEST(msg.find("12 bytes") != std::string::npos, msg);
    BOOST_TEST(fs::is_empty(t.path));
}

BOOST_AUTO_TEST_CASE(read_errors_name_the_file) {
    TempDir t;
    const fs::path missing = t.path / "missing.png";
    std::string msg = message_of<std::exception>([&] { ctnn::read_png_gray(missing); });
    BOOST_TEST(msg.find(missing.string()) != std::string::npos, msg);
    BOOST_TEST(msg.find("cannot open") != std::string::npos, msg);

    const fs::path text = t.path / "text.png";
    std::ofstream(text) << "this is not a png file\n";
    msg = message_of<std::exception>([&] { ctnn::read_png(text); });
    BOOST_TEST(msg.find(text.string()) != std::string::npos, msg);
    BOOST_TEST(msg.find("not a PNG") != std::string::npos, msg);

    // A valid file cut in half: said to be truncated (libpng alone says only
    // "Read Error"), with libpng's complaint and the name.
    const fs::path whole = t.path / "whole.png", cut = t.path / "cut.png";
    ctnn::write_png(whole, 64, 64, 3, pattern(64 * 64 * 3, 97, 5));
    fs::copy_file(whole, cut);
    fs::resize_file(cut, fs::file_size(whole) / 2);
    msg = message_of<std::exception>([&] { ctnn::read_png_gray(cut); });
    BOOST_TEST(msg.find(cut.string()) != std::string::npos, msg);
    BOOST_TEST(msg.find("ctnn::read_png_gray") != std::string::npos, msg);
    BOOST_TEST(msg.find("truncated: the file ends before the image does (libpng: ") != std::string::npos, msg);
    // Cut inside the header (the signature and part of IHDR).
    fs::resize_file(cut, 20);
    msg = message_of<std::runtime_error>([&] { ctnn::read_png(cut); });
    BOOST_TEST(msg.find(quoted(cut) + ": truncated: the file ends inside its header (libpng: ") != std::string::npos,
               msg);
    // Damage that is not an early end keeps libpng's own words: a flipped bit in IHDR's width.
    std::string damaged = read_string(whole);
    damaged[18] = static_cast<char>(damaged[18] ^ 1);
    write_string(cut, damaged);
    msg = message_of<std::runtime_error>([&] { ctnn::read_png(cut); });
    BOOST_TEST(msg.find(quoted(cut) + ": libpng: IHDR: CRC error") != std::string::npos, msg);
}

namespace {
// The error read_png_gray (gray) or read_png gives for `file`; largest_allocation
// then holds the largest allocation made while it failed.
std::string read_error(const fs::path& file, bool gray) {
    ctnn_test::largest_allocation = 0;
    return message_of<std::runtime_error>([&] {
        if (gray)
            ctnn::read_png_gray(file);
        else
            ctnn::read_png(file);
    });
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_header_announcing_too_many_pixels_is_rejected_before_allocating) {
    TempDir t;
    struct Case {
        const char* name;
        std::uint32_t width, height;
        std::uint8_t color_type;
        const char* says;
    };
    // 10^12 RGBA pixels (4 TB: bad_alloc if believed), and 40000^2 gray (1.6 GB
    // allocated and zeroed before libpng finds the data missing, if believed).
    for (const Case& c : {Case{"huge.png", 1000000, 1000000, 6, "1000000 x 1000000 = 1000000000000 pixels"},
                          Case{"big.png", 40000, 40000, 0, "40000 x 40000 = 1600000000 pixels"}}) {
        const fs::path file = write_string(t.path / c.name, tiny_png_claiming(c.width, c.height, c.color_type));
        BOOST_TEST(fs::file_size(file) < 100u);
        for (const bool gray : {false, true}) {
            const std::string msg = read_error(file, gray);
            BOOST_TEST(msg.find(gray ? "ctnn::read_png_gray: '" : "ctnn::read_png: '") != std::string::npos, msg);
            BOOST_TEST(msg.find(file.string()) != std::string::npos, msg);
            BOOST_TEST(msg.find(c.says) != std::string::npos, msg);
            BOOST_TEST(msg.find("more than the limit of 67108864 (max_pixels)") != std::string::npos, msg);
            BOOST_TEST(ctnn_test::largest_allocation.load() < (std::size_t{1} << 20), "allocated " << ctnn_test::largest_allocation.load());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_file_too_small_for_its_header_is_refused_before_allocating) {
    // Under the pixel cap, but 69 bytes cannot hold 8000 x 8000 samples:
    // deflate expands at most 1032:1, so at most 69 * 1032 = 71208 bytes.
    // Believed, it made both readers allocate 64 MB before libpng found the
    // data missing.
    TempDir t;
    const fs::path file = write_string(t.path / "under-cap.png", tiny_png_claiming(8000, 8000, 0));
    BOOST_TEST_REQUIRE(fs::file_size(file) == 69u);
    for (const bool gray : {false, true}) {
        const std::string msg = read_error(file, gray);
        BOOST_TEST(msg.find(file.string()) != std::string::npos, msg);
        BOOST_TEST(msg.find("truncated: the header announces 8000 x 8000 pixels of 8 bits, 64000000 bytes of "
                            "samples, but a file of 69 bytes holds at most 71208") != std::string::npos,
                   msg);
        BOOST_TEST(ctnn_test::largest_allocation.load() < (std::size_t{1} << 20),
                   "allocated " << ctnn_test::largest_allocation.load());
    }
}

BOOST_AUTO_TEST_CASE(the_most_compressible_images_still_read) {
    // All-zero images are the best case for deflate (close to its 1032:1
    // limit): the size check must never refuse a genuine file. Gray and RGBA
    // (reads_16_bit_palette_1_bit_and_interlaced_files covers the other
    // sample layouts).
    TempDir t;
    for (const int channels : {1, 4}) {
        const std::size_t w = 3000, h = 2000;
        const fs::path file = t.path / ("zeros-" + std::to_string(channels) + ".png");
        ctnn::write_png(file, w, h, channels, std::vector<std::uint8_t>(w * h * std::size_t(channels), 0));
        BOOST_TEST_MESSAGE(file.filename().string() << ": " << fs::file_size(file) << " bytes for "
                                                    << w * h * std::size_t(channels) << " bytes of samples");
        const ctnn::Image img = ctnn::read_png(file);
        BOOST_TEST(img.width == w);
        BOOST_TEST(img.height == h);
        BOOST_TEST(std::count(img.pixels.begin(), img.pixels.end(), 0) == std::ptrdiff_t(w * h * std::size_t(channels)));
    }
}

BOOST_AUTO_TEST_CASE(max_pixels_is_the_cap_and_images_within_it_read) {
    TempDir t;
    const fs::path file = t.path / "64x48.png";
    ctnn::write_png(file, 64, 48, 3, pattern(64 * 48 * 3, 31, 7));
    BOOST_TEST(ctnn::read_png(file, 64 * 48).width == 64u);  // exactly at the cap
    BOOST_TEST(ctnn::read_png_gray(file).height == 48u);     // the default cap
    const std::string msg = message_of<std::runtime_error>([&] { ctnn::read_png(file, 64 * 48 - 1); });
    BOOST_TEST(msg.find(file.string()) != std::string::npos, msg);
    BOOST_TEST(msg.find("64 x 48 = 3072 pixels, more than the limit of 3071 (max_pixels)") != std::string::npos, msg);
    BOOST_TEST(ctnn::png_default_max_pixels == std::size_t{8192} * 8192);
}

BOOST_AUTO_TEST_SUITE_END()
