// classify_digit: the MLP of Listing 1.3.2, trained and saved by
//   mlp_mnist --save mlp-mnist.ctnnw
// reads a handwritten digit from a PNG and says which digit it is.
//
//   classify_digit --weights mlp-mnist.ctnnw digit.png [more.png ...]
//
// The image is read as gray (colour converted, transparency over white),
// resampled to 28 x 28 with an area filter when it has another size (a
// non-square image is stretched), scaled to [0, 1] and inverted when it is
// dark on light (MNIST digits are white on black). Exit status: 0, or 1 with
// a message (missing or mismatched weight file, unreadable image).
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "ctnn/io/classify_image.hpp"
#include "ctnn/io/weights.hpp"
#include "flags.hpp"
#include "listing_model.hpp"

int main(int argc, char** argv) try {
    // Flags are "--name value" or "--name=value"; everything else is an image.
    std::vector<char*> flag_args{argv[0]};
    std::vector<std::string> images;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.rfind("--", 0) == 0 || a == "-h") {
            flag_args.push_back(argv[i]);
            if (a.find('=') == std::string::npos && a != "--help" && a != "-h" && i + 1 < argc)
                flag_args.push_back(argv[++i]);
        } else {
            images.push_back(a);
        }
    }
    const examples::Flags flags(static_cast<int>(flag_args.size()), flag_args.data(),
                                {{"weights", "weight file saved by mlp_mnist --save (default mlp-mnist.ctnnw)"}});
    if (images.empty()) throw std::invalid_argument("no image given (usage: classify_digit --weights FILE image.png ...)");

    examples::ListingMlp model;
    ctnn::load_weights(model, flags.get("weights", "mlp-mnist.ctnnw"), /*restore_optimizer=*/false);

    for (const std::string& path : images) {
        const ctnn::DigitPrediction p = ctnn::classify_digit_png(model, path);
        std::printf("%s: %zux%zu%s, %s\n", path.c_str(), p.input.width, p.input.height,
                    p.input.resampled ? " (resampled to 28x28)" : "",
                    p.input.inverted ? "dark digit on light background (inverted)" : "light digit on dark background");
        std::printf("predicted digit: %zu (probability %.4f)\n", p.digit, static_cast<double>(p.probabilities[p.digit]));
        for (std::size_t d = 0; d < 10; ++d)
            std::printf("  %zu  %.6f%s\n", d, static_cast<double>(p.probabilities[d]), d == p.digit ? "  <" : "");
    }
    return 0;
} catch (const std::exception& e) {
    std::cerr << "classify_digit: " << e.what() << '\n';
    return 1;
}
