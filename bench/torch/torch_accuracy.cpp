// torch_accuracy: Listing 1.3.2 trained in libtorch over a range of seeds,
// the independent peer for ctnn's accuracy (scripts/accuracy-seeds runs both
// and writes docs/accuracy-seeds.md).
//
// Only the data comes through ctnn (its MNIST loader: the same bytes, scaled
// by 1/255 as the listing does). Weights, shuffles and dropout masks are
// drawn by libtorch from torch::manual_seed(seed); see torch_peer::fit_evaluate.
//
//   build-bench/bench/torch_accuracy [--seeds 0-9] [--epochs 20] [--batch-size 128]
//                                    [--threads 2] [--epsilon keras|torch] [--data DIR]
// One line per seed: "seed S train T test A seconds W" (accuracies as fractions).
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <iostream>
#include <string>
#include <vector>

#include "ctnn/data/mnist.hpp"
#include "torch_mlp.hpp"
#include "../../examples/flags.hpp"

namespace {

struct Owned {
    std::vector<float> x;
    std::vector<std::int64_t> labels;
    torch_peer::Samples samples() const { return {x.data(), labels.data(), labels.size()}; }
};

template <class Set>
Owned to_floats(const Set& set) {
    Owned o;
    o.x.resize(set.x.size());
    for (std::size_t i = 0; i < o.x.size(); ++i) o.x[i] = float(set.x.data()[i]) / 255.0f;
    o.labels.assign(set.y.data(), set.y.data() + set.y.size());
    return o;
}

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

}  // namespace

int main(int argc, char** argv) try {
    const examples::Flags flags(argc, argv,
                                {{"seeds", "seeds to train with, A-B inclusive (default 0-9)"},
                                 {"epochs", "epochs per run (default 20)"},
                                 {"batch-size", "batch size (default 128)"},
                                 {"threads", "torch threads (default 2)"},
                                 {"epsilon", "where Adam adds eps: keras (to sqrt(v), the default) or torch "
                                             "(to the bias-corrected sqrt(v))"},
                                 {"data", "directory of the MNIST files (default: ctnn::mnist's)"}});
    const auto [first, last] = seed_range(flags.get("seeds", "0-9"));
    const auto epochs = flags.integer("epochs", 20), batch = flags.integer("batch-size", 128),
               threads = flags.integer("threads", 2);
    if (epochs < 1 || batch < 1 || threads < 1)
        throw std::invalid_argument("--epochs, --batch-size and --threads must be at least 1");
    const std::string epsilon = flags.get("epsilon", "keras");
    if (epsilon != "keras" && epsilon != "torch")
        throw std::invalid_argument("flag --epsilon wants keras or torch, got '" + epsilon + "'");
    if (!torch_peer::keras_epsilon_matches()) {
        std::cerr << "torch_accuracy: SELF-CHECK FAILED: libtorch's Adam with the adjusted eps does not give Keras' "
                     "update\n";
        return 1;
    }
    torch_peer::Mlp::set_num_threads(int(threads));

    std::optional<std::filesystem::path> dir;
    if (flags.has("data")) dir = flags.get("data", "");
    const auto [train_set, test_set] = ctnn::mnist::load_data(dir);
    const Owned train = to_floats(train_set), test = to_floats(test_set);
    std::cout << "libtorch, Listing 1.3.2: " << epochs << " epochs, batch " << batch << ", " << threads
              << " threads, Adam's eps placed as " << epsilon << " does, " << train.labels.size() << " training / "
              << test.labels.size() << " test images\n";
    for (std::uint64_t seed = first; seed <= last; ++seed) {
        const auto r = torch_peer::fit_evaluate({784, 256, 10, 0.45f}, train.samples(), test.samples(),
                                                {.epochs = std::size_t(epochs),
                                                 .batch = std::size_t(batch),
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
