#define BOOST_TEST_MODULE io_image_grid
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctnn/core/tensor.hpp"
#include "ctnn/io/image_grid.hpp"
#include "ctnn/io/png.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

// Three 2 x 3 tiles whose every pixel encodes (tile, row, col) as 100 + 40k + 3r + c.
ctnn::Tensor<std::uint8_t, 2, 3> three_tiles() {
    ctnn::Tensor<std::uint8_t, 2, 3> t(3);
    for (std::size_t k = 0; k < 3; ++k)
        for (std::size_t r = 0; r < 2; ++r)
            for (std::size_t c = 0; c < 3; ++c) t(k, r * 3 + c) = static_cast<std::uint8_t>(100 + 40 * k + 3 * r + c);
    return t;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(image_grid)

BOOST_AUTO_TEST_CASE(tiles_sit_where_the_contract_says) {
    const auto tiles = three_tiles();
    ctnn::GridOptions opt;
    opt.gap = 1;
    opt.scale = 2;
    opt.background = 7;
    opt.normalize = false;
    const ctnn::Image g = ctnn::image_grid(tiles, 2, 2, opt);  // 2 x 2 grid, last cell empty

    // width = 2 cols * 3 * 2 + 3 gaps = 15, height = 2 rows * 2 * 2 + 3 gaps = 11
    BOOST_TEST(g.width == 15u);
    BOOST_TEST(g.height == 11u);
    BOOST_TEST(g.channels == 1);

    std::vector<bool> covered(g.width * g.height, false);
    for (std::size_t k = 0; k < 3; ++k) {
        const std::size_t x0 = 1 + (k % 2) * (6 + 1), y0 = 1 + (k / 2) * (4 + 1);
        for (std::size_t y = 0; y < 4; ++y)
            for (std::size_t x = 0; x < 6; ++x) {
                const auto want = static_cast<std::uint8_t>(100 + 40 * k + 3 * (y / 2) + x / 2);
                BOOST_TEST(g.at(x0 + x, y0 + y) == want, "tile " << k << " at (" << x << ", " << y << ")");
                covered[(y0 + y) * g.width + x0 + x] = true;
            }
    }
    // Spot checks in absolute coordinates: tile 1's top-left and tile 2's bottom-right.
    BOOST_TEST(g.at(8, 1) == 140);
    BOOST_TEST(g.at(6, 9) == 185);
    // Everything else (gaps, border, the empty fourth cell) is background.
    std::size_t background = 0;
    for (std::size_t i = 0; i < covered.size(); ++i)
        if (!covered[i]) {
            BOOST_TEST(g.pixels[i] == 7, "pixel " << i);
            ++background;
        }
    BOOST_TEST(background == 15u * 11u - 3u * 24u);
}

BOOST_AUTO_TEST_CASE(normalize_stretches_each_tile_like_imshow) {
    ctnn::Tensor<std::uint8_t, 1, 3> t(2, {10, 15, 20, 50, 50, 50});
    ctnn::GridOptions opt;
    opt.gap = 0;
    const ctnn::Image g = ctnn::image_grid(t, 1, 2, opt);
    BOOST_TEST(g.width == 6u);
    BOOST_TEST(g.height == 1u);
    // 10..20 -> 0..255 (15 -> 127.5 rounds to 128); a constant tile is left alone.
    BOOST_TEST(g.pixels == std::vector<std::uint8_t>({0, 128, 255, 50, 50, 50}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(too_many_images_or_zero_sizes_throw) {
    const auto tiles = three_tiles();
    BOOST_CHECK_THROW(ctnn::image_grid(tiles, 1, 2), std::invalid_argument);
    ctnn::GridOptions zero;
    zero.scale = 0;
    BOOST_CHECK_THROW(ctnn::image_grid(tiles, 2, 2, zero), std::invalid_argument);
    const std::vector<std::uint8_t> ragged(7);
    BOOST_CHECK_THROW(ctnn::image_grid(ragged, 2, 3, 1, 1), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(written_grid_reads_back_identically) {
    const ctnn_test::TempDir tmp;
    const fs::path p = tmp.path / "grid.png";
    const auto tiles = three_tiles();
    ctnn::write_image_grid(p, tiles, 1, 3);
    const ctnn::Image back = ctnn::read_png_gray(p);
    const ctnn::Image want = ctnn::image_grid(tiles, 1, 3);
    BOOST_TEST(back.width == want.width);
    BOOST_TEST(back.height == want.height);
    BOOST_TEST(back.pixels == want.pixels, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
