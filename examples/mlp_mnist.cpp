// Listing 1.3.2 of "Advanced Deep Learning with Keras": the MNIST MLP,
// 784-256-256-10 with ReLU and Dropout(0.45), Adam, 20 epochs at batch 128.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <limits>
#include <optional>

#include "ctnn/ctnn.hpp"
#include "flags.hpp"
#include "listing_model.hpp"

// The model is a type: shapes, parameter count and the fused plan are known
// to the compiler (examples/listing_model.hpp spells it out).
using Mlp = examples::ListingMlp;

int main(int argc, char** argv) try {
    const examples::Flags flags(argc, argv,
                                {{"epochs", "training epochs, >= 1 (default 20)"},
                                 {"batch-size", "batch size, >= 1 (default 128)"},
                                 {"seed", "seed of weights, shuffling and dropout, 0 to 2^64-1 (default 0)"},
                                 {"dropout", "dropout rate, >= 0 and < 1 (default 0.45)"},
                                 {"optimizer", "adam, sgd or rmsprop at Keras' defaults (default adam)"},
                                 {"threads", "OpenMP threads, >= 1 (default: OMP_NUM_THREADS or all cores)"},
                                 {"verbose", "0, 1 or 2 as Keras' fit (default 1)"},
                                 {"save", "write the trained weights to this file (ctnn weight file; its directory must exist)"},
                                 {"validation-split", "fraction of the training rows held out, the last ones, >= 0 and < 1 (default 0)"},
                                 {"dataset", "mnist or fashion (Fashion-MNIST, same shapes; default mnist)"},
                                 {"data", "directory of the IDX files (default: CTNN_MNIST_DIR or data/mnist; "
                                          "for fashion CTNN_FASHION_MNIST_DIR or Debian's dataset-fashion-mnist)"}});
    // Every flag is read and checked before any work (loading MNIST, the
    // summary, hours of training): a typo must not cost a run.
    const std::size_t epochs = flags.get_count("epochs", 20);
    const std::size_t batch_size = flags.get_count("batch-size", 128);
    const std::uint64_t seed = flags.get_seed("seed", 0);
    const double dropout = flags.get_fraction("dropout", 0.45);
    const double validation_split = flags.get_fraction("validation-split", 0.0);
    const int verbose = static_cast<int>(flags.get_int("verbose", 1, 0, 2));
    const int threads = static_cast<int>(flags.get_int("threads", 0, 1, std::numeric_limits<int>::max()));
    const std::string dataset = flags.get("dataset", "mnist");
    if (dataset != "mnist" && dataset != "fashion")
        throw std::invalid_argument("flag --dataset wants mnist or fashion, got '" + dataset + "'");
    const std::string optimizer_name = flags.get("optimizer", "adam");
    std::optional<ctnn::Optimizer> optimizer;
    try {
        optimizer.emplace(optimizer_name);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("flag --optimizer: " + std::string(e.what()));
    }
    const std::filesystem::path save = flags.get_output_file("save", "");
    examples::require_writable_directory(".", "mlp-mnist.png and training-curves.* go to the current directory");
    if (threads > 0) ctnn::set_num_threads(threads);

    // load mnist dataset
    std::optional<std::filesystem::path> dir;
    if (flags.has("data")) dir = flags.get("data", "");
    auto [train, test] = dataset == "fashion" ? ctnn::fashion_mnist::load_data(dir) : ctnn::mnist::load_data(dir);
    // fit refuses a split that leaves no validation row; say so before the summary and the plot.
    if (validation_split > 0.0 &&
        static_cast<std::size_t>(static_cast<double>(train.x.rows()) * (1.0 - validation_split)) == train.x.rows())
        throw std::invalid_argument("flag --validation-split " + flags.get("validation-split", "") +
                                    " leaves no validation rows out of " + std::to_string(train.x.rows()));

    // convert to one-hot vectors; reshape to 784 and scale to [0, 1]
    const auto y_train = ctnn::to_categorical<10>(train.y);
    const auto y_test = ctnn::to_categorical<10>(test.y);
    const auto x_train = train.x.reshape<784>().astype<float>() / 255.0f;
    const auto x_test = test.x.reshape<784>().astype<float>() / 255.0f;

    Mlp model;
    model.layer<3>() = ctnn::Dropout(dropout);
    model.layer<6>() = ctnn::Dropout(dropout);
    model.initialize(seed);
    model.summary();
    const ctnn::PlotResult plot = ctnn::plot_model(model, "mlp-mnist.png", {.show_shapes = true});
    if (!plot.rendered) std::cerr << "mlp_mnist: " << plot.message << '\n';

    // loss function for one-hot vectors, adam optimizer, accuracy metric
    model.compile(ctnn::categorical_crossentropy, *optimizer, {"accuracy"});

    // train the network
    const auto t0 = std::chrono::steady_clock::now();
    const ctnn::History history =
        model.fit(x_train, y_train,
                  {.epochs = epochs, .batch_size = batch_size, .verbose = verbose, .validation_split = validation_split});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // validate the model on the test dataset to determine generalization
    if (!save.empty()) {
        ctnn::save_weights(model, save);
        std::cout << "Saved weights to " << save.string() << '\n';
    }
    if (!ctnn::plot_history(history, "training-curves.png"))
        std::cerr << "mlp_mnist: gnuplot not found; training-curves.csv and .gp written, training-curves.png not drawn\n";

    const ctnn::Evaluation result = model.evaluate(x_test, y_test, {.batch_size = batch_size});
    std::printf("\nTest accuracy: %.1f%%\n", 100.0 * result.accuracy);
    std::printf("Train accuracy (last epoch, dropout on): %.2f%%\n", 100.0 * history["accuracy"].back());
    std::printf("Training wall time: %.1f s (%.2f s/epoch, %d threads)\n", seconds,
                seconds / double(history.epoch.size() ? history.epoch.size() : 1), ctnn::num_threads());
    return 0;
} catch (const std::exception& e) {
    std::cerr << "mlp_mnist: " << e.what() << '\n';
    return 1;
}
