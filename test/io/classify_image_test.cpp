// ctnn::prepare_digit / classify_digit (io/classify_image.hpp) on images the
// test builds: the 784 inputs against values worked out by hand (pixel / 255,
// area resampling, inversion of dark-on-light images), the errors, and the
// prediction of a model whose probabilities are known in closed form.
#define BOOST_TEST_MODULE io_classify_image
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctnn/io/classify_image.hpp"
#include "ctnn/io/png.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/input.hpp"
#include "ctnn/layers/softmax.hpp"
#include "ctnn/model/sequential.hpp"
#include "support/error_message.hpp"
#include "support/temp_dir.hpp"

namespace {

template <class F>
ctnn::Image gray(std::size_t w, std::size_t h, F value) {
    ctnn::Image img{w, h, 1, std::vector<std::uint8_t>(w * h)};
    for (std::size_t y = 0; y < h; ++y)
        for (std::size_t x = 0; x < w; ++x) img.pixels[y * w + x] = static_cast<std::uint8_t>(value(x, y));
    return img;
}

// A 28 x 28 light-on-dark pattern (mean well below 127.5).
std::uint8_t pattern(std::size_t x, std::size_t y) { return static_cast<std::uint8_t>((x * 7 + y * 3) % 100); }

}  // namespace

BOOST_AUTO_TEST_SUITE(classify_image)

BOOST_AUTO_TEST_CASE(a_28_by_28_digit_is_pixel_over_255_as_in_training) {
    const ctnn::Image img = gray(28, 28, pattern);
    const ctnn::DigitInput d = ctnn::prepare_digit(img);
    double sum = 0.0;
    for (std::size_t i = 0; i < 784; ++i) {
        BOOST_TEST(d.pixels[i] == static_cast<float>(img.pixels[i]) / 255.0f);
        sum += img.pixels[i];
    }
    BOOST_TEST(!d.resampled);
    BOOST_TEST(!d.inverted);
    BOOST_TEST(d.width == 28u);
    BOOST_TEST(d.height == 28u);
    BOOST_TEST(d.mean == sum / 784.0);
}

BOOST_AUTO_TEST_CASE(whole_blocks_give_the_28_by_28_image_back_exactly) {
    // 2 x 2 blocks (56 x 56) and 1 x 3 blocks (28 wide, 84 high: a
    // non-square image is stretched): each output pixel is the mean of equal
    // values.
    const ctnn::DigitInput ref = ctnn::prepare_digit(gray(28, 28, pattern));
    const ctnn::DigitInput square = ctnn::prepare_digit(gray(56, 56, [](auto x, auto y) { return pattern(x / 2, y / 2); }));
    const ctnn::DigitInput tall = ctnn::prepare_digit(gray(28, 84, [](auto x, auto y) { return pattern(x, y / 3); }));
    BOOST_TEST(square.resampled);
    BOOST_TEST(tall.resampled);
    BOOST_TEST(tall.width == 28u);
    BOOST_TEST(tall.height == 84u);
    for (std::size_t i = 0; i < 784; ++i) {
        BOOST_TEST(square.pixels[i] == ref.pixels[i]);
        BOOST_TEST(tall.pixels[i] == ref.pixels[i]);
    }
}

