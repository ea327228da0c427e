// A consumer of ctnn: a tiny Sequential, its parameter count checked by the
// compiler, a few training steps on synthetic data, then "OK".
// With ctnn::data it also includes the umbrella header and inflates a gzip
// stream (zlib); with ctnn::io it writes and reads back a PNG (libpng).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>

#if CONSUMER_USES_DATA
#include <ctnn/ctnn.hpp>  // the umbrella includes the MNIST loader: needs zlib
#include <ctnn/data/gzip.hpp>
#else
#include <ctnn/core/random.hpp>
#include <ctnn/core/tensor.hpp>
#include <ctnn/layers/activations.hpp>
#include <ctnn/layers/dense.hpp>
#include <ctnn/layers/dropout.hpp>
#include <ctnn/layers/input.hpp>
#include <ctnn/layers/softmax.hpp>
#include <ctnn/model/sequential.hpp>
#include <ctnn/train/losses.hpp>
#endif
#if CONSUMER_USES_IO
#include <ctnn/io/png.hpp>
#endif

using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dropout,
                             ctnn::Dense<3>, ctnn::Softmax>;
static_assert(Net::param_count == (4 * 8 + 8) + (8 * 3 + 3));

namespace {

int fail(const char* what) {
    std::fprintf(stderr, "consumer: FAILED: %s\n", what);
    return 1;
}

}  // namespace

int main() try {
    // Three separable classes: the class is the index of the largest of the
    // first three features (the fourth is noise).
    constexpr std::size_t rows = 256;
    ctnn::Generator gen(7);
    ctnn::Tensor<float, 4> x(rows);
    ctnn::Tensor<float, 3> y(rows, 0.0f);
    for (std::size_t i = 0; i < rows; ++i) {
        float* xi = x.row(i);
        for (std::size_t j = 0; j < 4; ++j) xi[j] = gen.uniform(-1.0f, 1.0f);
        std::size_t label = 0;
        for (std::size_t j = 1; j < 3; ++j)
            if (xi[j] > xi[label]) label = j;
        y.row(i)[label] = 1.0f;
    }

    Net model;
    model.layer<3>() = ctnn::Dropout(0.1);
    model.initialize(1);
    model.compile(ctnn::categorical_crossentropy, ctnn::Adam{.learning_rate = 0.01f}, {"accuracy"});
    const ctnn::Evaluation before = model.evaluate(x, y, {.batch_size = 64, .verbose = 0});
    model.fit(x, y, {.epochs = 20, .batch_size = 32, .verbose = 0});
    const ctnn::Evaluation after = model.evaluate(x, y, {.batch_size = 64, .verbose = 0});
    std::printf("consumer: loss %.4f -> %.4f, accuracy %.3f -> %.3f\n", before.loss, after.loss,
                before.accuracy, after.accuracy);
    if (!std::isfinite(after.loss) || !(after.loss < before.loss)) return fail("training did not lower the loss");
    if (!(after.accuracy > 0.8)) return fail("accuracy after training is not above 0.8");

#if CONSUMER_USES_DATA
    // "hi\n" gzipped (gzip -n), inflated by ctnn through zlib.
    const std::uint8_t gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0xc8,
                               0xe4, 0x02, 0x00, 0x7a, 0x7a, 0x6f, 0xed, 0x03, 0x00, 0x00, 0x00};
    const auto bytes = ctnn::gunzip(gz, "consumer");
    if (bytes.size() != 3 || bytes[0] != 'h' || bytes[1] != 'i') return fail("ctnn::gunzip");
    std::printf("consumer: ctnn::data (zlib) works\n");
#endif
#if CONSUMER_USES_IO
    const std::uint8_t pixels[] = {0, 64, 128, 255};
    ctnn::write_png("consumer.png", 2, 2, 1, pixels);
    const auto image = ctnn::read_png("consumer.png");
    if (image.width != 2 || image.height != 2 || image.pixels.size() != 4 || image.pixels[3] != 255)
        return fail("ctnn::write_png / read_png round trip");
    std::printf("consumer: ctnn::io (libpng) works\n");
#endif
    std::printf("OK\n");
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "consumer: FAILED with an exception: %s\n", e.what());
    return 1;
}
