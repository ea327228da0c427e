#pragma once
// ctnn::image_grid / write_image_grid — tile small gray images into one picture.
//
// What Listing 1.3.1's matplotlib figure shows (5 x 5 subplots, cmap='gray',
// axis('off')), as one PNG: tiles on a white page, separated by white gaps.
//
// Contract:
//   image_grid(images, rows, cols, options)
//     accepts: a Tensor<std::uint8_t, H, W> of n <= rows * cols images (or a
//              flat span of n * H * W bytes with the tile size given at run
//              time); rows, cols >= 1; options.scale >= 1.
//     guarantees: a 1-channel Image of
//                width  = cols * W * scale + (cols + 1) * gap
//                height = rows * H * scale + (rows + 1) * gap;
//              image k (row-major: k = r * cols + c) has its top-left corner at
//              x = gap + c * (W * scale + gap), y = gap + r * (H * scale + gap),
//              each source pixel repeated scale x scale times (nearest
//              neighbour, so digits stay crisp); everything else, including
//              unused cells when n < rows * cols, is `background`.
//              With `normalize` (on by default, as matplotlib's imshow does)
//              each tile is stretched so its min maps to 0 and its max to 255;
//              a constant tile is left as it is.
//     throws std::invalid_argument if n > rows * cols or an argument is zero.
//   write_image_grid(path, ...) writes that Image with ctnn::write_png.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>

#include "ctnn/core/tensor.hpp"
#include "ctnn/io/png.hpp"

namespace ctnn {

struct GridOptions {
    std::size_t gap = 2;              // pixels between tiles and around the border
    std::size_t scale = 1;            // integer upscaling of every tile
    std::uint8_t background = 255;    // page colour (white, like a matplotlib figure)
    bool normalize = true;            // per-tile min..max -> 0..255, imshow's default
};

// Run-time tile size: `images` holds n = images.size() / (tile_h * tile_w) tiles.
inline Image image_grid(std::span<const std::uint8_t> images, std::size_t tile_h, std::size_t tile_w,
                        std::size_t rows, std::size_t cols, const GridOptions& options = {}) {
    const std::string who = "ctnn::image_grid: ";
    if (tile_h == 0 || tile_w == 0 || rows == 0 || cols == 0 || options.scale == 0)
        throw std::invalid_argument(who + "tile size, rows, cols and scale must all be at least 1");
    const std::size_t tile = tile_h * tile_w;
    if (images.size() % tile != 0)
        throw std::invalid_argument(who + std::to_string(images.size()) + " bytes is not a whole number of " +
                                    std::to_string(tile_h) + " x " + std::to_string(tile_w) + " tiles");
    const std::size_t n = images.size() / tile;
    if (n > rows * cols)
        throw std::invalid_argument(who + std::to_string(n) + " images do not fit a " + std::to_string(rows) +
                                    " x " + std::to_string(cols) + " grid");

    const std::size_t s = options.scale, gap = options.gap;
    const std::size_t cell_w = tile_w * s, cell_h = tile_h * s;
    Image out;
    out.width = cols * cell_w + (cols + 1) * gap;
    out.height = rows * cell_h + (rows + 1) * gap;
    out.channels = 1;
    out.pixels.assign(out.width * out.height, options.background);

    for (std::size_t k = 0; k < n; ++k) {
        const std::uint8_t* src = images.data() + k * tile;
        std::uint8_t lo = 0, hi = 255;
        if (options.normalize) {
            const auto [mn, mx] = std::minmax_element(src, src + tile);
            if (*mn != *mx) {
                lo = *mn;
                hi = *mx;
            }
        }
        const unsigned range = static_cast<unsigned>(hi - lo);
        const std::size_t x0 = gap + (k % cols) * (cell_w + gap);
        const std::size_t y0 = gap + (k / cols) * (cell_h + gap);
        for (std::size_t y = 0; y < cell_h; ++y) {
            const std::uint8_t* srow = src + (y / s) * tile_w;
            std::uint8_t* drow = out.pixels.data() + (y0 + y) * out.width + x0;
            for (std::size_t x = 0; x < cell_w; ++x) {
                const unsigned v = static_cast<unsigned>(srow[x / s] - lo);
                // Rounded (v * 255 / range); identity when lo = 0 and hi = 255.
                drow[x] = static_cast<std::uint8_t>((v * 255u + range / 2) / range);
            }
        }
    }
    return out;
}

// Static tile size from the tensor's sample shape: Tensor<std::uint8_t, 28, 28> for MNIST.
template <std::size_t H, std::size_t W>
Image image_grid(const Tensor<std::uint8_t, H, W>& images, std::size_t rows, std::size_t cols,
                 const GridOptions& options = {}) {
    return image_grid(images.flat(), H, W, rows, cols, options);
}

template <std::size_t H, std::size_t W>
void write_image_grid(const std::filesystem::path& path, const Tensor<std::uint8_t, H, W>& images, std::size_t rows,
                      std::size_t cols, const GridOptions& options = {}) {
    write_png(path, image_grid(images, rows, cols, options));
}

}  // namespace ctnn