BOOST_AUTO_TEST_CASE(fractional_scales_average_the_covered_area) {
    // 42 x 42 with value 3x in column x: output column ox covers source
    // [1.5 ox, 1.5 ox + 1.5). For ox = 2m that is column 3m whole and half of
    // 3m + 1: (9m + 0.5 (9m + 3)) / 1.5 = 9m + 1; for ox = 2m + 1, half of
    // 3m + 1 and column 3m + 2 whole: (0.5 (9m + 3) + 9m + 6) / 1.5 = 9m + 5.
    const ctnn::DigitInput d = ctnn::prepare_digit(gray(42, 42, [](auto x, auto) { return 3 * x; }));
    for (std::size_t oy = 0; oy < 28; ++oy) {
        for (std::size_t ox = 0; ox < 28; ++ox) {
            const double m = double(ox / 2);
            const double expected = (ox % 2 == 0 ? 9 * m + 1 : 9 * m + 5) / 255.0;
            BOOST_TEST_CONTEXT("(" << ox << ", " << oy << ")") {
                BOOST_TEST(std::fabs(d.pixels[oy * 28 + ox] - expected) <= 1e-6);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(dark_on_light_is_inverted_and_a_mean_of_127_5_is_not) {
    // A dark stroke on white paper: mean above 127.5, so 255 - pixel.
    const ctnn::Image paper = gray(28, 28, [](auto x, auto y) { return x == 14 || y == 3 ? 20 : 250; });
    const ctnn::DigitInput d = ctnn::prepare_digit(paper);
    BOOST_TEST(d.inverted);
    for (std::size_t i = 0; i < 784; ++i) BOOST_TEST(d.pixels[i] == float(255 - paper.pixels[i]) / 255.0f);
    // Half 0, half 255: mean exactly 127.5, "above" fails, nothing inverted.
    const ctnn::DigitInput half = ctnn::prepare_digit(gray(28, 28, [](auto x, auto) { return x < 14 ? 0 : 255; }));
    BOOST_TEST(half.mean == 127.5);
    BOOST_TEST(!half.inverted);
    BOOST_TEST(half.pixels[0] == 0.0f);
    BOOST_TEST(half.pixels[27] == 1.0f);
}

BOOST_AUTO_TEST_CASE(colour_and_empty_images_are_refused) {
    ctnn::Image rgb{28, 28, 3, std::vector<std::uint8_t>(28 * 28 * 3)};
    const std::string msg = ctnn_test::message_of<std::invalid_argument>([&] { (void)ctnn::prepare_digit(rgb); });
    BOOST_TEST(msg.find("1 channel") != std::string::npos, msg);
    BOOST_TEST(msg.find("3 channels") != std::string::npos, msg);
    BOOST_CHECK_THROW((void)ctnn::prepare_digit(ctnn::Image{0, 0, 1, {}}), std::invalid_argument);
    BOOST_CHECK_THROW((void)ctnn::prepare_digit(ctnn::Image{28, 28, 1, std::vector<std::uint8_t>(10)}),
                      std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(classify_digit_returns_the_models_softmax_and_its_argmax) {
    // Kernel 0 and bias 3 for class 7, 0 elsewhere: whatever the image,
    // p7 = e^3 / (e^3 + 9) and every other p = 1 / (e^3 + 9).
    using Model = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<10>, ctnn::Softmax>;
    Model model;
    std::vector<float> w(784 * 10 + 10, 0.0f);  // Keras' get_weights order: kernel, then bias
    w[784 * 10 + 7] = 3.0f;
    model.set_weights(w);
    const ctnn::Image img = gray(28, 28, pattern);
    const ctnn::DigitPrediction p = ctnn::classify_digit(model, img);
    const double e3 = std::exp(3.0);
    BOOST_TEST(p.digit == 7u);
    for (std::size_t k = 0; k < 10; ++k) {
        const double expected = (k == 7 ? e3 : 1.0) / (e3 + 9.0);
        BOOST_TEST(std::fabs(p.probabilities[k] - expected) <= 1e-6);
    }
    BOOST_TEST(p.input.pixels[100] == ctnn::prepare_digit(img).pixels[100]);

    // From a PNG file: the same image, the same prediction.
    const ctnn_test::TempDir t;
    ctnn::write_png(t.path / "digit.png", img);
    const ctnn::DigitPrediction q = ctnn::classify_digit_png(model, t.path / "digit.png");
    BOOST_TEST(q.digit == 7u);
    BOOST_TEST(q.input.pixels == p.input.pixels);
}

BOOST_AUTO_TEST_SUITE_END()
