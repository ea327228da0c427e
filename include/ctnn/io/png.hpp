#pragma once
// ctnn::write_png / read_png / read_png_gray — 8-bit PNG files through libpng.
//
// Contract:
//   write_png(path, width, height, channels, pixels)
//     accepts: width, height in [1, 1'000'000] (libpng's default limit);
//              channels 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA);
//              pixels row-major, top row first, interleaved, exactly
//              width * height * channels bytes.
//     guarantees: on success `path` holds the complete image; the image is
//              encoded in memory and written with write_file_atomically (a
//              temporary beside `path`, renamed into place), so on failure
//              `path` is untouched (any earlier file survives) and the
//              temporary file is removed. Failures throw std::runtime_error
//              whose message names the file and the reason (the OS error for
//              writing and renaming, libpng's own message for encoding errors);
//              bad arguments throw std::invalid_argument before any file is
//              touched.
//   read_png(path, max_pixels = png_default_max_pixels)
//     accepts: any PNG whose header announces at most max_pixels pixels
//              (width * height; the default, 2^26 = 67'108'864, is 64 Mi
//              pixels, an 8192 x 8192 image: far more than a digit or a photo
//              needs, at most 256 MiB of RGBA samples).
//     guarantees: an Image with 8-bit samples and the file's channel layout
//              (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA): palettes become RGB,
//              a tRNS chunk becomes an alpha channel, 1/2/4-bit gray is
//              expanded and 16-bit samples are scaled to 8 bits (all libpng
//              read transforms). Exact for files write_png made.
//   read_png_gray(path, max_pixels = png_default_max_pixels)
//     accepts: as read_png.
//     guarantees: an Image with channels == 1, whatever the file holds:
//              colour is converted by libpng's rgb_to_gray (ITU-R BT.709
//              weights) and any alpha is composited over white, because a
//              transparent background is what a viewer shows as white (a
//              digit drawn in a browser canvas then reads as dark on light,
//              not as a black square).
//   Both readers throw std::runtime_error naming the file: cannot open, not
//   a PNG, truncated (the file ends early, where libpng alone would say only
//   "Read Error"), a header announcing more than max_pixels pixels (the size
//   and the cap both named; checked right after the header is read, before
//   the pixel buffer is allocated, so a 69-byte file cannot make it allocate
//   gigabytes), a regular file too small to hold the pixels its header
//   announces (deflate expands at most 1032:1, so a file of n bytes holds at
//   most 1032 n bytes of samples; also checked before allocating), or
//   libpng's message for a damaged stream.
//
// Why setjmp: libpng reports errors by longjmp. Every libpng call sits in a
// detail function whose frame holds only trivially destructible objects, so
// the jump never skips a C++ destructor; the public functions own the FILE*
// and buffers with RAII and turn a failed detail call into an exception.
#include <png.h>
#include <sys/stat.h>

#include <cerrno>
#include <csetjmp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "ctnn/io/atomic_write.hpp"

namespace ctnn {

// read_png's default cap on width * height (see the contract above).
inline constexpr std::size_t png_default_max_pixels = std::size_t{1} << 26;

namespace detail {
// zlib's FAQ: "the limit is 1032:1" for deflate (a 258-byte match in two bits).
inline constexpr std::size_t png_max_deflate_ratio = 1032;
}  // namespace detail

// An 8-bit image, row-major, top row first, `channels` interleaved samples per pixel.
struct Image {
    std::size_t width = 0;
    std::size_t height = 0;
    int channels = 0;
    std::vector<std::uint8_t> pixels;

    std::uint8_t at(std::size_t x, std::size_t y, int c = 0) const {
        return pixels[(y * width + x) * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)];
    }
};

