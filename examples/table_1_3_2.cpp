// Table 1.3.2 of "Advanced Deep Learning with Keras": 18 MLP configurations
// on MNIST (layers, regularizer, optimizer, with or without ReLU), 20 epochs
// at batch 128, each trained and measured next to the book's numbers.
//
// Reading of the table's "a-b-c" (stated in docs/table-1.3.2.md): three
// hidden Dense layers of a, b and c units — each followed by ReLU (when the
// row says so) and the row's regularizer — then Dense(10) + softmax. The
// chapter's Listing 1.3.2 (two hidden layers, 269,322 parameters) is
// examples/mlp_mnist. Dropout follows every hidden ReLU; an L2 row puts
// kernel_regularizer=l2(λ) on every hidden Dense.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "ctnn/ctnn.hpp"
#include "flags.hpp"

namespace {

using namespace ctnn;

// The three architectures of the table, as types.
template <std::size_t A, std::size_t B, std::size_t C>
using LinearMlp = Sequential<Input<784>, Dense<A>, Dense<B>, Dense<C>, Dense<10>, Softmax>;
template <std::size_t A, std::size_t B, std::size_t C>
using ReluMlp = Sequential<Input<784>, Dense<A>, ReLU, Dense<B>, ReLU, Dense<C>, ReLU, Dense<10>, Softmax>;
template <std::size_t A, std::size_t B, std::size_t C>
using DropoutMlp = Sequential<Input<784>, Dense<A>, ReLU, Dropout, Dense<B>, ReLU, Dropout, Dense<C>, ReLU, Dropout,
                              Dense<10>, Softmax>;

struct RowSpec {
    const char* layers;
    const char* regularizer_text;
    float l2 = 0.0f;       // kernel_regularizer=l2(l2) on hidden Dense layers when > 0
    double dropout = 0.0;  // rate of every Dropout when the model has them
    const char* optimizer;
    bool relu;
    double book_train;  // %
    double book_test;   // %
};

template <class Model>
struct Row {
    using model = Model;
    RowSpec spec;
};

// The table, in the book's order.
const auto table = std::make_tuple(
    Row<LinearMlp<256, 256, 256>>{{"256-256-256", "None", 0, 0, "sgd", false, 93.65, 92.5}},
    Row<ReluMlp<256, 256, 256>>{{"256-256-256", "L2(0.001)", 0.001f, 0, "sgd", true, 99.35, 98.0}},
    Row<ReluMlp<256, 256, 256>>{{"256-256-256", "L2(0.01)", 0.01f, 0, "sgd", true, 96.90, 96.7}},
    Row<ReluMlp<256, 256, 256>>{{"256-256-256", "None", 0, 0, "sgd", true, 99.93, 98.0}},
    Row<DropoutMlp<256, 256, 256>>{{"256-256-256", "Dropout(0.4)", 0, 0.4, "sgd", true, 98.23, 98.1}},
    Row<DropoutMlp<256, 256, 256>>{{"256-256-256", "Dropout(0.45)", 0, 0.45, "sgd", true, 98.07, 98.1}},
    Row<DropoutMlp<256, 256, 256>>{{"256-256-256", "Dropout(0.5)", 0, 0.5, "sgd", true, 97.68, 98.1}},
    Row<DropoutMlp<256, 256, 256>>{{"256-256-256", "Dropout(0.6)", 0, 0.6, "sgd", true, 97.11, 97.9}},
    Row<DropoutMlp<256, 512, 256>>{{"256-512-256", "Dropout(0.45)", 0, 0.45, "sgd", true, 98.21, 98.2}},
    Row<DropoutMlp<512, 512, 512>>{{"512-512-512", "Dropout(0.2)", 0, 0.2, "sgd", true, 99.45, 98.3}},
    Row<DropoutMlp<512, 512, 512>>{{"512-512-512", "Dropout(0.4)", 0, 0.4, "sgd", true, 98.95, 98.3}},
    Row<DropoutMlp<512, 1024, 512>>{{"512-1024-512", "Dropout(0.45)", 0, 0.45, "sgd", true, 98.90, 98.2}},
    Row<DropoutMlp<1024, 1024, 1024>>{{"1024-1024-1024", "Dropout(0.4)", 0, 0.4, "sgd", true, 99.37, 98.3}},
    Row<DropoutMlp<256, 256, 256>>{{"256-256-256", "Dropout(0.6)", 0, 0.6, "adam", true, 98.64, 98.2}},
    Row<DropoutMlp<256, 256, 256>>{{"256-256-256", "Dropout(0.55)", 0, 0.55, "adam", true, 99.02, 98.3}},
    Row<DropoutMlp<256, 256, 256>>{{"256-256-256", "Dropout(0.45)", 0, 0.45, "adam", true, 99.39, 98.5}},
    Row<DropoutMlp<256, 256, 256>>{{"256-256-256", "Dropout(0.45)", 0, 0.45, "rmsprop", true, 98.75, 98.1}},
    Row<DropoutMlp<128, 128, 128>>{{"128-128-128", "Dropout(0.45)", 0, 0.45, "adam", true, 98.70, 97.7}});

struct Measured {
    double train = 0, test = 0, seconds_per_epoch = 0;
    std::size_t params = 0;
};

// Sets the row's run-time hyper-parameters on every layer that takes them.
template <class Model>
void configure(Model& model, const RowSpec& spec) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (([&] {
             auto& layer = model.template layer<I>();
             using L = std::remove_cvref_t<decltype(layer)>;
             if constexpr (is_dense_v<L>) {
                 if (spec.l2 > 0 && L::units != 10) layer.kernel_regularizer = L2(spec.l2);
             } else if constexpr (std::is_same_v<L, Dropout>) {
                 layer = Dropout(spec.dropout);
             }
         }()),
         ...);
    }(std::make_index_sequence<Model::num_layers>{});
}

