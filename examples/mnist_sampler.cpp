// Listing 1.3.1 (mnistsampler1.3.1.py): load MNIST, count the train and test
// labels, and plot 25 random training digits as a 5 x 5 grid.
//
//     mnist_sampler [--seed N]
//
// Prints the two label-count lines the chapter shows, then writes
// mnistsamples.png in the current directory: the matplotlib figure
// (cmap='gray', axis('off')) as one PNG, gray digits on a white page.
// Where the Python draws with np.random.randint(0, 60000, size=25) (with
// replacement, unseeded), this draws with ctnn::Generator(seed), so a given
// --seed always shows the same digits.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>

#include "ctnn/core/random.hpp"
#include "ctnn/core/tensor.hpp"
#include "ctnn/data/label_counts.hpp"
#include "ctnn/data/mnist.hpp"
#include "ctnn/io/image_grid.hpp"

namespace {

constexpr std::size_t grid_rows = 5, grid_cols = 5, num_samples = grid_rows * grid_cols;

int usage(const char* argv0, const std::string& problem) {
    if (!problem.empty()) std::fprintf(stderr, "%s: %s\n", argv0, problem.c_str());
    std::fprintf(stderr, "usage: %s [--seed N]   (N: 0 to 2^64-1, default 0)\n", argv0);
    return problem.empty() ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t seed = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        std::string_view value;
        if (arg == "--help" || arg == "-h") return usage(argv[0], "");
        if (arg == "--seed") {
            if (i + 1 >= argc) return usage(argv[0], "--seed needs a value");
            value = argv[++i];
        } else if (arg.starts_with("--seed=")) {
            value = arg.substr(7);
        } else {
            return usage(argv[0], "unknown argument '" + std::string(arg) + "'");
        }
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seed);
        if (ec != std::errc{} || end != value.data() + value.size())
            return usage(argv[0], "flag --seed wants an integer from 0 to 18446744073709551615, got '" +
                                      std::string(value) + "'");  // the seed rule of examples/flags.hpp
    }

    try {
        // load dataset
        auto [train, test] = ctnn::mnist::load_data();

        // count the number of unique train and test labels; Python's
        // print("Train labels: ", d) puts a space after each argument.
        std::printf("Train labels:  %s\n", ctnn::format_label_counts(train.y).c_str());
        std::printf("Test labels:  %s\n", ctnn::format_label_counts(test.y).c_str());

        // sample 25 mnist digits from train dataset
        ctnn::Generator gen(seed);
        ctnn::Tensor<std::uint8_t, 28, 28> images(num_samples);
        std::string labels;
        for (std::size_t i = 0; i < num_samples; ++i) {
            const std::size_t index = gen.below(train.x.rows());
            std::copy(train.x.row(index), train.x.row(index) + images.sample_size, images.row(i));
            labels += (i % grid_cols == 0 ? "\n  " : " ") + std::to_string(train.y[index]);
        }

        // plot the 25 mnist digits: 3x nearest-neighbour upscaling so a digit is
        // 84 px, about its size in the book's 5 x 5 inch figure.
        ctnn::GridOptions options;
        options.scale = 3;
        options.gap = 6;
        const std::filesystem::path out = "mnistsamples.png";
        ctnn::write_image_grid(out, images, grid_rows, grid_cols, options);
        std::printf("Labels of the %zu sampled digits (seed %llu), as laid out in the grid:%s\n", num_samples,
                    static_cast<unsigned long long>(seed), labels.c_str());
        std::printf("Wrote %s\n", std::filesystem::absolute(out).c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mnist_sampler: %s\n", e.what());
        return 1;
    }
    return 0;
}