namespace detail {

// Where the libpng callbacks leave their text; plain arrays so a longjmp over
// it is harmless.
struct PngMessages {
    char error[256] = {};
    char warning[256] = {};
};

inline void png_error_callback(png_structp png, png_const_charp message) {
    auto* m = static_cast<PngMessages*>(png_get_error_ptr(png));
    std::snprintf(m->error, sizeof m->error, "%s", message ? message : "unknown libpng error");
    png_longjmp(png, 1);
}

// libpng explains a bad IHDR in warnings and then fails with the bare
// "Invalid IHDR data"; keep the last warning to make the error say why.
inline void png_warning_callback(png_structp png, png_const_charp message) {
    auto* m = static_cast<PngMessages*>(png_get_error_ptr(png));
    std::snprintf(m->warning, sizeof m->warning, "%s", message ? message : "");
}

inline std::string png_failure_text(const PngMessages& m) {
    std::string s = m.error[0] ? m.error : "libpng failed";
    if (m.warning[0] && std::strcmp(m.warning, m.error) != 0) s += std::string(" (") + m.warning + ")";
    return s;
}

inline int png_color_type(int channels) {
    switch (channels) {
        case 1: return PNG_COLOR_TYPE_GRAY;
        case 2: return PNG_COLOR_TYPE_GRAY_ALPHA;
        case 3: return PNG_COLOR_TYPE_RGB;
        default: return PNG_COLOR_TYPE_RGB_ALPHA;
    }
}

// Encodes into an open stream. Returns false with m.error set on failure.
// Only trivially destructible objects live in this frame (see header note).
inline bool png_encode(std::FILE* fp, png_uint_32 width, png_uint_32 height, int channels,
                       const std::uint8_t* pixels, PngMessages& m) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &m, png_error_callback, png_warning_callback);
    if (!png) {
        std::snprintf(m.error, sizeof m.error, "png_create_write_struct failed (out of memory?)");
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, nullptr);
        std::snprintf(m.error, sizeof m.error, "png_create_info_struct failed (out of memory?)");
        return false;
    }
    // `png` and `info` are not modified after setjmp, so they keep their values after a longjmp.
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_init_io(png, fp);
    png_set_IHDR(png, info, width, height, 8, png_color_type(channels), PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    const std::size_t stride = std::size_t{width} * static_cast<std::size_t>(channels);
    for (png_uint_32 y = 0; y < height; ++y) png_write_row(png, pixels + std::size_t{y} * stride);
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

struct PngDecoded {
    png_uint_32 width = 0;
    png_uint_32 height = 0;
    int channels = 0;
    int passes = 1;  // 7 for Adam7-interlaced files
    bool over_limit = false;  // the header announces more than max_pixels: width/height are the file's
    int file_bits_per_pixel = 0;  // as stored, before any transform (bit depth x the file's channels)
};

// Decodes an open stream in two calls on one png_struct: read_header (which
// sizes the image, so the caller can allocate the buffer outside any setjmp
// frame), then read_rows. Owns the png_struct, so every exit frees it.
class PngReader {
public:
    PngReader(std::FILE* fp, bool gray, std::size_t max_pixels) : fp_(fp), gray_(gray), max_pixels_(max_pixels) {}
    PngReader(const PngReader&) = delete;
    PngReader& operator=(const PngReader&) = delete;
    ~PngReader() {
        if (png_) png_destroy_read_struct(&png_, info_ ? &info_ : nullptr, nullptr);
    }

    // Reads the header and sets up the transforms; false with messages() set on failure.
    bool read_header(PngDecoded& out) {
        png_ = png_create_read_struct(PNG_LIBPNG_VER_STRING, &m_, png_error_callback, png_warning_callback);
        if (!png_) {
            std::snprintf(m_.error, sizeof m_.error, "png_create_read_struct failed (out of memory?)");
            return false;
        }
        info_ = png_create_info_struct(png_);
        if (!info_) {
            std::snprintf(m_.error, sizeof m_.error, "png_create_info_struct failed (out of memory?)");
            return false;
        }
        return header_jmp(png_, info_, fp_, gray_, max_pixels_, out);
    }
    // Reads all rows into `dst` (height * width * channels bytes); false with messages() set on failure.
    bool read_rows(std::uint8_t* dst, const PngDecoded& d) { return rows_jmp(png_, info_, dst, d); }
    const PngMessages& messages() const { return m_; }

private:
    // Only trivially destructible locals below; libpng may longjmp back here.
    static bool header_jmp(png_structp png, png_infop info, std::FILE* fp, bool gray, std::size_t max_pixels,
                           PngDecoded& out) {
        if (setjmp(png_jmpbuf(png))) return false;
        png_init_io(png, fp);
        png_read_info(png, info);
        // Judge the announced size before anything is sized from it: the
        // header is a few bytes the file may not back with data.
        out.width = png_get_image_width(png, info);
        out.height = png_get_image_height(png, info);
        out.file_bits_per_pixel = png_get_bit_depth(png, info) * png_get_channels(png, info);
        // Each is at most 10^6 (libpng's default limit, checked by png_read_info): no overflow.
        if (std::size_t{out.width} * std::size_t{out.height} > max_pixels) {
            out.over_limit = true;
            return true;
        }
        const int bit_depth = png_get_bit_depth(png, info);
        const int color_type = png_get_color_type(png, info);
        if (bit_depth == 16) png_set_scale_16(png);  // rounds 16 -> 8 bits (strip_16 would truncate)
        if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
        if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
        const bool trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
        if (trns) png_set_tRNS_to_alpha(png);
        if (gray) {
            if (color_type & PNG_COLOR_MASK_COLOR) png_set_rgb_to_gray_fixed(png, PNG_ERROR_ACTION_NONE, -1, -1);
            if ((color_type & PNG_COLOR_MASK_ALPHA) || trns) {
                // White in the final 8-bit gray output (need_expand = 0: "screen" format).
                png_color_16 white{};
                white.red = white.green = white.blue = white.gray = 255;
                png_set_background_fixed(png, &white, PNG_BACKGROUND_GAMMA_SCREEN, 0, PNG_FP_1);
            }
        }
        out.passes = png_set_interlace_handling(png);
        png_read_update_info(png, info);
        out.width = png_get_image_width(png, info);
        out.height = png_get_image_height(png, info);
        out.channels = png_get_channels(png, info);
        if (png_get_bit_depth(png, info) != 8 ||
            png_get_rowbytes(png, info) != std::size_t{out.width} * static_cast<std::size_t>(out.channels))
            png_error(png, "unexpected sample layout after transforms");
        return true;
    }

    static bool rows_jmp(png_structp png, png_infop info, std::uint8_t* dst, const PngDecoded& d) {
        if (setjmp(png_jmpbuf(png))) return false;
        const std::size_t stride = std::size_t{d.width} * static_cast<std::size_t>(d.channels);
        // Interlaced files need every row visited once per pass; png_read_row merges them.
        for (int p = 0; p < d.passes; ++p)
            for (png_uint_32 y = 0; y < d.height; ++y) png_read_row(png, dst + std::size_t{y} * stride, nullptr);
        png_read_end(png, info);
        return true;
    }

    std::FILE* fp_;
    bool gray_;
    std::size_t max_pixels_;
    png_structp png_ = nullptr;
    png_infop info_ = nullptr;
    PngMessages m_;
};

struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// Built by append: GCC 12's -Wrestrict misfires on "'" + std::string (bug 105329).
inline std::string quoted(const std::filesystem::path& p) {
    std::string s(1, '\'');
    s += p.string();
    s += '\'';
    return s;
}

inline Image read_png_impl(const std::filesystem::path& path, bool gray, std::size_t max_pixels, const char* who) {
    const std::string prefix = std::string(who) + ": " + quoted(path) + ": ";
    FilePtr fp(std::fopen(path.c_str(), "rb"));
    if (!fp) {
        const int err = errno;
        throw std::runtime_error(prefix + "cannot open for reading: " + std::strerror(err));
    }
    png_byte sig[8] = {};
    if (std::fread(sig, 1, sizeof sig, fp.get()) != sizeof sig || png_sig_cmp(sig, 0, sizeof sig) != 0)
        throw std::runtime_error(prefix + "not a PNG file (bad signature)");
    std::rewind(fp.get());

    PngReader reader(fp.get(), gray, max_pixels);
    // libpng says only "Read Error" when the file ends early: say it is truncated.
    const auto failed = [&](const char* where) {
        const std::string said = "libpng: " + png_failure_text(reader.messages());
        return std::runtime_error(prefix + (std::feof(fp.get())
                                                ? "truncated: the file ends " + std::string(where) + " (" + said + ")"
                                                : said));
    };
    PngDecoded d;
    if (!reader.read_header(d)) throw failed("inside its header");
    if (d.over_limit)
        throw std::runtime_error(
            prefix + "the header announces " + std::to_string(d.width) + " x " + std::to_string(d.height) + " = " +
            std::to_string(std::size_t{d.width} * std::size_t{d.height}) + " pixels, more than the limit of " +
            std::to_string(max_pixels) + " (max_pixels); not read");
    // A header is a few bytes; the samples it announces must be in the file.
    // Deflate expands at most 1032:1 (zlib's documented limit), so a regular
    // file of n bytes decodes to at most 1032 n bytes; the samples need at
    // least width * height * bits / 8 of them (more with filter bytes and
    // interlacing). A smaller file is truncated or forged: refuse it before
    // allocating for it. (A pipe has no size to judge: not checked.)
    struct stat st {};
    if (::fstat(::fileno(fp.get()), &st) == 0 && S_ISREG(st.st_mode)) {
        const std::size_t needed =
            (std::size_t{d.width} * std::size_t{d.height} * static_cast<std::size_t>(d.file_bits_per_pixel) + 7) / 8;
        const std::size_t can_hold = static_cast<std::size_t>(st.st_size) * png_max_deflate_ratio;
        if (needed > can_hold)
            throw std::runtime_error(prefix + "truncated: the header announces " + std::to_string(d.width) + " x " +
                                     std::to_string(d.height) + " pixels of " +
                                     std::to_string(d.file_bits_per_pixel) + " bits, " + std::to_string(needed) +
                                     " bytes of samples, but a file of " + std::to_string(st.st_size) +
                                     " bytes holds at most " + std::to_string(can_hold) +
                                     " (deflate expands at most " + std::to_string(png_max_deflate_ratio) +
                                     ":1); not read");
    }
    Image img;
    img.width = d.width;
    img.height = d.height;
    img.channels = d.channels;
    try {
        img.pixels.resize(img.width * img.height * static_cast<std::size_t>(img.channels));
    } catch (const std::bad_alloc&) {  // under the cap, but more than this machine can give
        throw std::runtime_error(prefix + "out of memory for " + std::to_string(img.width) + " x " +
                                 std::to_string(img.height) + " pixels x " + std::to_string(img.channels) +
                                 " channels");
    }
    if (!reader.read_rows(img.pixels.data(), d)) throw failed("before the image does");
    return img;
}

}  // namespace detail

