// Writes digits of the MNIST test set as 28x28 grayscale PNGs (white digit on
// black, as MNIST stores them), named test-digit-<index>-label-<digit>.png, so
// classify_digit has real input to read without drawing anything.
//     test_digits [--count N] [--seed S] [--data DIR]
#include <cstdio>
#include <iostream>
#include <span>
#include <string>

#include "ctnn/ctnn.hpp"
#include "ctnn/io/png.hpp"
#include "flags.hpp"

int main(int argc, char** argv) try {
    const examples::Flags flags(argc, argv,
                                {{"count", "how many test digits to write, 1 to 10000 (default 3)"},
                                 {"seed", "which ones: a seeded draw from the 10,000, 0 to 2^64-1 (default 0)"},
                                 {"data", "MNIST directory"}});
    // All flags first, and the directory the PNGs go to, before any work.
    const auto count = static_cast<std::size_t>(flags.get_int("count", 3, 1, 10000));
    const std::uint64_t seed = flags.get_seed("seed", 0);
    examples::require_writable_directory(".", "the PNGs go to the current directory");
    std::optional<std::filesystem::path> dir;
    if (flags.has("data")) dir = flags.get("data", "");
    const auto [train, test] = ctnn::mnist::load_data(dir);
    ctnn::Generator gen(seed);
    for (std::size_t k = 0; k < count; ++k) {
        const std::size_t i = gen.below(test.x.rows());
        const std::string name =
            "test-digit-" + std::to_string(i) + "-label-" + std::to_string(unsigned(test.y[i])) + ".png";
        ctnn::write_png(name, 28, 28, 1, std::span<const std::uint8_t>(test.x.row(i), 28 * 28));
        std::cout << "wrote " << name << '\n';
    }
    return 0;
} catch (const std::exception& e) {
    std::cerr << "test_digits: " << e.what() << '\n';
    return 1;
}
