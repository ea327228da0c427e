// torch_accuracy: Listing 1.3.2 (or another row of Table 1.3.2) trained in
// libtorch over a range of seeds, the independent peer for ctnn's accuracy
// (scripts/accuracy-seeds runs both and writes docs/accuracy-seeds.md).
//
// Only the data comes through ctnn (its MNIST loader: the same bytes, scaled
// by 1/255 as the listing does). Weights, shuffles and dropout masks are
// drawn by libtorch from torch::manual_seed(seed); see torch_peer::fit_evaluate.
//
//   build-bench/bench/torch_accuracy [--seeds 0-9] [--epochs 20] [--batch-size 128]
//                                    [--threads 2] [--epsilon keras|torch] [--data DIR]
//                                    [--hidden 256,256] [--relu yes|no] [--dropout 0.45]
//                                    [--optimizer adam|sgd]
// One line per seed: "seed S train T test A seconds W" (accuracies as fractions).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ctnn/data/mnist.hpp"
#include "torch_mlp.hpp"
#include "../../examples/flags.hpp"

namespace {

// "A-B" or "A": the inclusive range of seeds.
std::pair<std::uint64_t, std::uint64_t> seed_range(const std::string& text) {
    const auto dash = text.find('-');
    try {
        std::size_t used = 0;
        const auto first = std::stoull(text.substr(0, dash), &used);
        if (used == text.substr(0, dash).size()) {
            if (dash == std::string::npos) return {first, first};
            const auto rest = text.substr(dash + 1);
            const auto last = std::stoull(rest, &used);
            if (used == rest.size() && last >= first) return {first, last};
        }
    } catch (const std::exception&) {
    }
    throw std::invalid_argument("flag --seeds wants A-B with A <= B, or one seed; got '" + text + "'");
}

// "256,512,256": hidden widths, each at least 1.
std::vector<std::size_t> widths(const std::string& text) {
    std::vector<std::size_t> out;
    std::size_t at = 0;
    while (at <= text.size()) {
        const auto comma = std::min(text.find(',', at), text.size());
        const std::string part = text.substr(at, comma - at);
        std::size_t used = 0;
        unsigned long long units = 0;
        try {
            units = std::stoull(part, &used);
        } catch (const std::exception&) {
        }
        if (part.empty() || used != part.size() || units == 0)
            throw std::invalid_argument("flag --hidden wants positive widths separated by commas, got '" + text + "'");
        out.push_back(std::size_t(units));
        at = comma + 1;
    }
    return out;
}

bool yes_no(const std::string& flag, const std::string& value) {
    if (value == "yes") return true;
    if (value == "no") return false;
    throw std::invalid_argument("flag --" + flag + " wants yes or no, got '" + value + "'");
}

}  // namespace

int main(int argc, char** argv) try {
    const examples::Flags flags(argc, argv,
                                {{"seeds", "seeds to train with, A-B inclusive (default 0-9)"},
                                 {"epochs", "epochs per run (default 20)"},
                                 {"batch-size", "batch size (default 128)"},
                                 {"threads", "torch threads (default 2)"},
                                 {"epsilon", "where Adam adds eps: keras (to sqrt(v), the default) or torch "
                                             "(to the bias-corrected sqrt(v))"},
                                 {"hidden", "hidden Dense widths, comma-separated (default 256,256)"},
                                 {"relu", "yes (default) or no: ReLU after each hidden Dense"},
                                 {"dropout", "Dropout rate after each hidden layer, 0 for none (default 0.45)"},
                                 {"optimizer", "adam (default) or sgd, at Keras' defaults"},
                                 {"data", "directory of the MNIST files (default: ctnn::mnist's)"}});
    const auto [first, last] = seed_range(flags.get("seeds", "0-9"));
    const std::size_t epochs = flags.get_count("epochs", 20), batch = flags.get_count("batch-size", 128);
    const long long threads = flags.get_int("threads", 2, 1, 1024);
    const std::string epsilon = flags.get("epsilon", "keras");
    if (epsilon != "keras" && epsilon != "torch")
        throw std::invalid_argument("flag --epsilon wants keras or torch, got '" + epsilon + "'");
    const torch_peer::Network network{.hidden = widths(flags.get("hidden", "256,256")),
                                      .relu = yes_no("relu", flags.get("relu", "yes")),
                                      .rate = float(flags.get_fraction("dropout", 0.45))};
    const std::string optimizer = flags.get("optimizer", "adam");
    if (optimizer != "adam" && optimizer != "sgd")
        throw std::invalid_argument("flag --optimizer wants adam or sgd, got '" + optimizer + "'");
    if (!torch_peer::keras_epsilon_matches()) {
        std::cerr << "torch_accuracy: SELF-CHECK FAILED: libtorch's Adam with the adjusted eps does not give Keras' "
                     "update\n";
        return 1;
    }
    torch_peer::Mlp::set_num_threads(int(threads));

    std::optional<std::filesystem::path> dir;
    if (flags.has("data")) dir = flags.get("data", "");
    const auto [train_set, test_set] = ctnn::mnist::load_data(dir);
    // The listing's preprocessing, by ctnn's own tensor operations; torch wants int64 labels.
    const auto x_train = train_set.x.reshape<784>().astype<float>() / 255.0f;
    const auto x_test = test_set.x.reshape<784>().astype<float>() / 255.0f;
    const auto y_train = train_set.y.astype<std::int64_t>(), y_test = test_set.y.astype<std::int64_t>();
    const torch_peer::Samples train{x_train.data(), y_train.data(), y_train.rows()},
        test{x_test.data(), y_test.data(), y_test.rows()};
    std::cout << "libtorch: " << network.in;
    for (const auto units : network.hidden) std::cout << '-' << units;
    std::cout << '-' << network.out << ", ReLU " << (network.relu ? "yes" : "no") << ", Dropout(" << network.rate
              << "), " << optimizer << (optimizer == "adam" ? " (eps placed as " + epsilon + " does)" : "") << "; "
              << epochs << " epochs, batch " << batch << ", " << threads << " threads, " << train.rows
              << " training / " << test.rows << " test images\n";
    for (std::uint64_t seed = first; seed <= last; ++seed) {
        const auto r = torch_peer::fit_evaluate(network, train, test,
                                                {.optimizer = optimizer == "adam" ? torch_peer::Optimizer::adam
                                                                                  : torch_peer::Optimizer::sgd,
                                                 .epochs = epochs,
                                                 .batch = batch,
                                                 .seed = seed,
                                                 .keras_epsilon = epsilon == "keras"});
        std::printf("seed %llu train %.4f test %.4f seconds %.1f\n", (unsigned long long)seed, r.train_accuracy,
                    r.test_accuracy, r.seconds);
        std::fflush(stdout);
    }
    return 0;
} catch (const std::exception& e) {
    std::cerr << "torch_accuracy: " << e.what() << '\n';
    return 1;
}