inline void write_png(const std::filesystem::path& path, std::size_t width, std::size_t height, int channels,
                      std::span<const std::uint8_t> pixels) {
    const std::string prefix = "ctnn::write_png: " + detail::quoted(path) + ": ";
    if (channels < 1 || channels > 4)
        throw std::invalid_argument(prefix + "channels must be 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA), got " +
                                    std::to_string(channels));
    constexpr std::size_t max_extent = PNG_USER_WIDTH_MAX;  // 1'000'000 in libpng 1.6
    if (width == 0 || height == 0 || width > max_extent || height > max_extent)
        throw std::invalid_argument(prefix + "width and height must be in [1, " + std::to_string(max_extent) +
                                    "], got " + std::to_string(width) + " x " + std::to_string(height));
    const std::size_t expected = width * height * static_cast<std::size_t>(channels);
    if (pixels.size() != expected)
        throw std::invalid_argument(prefix + std::to_string(pixels.size()) + " bytes given for " +
                                    std::to_string(width) + " x " + std::to_string(height) + " x " +
                                    std::to_string(channels) + " = " + std::to_string(expected));

    // Encoded into memory (a FILE* over a growing buffer, so libpng's own
    // stream I/O is used and no C++ object lives under its longjmp), then
    // written all at once.
    char* buffer = nullptr;
    std::size_t size = 0;
    detail::FilePtr fp(::open_memstream(&buffer, &size));
    if (!fp) {
        const int err = errno;
        throw std::runtime_error(prefix + "cannot make an in-memory stream: " + std::strerror(err));
    }
    detail::PngMessages m;
    const bool encoded = detail::png_encode(fp.get(), static_cast<png_uint_32>(width),
                                            static_cast<png_uint_32>(height), channels, pixels.data(), m);
    const int closed = std::fclose(fp.release());  // sets buffer and size
    const std::unique_ptr<char, decltype(&std::free)> bytes(buffer, &std::free);
    if (!encoded) throw std::runtime_error(prefix + "libpng: " + detail::png_failure_text(m));
    if (closed != 0) throw std::runtime_error(prefix + "out of memory while encoding");
    write_file_atomically(path, std::string_view(buffer, size), "ctnn::write_png");
}

inline void write_png(const std::filesystem::path& path, const Image& image) {
    write_png(path, image.width, image.height, image.channels, image.pixels);
}

inline Image read_png(const std::filesystem::path& path, std::size_t max_pixels = png_default_max_pixels) {
    return detail::read_png_impl(path, false, max_pixels, "ctnn::read_png");
}

inline Image read_png_gray(const std::filesystem::path& path, std::size_t max_pixels = png_default_max_pixels) {
    return detail::read_png_impl(path, true, max_pixels, "ctnn::read_png_gray");
}

}  // namespace ctnn
