#pragma once
// ctnn::prepare_digit / ctnn::classify_digit — an image file to an MNIST
// prediction, as examples/classify_digit does it.
//
// Contract:
//   prepare_digit(image) takes a gray Image (channels == 1, else
//     std::invalid_argument) of any size and returns the 784 inputs an MNIST
//     model was trained on: 28 x 28, row-major, pixel / 255.0f, white digit on
//     black. Other sizes are resampled to 28 x 28 with an area (box) filter —
//     each output pixel is the mean of the source area it covers, so a 56 x 56
//     image of 2 x 2 blocks gives back the 28 x 28 image exactly; a non-square
//     image is stretched (no aspect-preserving padding). A dark-on-light image
//     (mean pixel above 127.5, e.g. a digit drawn on white paper) is inverted.
//     For a 28 x 28 light-on-dark image the inputs are exactly
//     x.astype<float>() / 255.0f of the same pixels, as in training.
//   classify_digit(model, image) and classify_digit_png(model, path) run
//     predict_one on those inputs (model: 784 inputs, 10 outputs, checked at
//     compile time) and return the digit with the highest probability, the
//     ten probabilities and how the image was read. The PNG variant reads with
//     read_png_gray (colour to gray, alpha over white) and throws its errors.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>

#include "ctnn/io/png.hpp"

namespace ctnn {

struct DigitInput {
    std::array<float, 784> pixels{};  // 28 x 28, [0, 1], white on black
    std::size_t width = 0, height = 0;  // of the source image
    bool resampled = false;             // the source was not 28 x 28
    bool inverted = false;              // the source was dark on light
    double mean = 0.0;                  // mean source pixel, 0..255
};

struct DigitPrediction {
    std::size_t digit = 0;
    std::array<float, 10> probabilities{};
    DigitInput input;
};

inline DigitInput prepare_digit(const Image& image) {
    constexpr std::size_t side = 28;
    if (image.channels != 1)
        throw std::invalid_argument("ctnn::prepare_digit: wants a gray image (1 channel), got " +
                                    std::to_string(image.channels) + " channels (read it with read_png_gray)");
    if (image.width == 0 || image.height == 0 || image.pixels.size() != image.width * image.height)
        throw std::invalid_argument("ctnn::prepare_digit: empty or inconsistent image");
    DigitInput d;
    d.width = image.width;
    d.height = image.height;
    d.resampled = image.width != side || image.height != side;
    double sum = 0.0;
    for (const std::uint8_t p : image.pixels) sum += p;
    d.mean = sum / static_cast<double>(image.pixels.size());
    d.inverted = d.mean > 127.5;

    // Area resampling: output pixel (ox, oy) covers source [ox * W / 28, (ox + 1) * W / 28) (and so for y).
    const double sx = static_cast<double>(image.width) / side, sy = static_cast<double>(image.height) / side;
    for (std::size_t oy = 0; oy < side; ++oy) {
        const double y0 = oy * sy, y1 = (oy + 1) * sy;
        for (std::size_t ox = 0; ox < side; ++ox) {
            double value;
            if (!d.resampled) {
                value = image.pixels[oy * side + ox];
            } else {
                const double x0 = ox * sx, x1 = (ox + 1) * sx;
                double acc = 0.0, area = 0.0;
                const auto last_y = std::min(image.height, static_cast<std::size_t>(y1) + 1);
                const auto last_x = std::min(image.width, static_cast<std::size_t>(x1) + 1);
                for (auto y = static_cast<std::size_t>(y0); y < last_y; ++y) {
                    const double wy = std::min(y1, double(y + 1)) - std::max(y0, double(y));
                    if (wy <= 0.0) continue;
                    for (auto x = static_cast<std::size_t>(x0); x < last_x; ++x) {
                        const double wx = std::min(x1, double(x + 1)) - std::max(x0, double(x));
                        if (wx <= 0.0) continue;
                        acc += wx * wy * image.pixels[y * image.width + x];
                        area += wx * wy;
                    }
                }
                value = acc / area;
            }
            if (d.inverted) value = 255.0 - value;
            d.pixels[oy * side + ox] = static_cast<float>(value) / 255.0f;
        }
    }
    return d;
}

template <class Model>
DigitPrediction classify_digit(const Model& model, const Image& image) {
    static_assert(Model::input_width == 784, "ctnn::classify_digit: the model must take 784 inputs (28 x 28)");
    static_assert(Model::output_width == 10, "ctnn::classify_digit: the model must have 10 outputs (digits 0-9)");
    DigitPrediction r;
    r.input = prepare_digit(image);
    r.probabilities = model.predict_one(std::span<const float, 784>(r.input.pixels));
    r.digit = static_cast<std::size_t>(std::max_element(r.probabilities.begin(), r.probabilities.end()) -
                                       r.probabilities.begin());
    return r;
}

template <class Model>
DigitPrediction classify_digit_png(const Model& model, const std::filesystem::path& png) {
    return classify_digit(model, read_png_gray(png));
}

}  // namespace ctnn
