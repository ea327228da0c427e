#define BOOST_TEST_MODULE examples_classify_digit
#define BOOST_TEST_NO_MAIN  // main() below skips (exit 77) before any case runs when MNIST is absent
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "../../examples/listing_model.hpp"
#include "ctnn/ctnn.hpp"
#include "ctnn/io/classify_image.hpp"
#include "ctnn/io/png.hpp"
#include "ctnn/io/weights.hpp"
#include "support/temp_dir.hpp"

// The classify_digit path end to end on real MNIST: train Listing 1.3.2's
// model for one epoch, save it as mlp_mnist --save does, load it as
// classify_digit does, and classify test-set digits written as PNG files —
// as they are, inverted (dark on light) and at twice the size.

namespace fs = std::filesystem;

namespace {

struct Trained {
    ctnn::mnist::Data data = ctnn::mnist::load_data();
    examples::ListingMlp model;
    ctnn_test::TempDir tmp;
    fs::path weights = tmp.path / "mlp-mnist.ctnnw";
    Trained() {
        model.layer<3>() = ctnn::Dropout(0.45);
        model.layer<6>() = ctnn::Dropout(0.45);
        model.compile(ctnn::categorical_crossentropy, "adam", {"accuracy"});
        const auto x = data.train.x.reshape<784>().astype<float>() / 255.0f;
        model.fit(x, ctnn::to_categorical<10>(data.train.y), {.epochs = 1, .batch_size = 128, .verbose = 0});
        ctnn::save_weights(model, weights);
    }
};

const Trained& trained() {
    static const Trained t;
    return t;
}

std::vector<std::uint8_t> test_image(std::size_t i) {
    const auto& x = trained().data.test.x;
    return {x.row(i), x.row(i) + 784};
}

bool same(const std::array<float, 10>& a, const std::array<float, 10>& b) {
    return std::memcmp(a.data(), b.data(), sizeof a) == 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(examples_classify_digit)

BOOST_AUTO_TEST_CASE(png_digits_are_classified_as_the_model_classifies_them) {
    const Trained& t = trained();
    examples::ListingMlp loaded;  // what classify_digit does: a fresh model and the file
    ctnn::load_weights(loaded, t.weights, false);

    constexpr std::size_t count = 30;
    std::size_t correct = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const std::vector<std::uint8_t> px = test_image(i);
        std::array<float, 784> x{};
        for (std::size_t k = 0; k < 784; ++k) x[k] = static_cast<float>(px[k]) / 255.0f;
        const std::array<float, 10> expected = t.model.predict_one(x);

        // As it is, inverted (dark on light), and at 56 x 56 (2 x 2 blocks).
        std::vector<std::uint8_t> inv(784), big(56 * 56);
        for (std::size_t k = 0; k < 784; ++k) inv[k] = static_cast<std::uint8_t>(255 - px[k]);
        for (std::size_t y = 0; y < 56; ++y)
            for (std::size_t c = 0; c < 56; ++c) big[y * 56 + c] = px[(y / 2) * 28 + c / 2];
        const fs::path plain = t.tmp.path / ("digit" + std::to_string(i) + ".png");
        const fs::path dark = t.tmp.path / ("digit" + std::to_string(i) + "-inverted.png");
        const fs::path large = t.tmp.path / ("digit" + std::to_string(i) + "-56.png");
        ctnn::write_png(plain, 28, 28, 1, px);
        ctnn::write_png(dark, 28, 28, 1, inv);
        ctnn::write_png(large, 56, 56, 1, big);

        const ctnn::DigitPrediction a = ctnn::classify_digit_png(loaded, plain);
        const ctnn::DigitPrediction b = ctnn::classify_digit_png(loaded, dark);
        const ctnn::DigitPrediction c = ctnn::classify_digit_png(loaded, large);
        BOOST_TEST(same(a.probabilities, expected), "digit " << i);
        BOOST_TEST(same(b.probabilities, expected), "digit " << i << " inverted");
        BOOST_TEST(same(c.probabilities, expected), "digit " << i << " at 56x56");
        BOOST_TEST((!a.input.inverted && b.input.inverted && !a.input.resampled && c.input.resampled));
        BOOST_TEST(a.digit == c.digit);
        correct += a.digit == t.data.test.y[i];
    }
    BOOST_TEST_MESSAGE("classify_digit: " << correct << " of " << count << " test digits right after one epoch");
    BOOST_TEST(correct >= count - 3);
}

BOOST_AUTO_TEST_CASE(other_sizes_are_resampled_by_area) {
    // A 3 x 2 image of one gray level resamples to that level everywhere.
    ctnn::Image img{3, 2, 1, std::vector<std::uint8_t>(6, 51)};
    const ctnn::DigitInput d = ctnn::prepare_digit(img);
    BOOST_TEST(d.resampled);
    BOOST_TEST(!d.inverted);
    for (const float v : d.pixels) BOOST_TEST(v == 51.0f / 255.0f);
    // 84 x 84 of 3 x 3 blocks, dark on light: back to the 28 x 28 original, inverted.
    const std::vector<std::uint8_t> px = test_image(0);
    ctnn::Image big{84, 84, 1, std::vector<std::uint8_t>(84 * 84)};
    for (std::size_t y = 0; y < 84; ++y)
        for (std::size_t x = 0; x < 84; ++x) big.pixels[y * 84 + x] = static_cast<std::uint8_t>(255 - px[(y / 3) * 28 + x / 3]);
    const ctnn::DigitInput e = ctnn::prepare_digit(big);
    BOOST_TEST(e.inverted);
    std::size_t off = 0;
    for (std::size_t k = 0; k < 784; ++k) off += std::abs(e.pixels[k] - static_cast<float>(px[k]) / 255.0f) > 1e-6f;
    BOOST_TEST(off == 0u);
    BOOST_CHECK_THROW(ctnn::prepare_digit(ctnn::Image{2, 2, 3, std::vector<std::uint8_t>(12)}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_weight_file_of_another_model_is_refused) {
    using Other = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<128>, ctnn::ReLU, ctnn::Dense<10>, ctnn::Softmax>;
    Other other;
    try {
        ctnn::load_weights(other, trained().weights);
        BOOST_FAIL("expected a WeightFileError");
    } catch (const ctnn::WeightFileError& e) {
        BOOST_TEST((e.kind() == ctnn::WeightFileError::Kind::architecture));
    }
}

BOOST_AUTO_TEST_SUITE_END()

int main(int argc, char* argv[]) {
    if (!ctnn::mnist::data_available()) {
        std::cout << "skipped: MNIST not found in " << ctnn::mnist::data_dir().string()
                  << " (run scripts/fetch-mnist or set CTNN_MNIST_DIR)\n";
        return 77;
    }
    return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