template <class Model, class X, class Y, class XT, class YT>
Measured run_row(const RowSpec& spec, const X& x_train, const Y& y_train, const XT& x_test, const YT& y_test,
                 std::size_t epochs, std::size_t batch_size, std::uint64_t seed, int verbose) {
    auto model = std::make_unique<Model>();
    configure(*model, spec);
    model->initialize(seed);
    model->compile(categorical_crossentropy, spec.optimizer, {"accuracy"});
    const auto t0 = std::chrono::steady_clock::now();
    const History history = model->fit(x_train, y_train, {.epochs = epochs, .batch_size = batch_size, .verbose = verbose});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // Train accuracy as Keras' fit log shows it for the last epoch (dropout
    // on); test accuracy from evaluate (dropout off), as the listing does.
    const Evaluation test = model->evaluate(x_test, y_test, {.batch_size = 128, .verbose = 0});
    return {100 * history["accuracy"].back(), 100 * test.accuracy, seconds / double(epochs), Model::param_count};
}

std::set<std::size_t> parse_rows(const std::string& text) {
    std::set<std::size_t> rows;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto dash = item.find('-');
        const std::size_t lo = std::stoul(item.substr(0, dash));
        const std::size_t hi = dash == std::string::npos ? lo : std::stoul(item.substr(dash + 1));
        if (lo < 1 || hi > 18 || lo > hi) throw std::invalid_argument("--rows: '" + item + "' is not within 1-18");
        for (std::size_t r = lo; r <= hi; ++r) rows.insert(r);
    }
    return rows;
}

}  // namespace

int main(int argc, char** argv) try {
    const examples::Flags flags(argc, argv,
                                {{"epochs", "epochs per row (default 20, as the book)"},
                                 {"batch-size", "batch size (default 128, as the listing)"},
                                 {"rows", "rows to run, e.g. 1-4,16 (default all 18)"},
                                 {"seed", "seed of every row (default 0)"},
                                 {"threads", "OpenMP threads"},
                                 {"verbose", "fit's verbosity (default 2: one line per epoch)"},
                                 {"out", "markdown table to write (default docs/table-1.3.2.table.md when all "
                                         "rows run: the table docs/table-1.3.2.md quotes)"},
                                 {"data", "MNIST directory"}});
    if (flags.has("threads")) set_num_threads(static_cast<int>(flags.integer("threads", 1)));
    const auto epochs = static_cast<std::size_t>(flags.integer("epochs", 20));
    const auto seed = static_cast<std::uint64_t>(flags.integer("seed", 0));
    const auto batch_size = static_cast<std::size_t>(flags.integer("batch-size", 128));
    const int verbose = static_cast<int>(flags.integer("verbose", 2));
    const std::set<std::size_t> rows = parse_rows(flags.get("rows", "1-18"));

    std::optional<std::filesystem::path> dir;
    if (flags.has("data")) dir = flags.get("data", "");
    auto [train, test] = mnist::load_data(dir);
    const auto x_train = train.x.reshape<784>().astype<float>() / 255.0f;
    const auto x_test = test.x.reshape<784>().astype<float>() / 255.0f;
    const auto y_train = to_categorical<10>(train.y);
    const auto y_test = to_categorical<10>(test.y);

    std::ostringstream md;
    md << "| # | Layers | Regularizer | Optimizer | ReLU | Params | Train % (book) | Train % (ctnn) | Test % (book) "
          "| Test % (ctnn) | Test Δ | s/epoch |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    std::size_t index = 0;
    std::apply(
        [&](const auto&... row) {
            (([&] {
                 ++index;
                 if (!rows.count(index)) return;
                 using Model = typename std::remove_cvref_t<decltype(row)>::model;
                 const RowSpec& s = row.spec;
                 std::printf("== row %zu: %s %s %s ReLU=%s\n", index, s.layers, s.regularizer_text, s.optimizer,
                             s.relu ? "yes" : "none");
                 std::fflush(stdout);
                 const Measured m = run_row<Model>(s, x_train, y_train, x_test, y_test, epochs, batch_size, seed, verbose);
                 char line[512];
                 std::snprintf(line, sizeof line,
                               "| %zu | %s | %s | %s | %s | %s | %.2f | %.2f | %.1f | %.2f | %+.2f | %.2f |\n", index,
                               s.layers, s.regularizer_text,
                               std::string(s.optimizer) == "sgd" ? "SGD"
                               : std::string(s.optimizer) == "adam" ? "Adam" : "RMSprop",
                               s.relu ? "Yes" : "None", with_thousands(m.params).c_str(), s.book_train, m.train,
                               s.book_test, m.test, m.test - s.book_test, m.seconds_per_epoch);
                 std::printf("%s", line);
                 std::fflush(stdout);
                 md << line;
             }()),
             ...);
        },
        table);

    std::string command = "build/examples/table_1_3_2";
    for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];
    std::cout << "\n" << md.str();
    const std::string out = flags.get("out", rows.size() == 18 ? "docs/table-1.3.2.table.md" : "");
    if (!out.empty()) {
        std::ofstream f(out);
        if (!f) throw std::runtime_error("cannot write " + out);
        f << "<!-- produced by: " << command << " (seed " << seed << ", " << epochs << " epochs, batch " << batch_size
          << ", " << num_threads()
          << " threads) -->\n"
          << md.str();
        std::cout << "wrote " << out << '\n';
    }
    return 0;
} catch (const std::exception& e) {
    std::cerr << "table_1_3_2: " << e.what() << '\n';
    return 1;
}
