#pragma once
// ctnn::Sequential — a network that is a type, with Keras' calls.
//
// Contract: Sequential<Ls...> takes layer types in Keras' order, starting
// with Input<...> (or a Dense stating its input_dim); nested Sequential<...>
// stacks are spliced in. Every shape and the parameter count are compile-time
// constants (`input_shape`, `output_shape`, `param_count`); a dimension
// mismatch is a compile error naming the layer position and both shapes.
// `plan` / `train_plan<Loss>` are the fused execution plans (model/plan.hpp).
// Run time knows only the batch size, the data and the hyper-parameters that
// are not structure (dropout rate, regularizers, optimizer, learning rate).
// Guarantees:
//   - weights start as Keras' (glorot_uniform kernels, zero biases), drawn
//     from one generator seeded by `initialize(seed)` (default seed 0); the
//     same seed and thread count give the same weights after training;
//   - after the first batch of a given size, train_on_batch and
//     predict_on_batch allocate nothing;
//   - fit / evaluate / predict / summary print and return what Keras does.
// Not thread-safe: one model, one caller at a time (inference scratch lives
// in the model).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <numeric>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "ctnn/core/aligned_allocator.hpp"
#include "ctnn/core/diagnostics.hpp"
#include "ctnn/core/random.hpp"
#include "ctnn/core/tensor.hpp"
#include "ctnn/kernels/gemm.hpp"
#include "ctnn/kernels/row_pair.hpp"
#include "ctnn/kernels/transpose.hpp"
#include "ctnn/model/epilogues.hpp"
#include "ctnn/model/layer_info.hpp"
#include "ctnn/model/plan.hpp"
#include "ctnn/model/stack.hpp"
#include "ctnn/model/summary.hpp"
#include "ctnn/train/callbacks.hpp"
#include "ctnn/train/history.hpp"
#include "ctnn/train/losses.hpp"
#include "ctnn/train/optimizer.hpp"
#include "ctnn/train/progbar.hpp"

namespace ctnn {

// A loss chosen at run time among Keras' names; each alternative selects its
// own compile-time training plan.
using Loss = std::variant<CategoricalCrossentropy, BinaryCrossentropy, MeanSquaredError, MeanAbsoluteError>;

inline Loss loss_from_name(std::string_view name) {
    if (name == CategoricalCrossentropy::name) return CategoricalCrossentropy{};
    if (name == BinaryCrossentropy::name) return BinaryCrossentropy{};
    if (name == MeanSquaredError::name || name == "mse") return MeanSquaredError{};
    if (name == MeanAbsoluteError::name || name == "mae") return MeanAbsoluteError{};
    throw std::invalid_argument("ctnn::compile: unknown loss '" + std::string(name) +
                                "' (known: categorical_crossentropy, binary_crossentropy, mean_squared_error, "
                                "mean_absolute_error)");
}

// fit()'s keyword arguments, with Keras' defaults.
struct FitOptions {
    std::size_t epochs = 1;
    std::size_t batch_size = 32;
    int verbose = 1;                 // 0 silent, 1 progress bar, 2 one line per epoch
    CallbackList callbacks{};
    double validation_split = 0.0;   // the last fraction of x / y, taken before shuffling
    bool shuffle = true;             // per epoch, from the model's seed
    std::size_t initial_epoch = 0;
    bool check_inputs = false;       // scan x and y for NaN / inf first (one pass), throw naming the row
    std::ostream* out = &std::cout;
};

// fit(x, y, options, validation_data(x_val, y_val)) — overrides validation_split.
template <class X, class Y>
struct ValidationData {
    const X& x;
    const Y& y;
};
template <class X, class Y>
ValidationData<X, Y> validation_data(const X& x, const Y& y) {
    return {x, y};
}

struct EvaluateOptions {
    std::size_t batch_size = 32;
    int verbose = 1;
    std::ostream* out = &std::cout;
};

struct Evaluation {
    double loss = 0.0;
    double accuracy = 0.0;
};

// Parameters of the Dense at some position: kernel K x N (Keras' layout),
// bias N, their gradients, and W^T for the input-gradient product.
template <std::size_t K, std::size_t N>
struct DenseParams {
    static constexpr std::size_t rows = K, cols = N;
    aligned_vector<float> kernel = aligned_vector<float>(K * N);
    aligned_vector<float> bias = aligned_vector<float>(N);
    aligned_vector<float> kernel_grad = aligned_vector<float>(K * N);
    aligned_vector<float> bias_grad = aligned_vector<float>(N);
    aligned_vector<float> kernel_t = aligned_vector<float>(N * K);
};
struct NoParams {};

namespace detail {
template <class Shape>
struct tensor_of;
template <std::size_t... Ds>
struct tensor_of<Shape<Ds...>> {
    using type = Tensor<float, Ds...>;
};

template <class P>
struct plan_steps;
template <class... Steps>
struct plan_steps<Plan<Steps...>> {
    using tuple = std::tuple<Steps...>;
};

struct StepContext {
    std::size_t rows = 0;
    bool training = false;
    std::uint64_t seed = 0;
    std::uint64_t iteration = 0;
};

template <class T>
inline constexpr bool is_sequential_v = false;
template <class... Ls>
inline constexpr bool is_sequential_v<Sequential<Ls...>> = true;
}  // namespace detail

template <class... Ls>
class Sequential {
    using stack = detail::Stack<Ls...>;

public:
    static constexpr std::size_t num_layers = stack::size;
    template <std::size_t I>
    using layer_type = typename stack::template layer<I>;
    template <std::size_t I>
    using layer_input_shape = typename stack::template input_shape<I>;
    template <std::size_t I>
    using layer_output_shape = typename stack::template output_shape<I>;
    using input_shape = layer_input_shape<0>;
    using output_shape = layer_output_shape<num_layers - 1>;
    using input_tensor = typename detail::tensor_of<input_shape>::type;
    using output_tensor = typename detail::tensor_of<output_shape>::type;
    static constexpr std::size_t input_width = input_shape::size;
    static constexpr std::size_t output_width = output_shape::size;
    static constexpr std::size_t param_count = stack::param_count;
    using plan = plan_t<stack>;
    template <class L>
    using train_plan = train_plan_t<stack, L>;

    Sequential() { initialize(0); }
    // Hyper-parameters by value, in layer order (no nested stacks here):
    //   Sequential m{Input<784>{}, Dense<256>{}, ReLU{}, Dropout{0.45}, ...};
    explicit Sequential(Ls... layers)
        requires(!(detail::is_sequential_v<Ls> || ...))
        : specs_(std::move(layers)...) {
        initialize(0);
    }

    // ---- layers and weights -------------------------------------------------
    template <std::size_t I>
    layer_type<I>& layer() noexcept { return std::get<I>(specs_); }
    template <std::size_t I>
    const layer_type<I>& layer() const noexcept { return std::get<I>(specs_); }
    template <std::size_t I>
    auto& params() noexcept {
        static_assert(is_dense_v<layer_type<I>>, "ctnn::Sequential::params<I>: layer I is not a Dense");
        return std::get<I>(params_);
    }
    template <std::size_t I>
    const auto& params() const noexcept {
        static_assert(is_dense_v<layer_type<I>>, "ctnn::Sequential::params<I>: layer I is not a Dense");
        return std::get<I>(params_);
    }

    // Re-draws every weight from `seed` (glorot_uniform kernels, zero biases)
    // and makes `seed` the source of all later randomness (shuffling, dropout).
    void initialize(std::uint64_t seed) {
        seed_ = seed;
        rng_ = Generator(seed);
        iteration_ = 0;
        for_each_layer([&]<std::size_t I>() {
            if constexpr (is_dense_v<layer_type<I>>) {
                auto& p = std::get<I>(params_);
                using P = std::remove_cvref_t<decltype(p)>;
                const float limit = std::sqrt(6.0f / static_cast<float>(P::rows + P::cols));
                for (auto& w : p.kernel) w = rng_.uniform(-limit, limit);
                std::fill(p.bias.begin(), p.bias.end(), 0.0f);
            }
        });
        optimizer_.reset();
    }
    std::uint64_t seed() const noexcept { return seed_; }

    // ---- Keras' façade --------------------------------------------------------
    // Every layer as Keras names and shapes it, the InputLayer first.
    std::vector<LayerInfo> layer_info() const {
        std::vector<LayerInfo> rows;
        std::vector<std::pair<std::string, int>> counters;
        // Keras' Sequential names its implicit input after the first layer: "dense_1_input".
        rows.push_back({"", "InputLayer", input_shape::to_string(), input_shape::to_string(), 0, {}});
        for_each_layer([&]<std::size_t I>() {
            using T = layer_traits<layer_type<I>>;
            if constexpr (T::role == Role::input) return;  // the model's Input, or a check where stacks join
            detail::append_layer_info(rows, counters, T::prefix, T::class_name, layer_input_shape<I>::to_string(),
                                      layer_output_shape<I>::to_string(), T::template params<layer_input_shape<I>>,
                                      activation_name_of<layer_type<I>>());
        });
        rows[0].name = rows.size() > 1 ? rows[1].name + "_input" : "input_1";
        return rows;
    }
    std::vector<SummaryRow> summary_rows() const {
        std::vector<SummaryRow> rows;
        for (const LayerInfo& l : layer_info())
            if (l.class_name != "InputLayer") rows.push_back({l.name + " (" + l.class_name + ")", l.output_shape, l.params});
        return rows;
    }
    std::string summary_text() const { return format_summary(summary_rows(), param_count, param_count); }
    void summary(std::ostream& out = std::cout) const { out << summary_text(); }

    // compile(loss, optimizer, metrics): loss and optimizer by value or by
    // Keras' name; "accuracy" (or "acc") is the only metric (resolved as Keras
    // does: binary for one output unit, categorical otherwise) and is logged
    // under the name given, as Keras logs it: "acc" gives "acc" and "val_acc".
    void compile(Loss loss, Optimizer optimizer = Adam{}, std::vector<std::string> metrics = {"accuracy"}) {
        for (std::size_t i = 0; i < metrics.size(); ++i) {
            if (metrics[i] != "accuracy" && metrics[i] != "acc")
                throw std::invalid_argument("ctnn::compile: unknown metric '" + metrics[i] + "' (known: accuracy, acc)");
            if (std::find(metrics.begin(), metrics.begin() + std::ptrdiff_t(i), metrics[i]) != metrics.begin() + std::ptrdiff_t(i))
                throw std::invalid_argument("ctnn::compile: metric '" + metrics[i] + "' is listed twice");
        }
        loss_ = loss;
        optimizer_ = std::move(optimizer);
        metric_names_ = std::move(metrics);
        compiled_ = true;
    }
    void compile(std::string_view loss, Optimizer optimizer = Adam{}, std::vector<std::string> metrics = {"accuracy"}) {
        compile(loss_from_name(loss), std::move(optimizer), std::move(metrics));
    }
    Optimizer& optimizer() noexcept { return optimizer_; }
    const Optimizer& optimizer() const noexcept { return optimizer_; }
    const Loss& loss() const noexcept { return loss_; }

    template <class T, std::size_t... Xs, std::size_t... Ys>
    History fit(const Tensor<T, Xs...>& x, const Tensor<float, Ys...>& y, const FitOptions& opt = {}) {
        static_assert(std::is_same_v<T, float>, "ctnn::fit: x must be float (x.astype<float>() / 255.0f)");
        check_data_shapes<Shape<Xs...>, Shape<Ys...>>();
        check_rows("fit", x.rows(), y.rows());
        if (!(opt.validation_split >= 0.0 && opt.validation_split < 1.0))
            throw std::invalid_argument("ctnn::fit: validation_split must be in [0, 1), got " +
                                        std::to_string(opt.validation_split));
        // Keras: the validation rows are the last ones, split before any shuffling.
        const std::size_t n_train =
            static_cast<std::size_t>(static_cast<double>(x.rows()) * (1.0 - opt.validation_split));
        if (opt.validation_split > 0.0 && n_train == x.rows())
            throw std::invalid_argument("ctnn::fit: validation_split " + std::to_string(opt.validation_split) +
                                        " leaves no validation rows out of " + std::to_string(x.rows()));
        const Rows val = opt.validation_split > 0.0
                             ? Rows{x.row(n_train), y.row(n_train), x.rows() - n_train}
                             : Rows{};
        return fit_rows({x.data(), y.data(), n_train}, val, opt);
    }

    template <class T, std::size_t... Xs, std::size_t... Ys, class VX, class VY>
    History fit(const Tensor<T, Xs...>& x, const Tensor<float, Ys...>& y, const FitOptions& opt,
                const ValidationData<VX, VY>& validation) {
        static_assert(std::is_same_v<T, float>, "ctnn::fit: x must be float (x.astype<float>() / 255.0f)");
        check_data_shapes<Shape<Xs...>, Shape<Ys...>>();
        check_data_shapes<typename VX::shape, typename VY::shape>();
        check_rows("fit", x.rows(), y.rows());
        check_rows("fit (validation_data)", validation.x.rows(), validation.y.rows());
        return fit_rows({x.data(), y.data(), x.rows()}, {validation.x.data(), validation.y.data(), validation.x.rows()},
                        opt);
    }

    template <class T, std::size_t... Xs, std::size_t... Ys>
    Evaluation evaluate(const Tensor<T, Xs...>& x, const Tensor<float, Ys...>& y, const EvaluateOptions& opt = {}) {
        static_assert(std::is_same_v<T, float>, "ctnn::evaluate: x must be float");
        check_data_shapes<Shape<Xs...>, Shape<Ys...>>();
        check_rows("evaluate", x.rows(), y.rows());
        return evaluate_rows({x.data(), y.data(), x.rows()}, opt);
    }

    // All parameters in one vector (layer order, kernel then bias), like
    // Keras' get_weights() flattened; set_weights takes the same layout.
    std::vector<float> get_weights() const {
        std::vector<float> w;
        w.reserve(param_count);
        for_each_layer([&]<std::size_t I>() {
            if constexpr (is_dense_v<layer_type<I>>) {
                const auto& p = std::get<I>(params_);
                w.insert(w.end(), p.kernel.begin(), p.kernel.end());
                w.insert(w.end(), p.bias.begin(), p.bias.end());
            }
        });
        return w;
    }
    void set_weights(std::span<const float> w) {
        if (w.size() != param_count)
            throw std::invalid_argument("ctnn::set_weights: " + std::to_string(w.size()) + " values given, the model has " +
                                        std::to_string(param_count) + " parameters");
        std::size_t at = 0;
        for_each_layer([&]<std::size_t I>() {
            if constexpr (is_dense_v<layer_type<I>>) {
                auto& p = std::get<I>(params_);
                std::copy_n(w.data() + at, p.kernel.size(), p.kernel.begin());
                at += p.kernel.size();
                std::copy_n(w.data() + at, p.bias.size(), p.bias.begin());
                at += p.bias.size();
            }
        });
    }

    // Everything besides weights and optimizer moments that decides what the
    // next step does: the seed (dropout keys), the step count and the
    // shuffling generator. Saving and restoring it resumes training exactly.
    struct TrainingState {
        std::uint64_t seed = 0;
        std::uint64_t iteration = 0;
        std::uint64_t generator = 0;
    };
    TrainingState training_state() const noexcept { return {seed_, iteration_, rng_.state()}; }
    void set_training_state(const TrainingState& s) noexcept {
        seed_ = s.seed;
        iteration_ = s.iteration;
        rng_ = Generator(s.generator);
    }

    template <class T, std::size_t... Xs>
    output_tensor predict(const Tensor<T, Xs...>& x, std::size_t batch_size = 32) {
        static_assert(std::is_same_v<T, float>, "ctnn::predict: x must be float");
        check_data_shapes<Shape<Xs...>, output_shape>();
        if (batch_size == 0) throw std::invalid_argument("ctnn::predict: batch_size must be at least 1");
        output_tensor out(x.rows());
        for (std::size_t first = 0; first < x.rows(); first += batch_size) {
            const std::size_t rows = std::min(batch_size, x.rows() - first);
            predict_on_batch(x.row(first), rows, out.row(first));
        }
        return out;
    }

    // ---- one sample, const ---------------------------------------------------------
    // Inference on one sample: no allocation (scratch on the stack, sized by
    // the widest step at compile time), no shared state — safe to call from
    // several threads at once on one trained model. Dropout off.
    // Batch-1 latency is weight streaming, so the weights are split between
    // the cores: two Dense steps in a row whose kernels total 256 KB or more
    // run as one kernels::row_pair (each core computes its columns of the
    // first and, from those alone, its rows of the second; the second's sum
    // is split into up to four fixed parts, so predict_one can differ from
    // predict by rounding, never with the thread count); any other Dense
    // with a kernel of 256 KB or more is split by columns. Inside an OpenMP
    // parallel region it runs on the calling thread alone; a program calling
    // it from threads of its own can make each call serial with
    // ctnn::set_num_threads(1) in those threads (or OMP_NUM_THREADS=1).
    std::array<float, output_width> predict_one(std::span<const float, input_width> x) const {
        std::array<float, max_step_width()> a, b;
        float* bufs[2] = {a.data(), b.data()};
        const float* y = infer_steps<0>(x.data(), bufs);
        std::array<float, output_width> out;
        std::copy_n(y, output_width, out.begin());
        return out;
    }

    // ---- one batch ------------------------------------------------------------
    // x: rows x input_width, out: rows x output_width. Dropout off.
    void predict_on_batch(const float* x, std::size_t rows, float* out) {
        ensure_capacity(rows);
        const detail::StepContext ctx{rows, false, seed_, iteration_};
        forward<false>(ctx, x);
        const float* y = last_output();
        std::copy_n(y, rows * output_width, out);
    }

    // One optimizer step on a batch (x: rows x input_width, y: rows x
    // output_width); returns the batch's loss (with regularization) and
    // accuracy as fit() accumulates them.
    Evaluation train_on_batch(const float* x, const float* y, std::size_t rows) {
        require_compiled("train_on_batch");
        ensure_capacity(rows);
        return std::visit([&]<class L>(const L&) { return train_batch<L>(x, y, rows); }, loss_);
    }

    // The training loss of a batch (dropout on, with the mask of the current
    // step, regularization included) and its gradient in every Dense's
    // kernel_grad / bias_grad — what train_on_batch would apply, without
    // applying it. Repeated calls see the same dropout mask, so finite
    // differences of the returned loss check the gradients.
    Evaluation compute_gradients(const float* x, const float* y, std::size_t rows) {
        require_compiled("compute_gradients");
        ensure_capacity(rows);
        return std::visit([&]<class L>(const L&) { return gradient_batch<L, false>(x, y, rows); }, loss_);
    }

    // Sum of the kernel and bias regularization penalties (Keras' model.losses).
    double regularization_penalty() const {
        double s = 0.0;
        for_each_layer([&]<std::size_t I>() {
            if constexpr (is_dense_v<layer_type<I>>) {
                const auto& p = std::get<I>(params_);
                const auto& l = std::get<I>(specs_);
                s += l.kernel_regularizer.penalty(p.kernel.data(), p.kernel.size());
                s += l.bias_regularizer.penalty(p.bias.data(), p.bias.size());
            }
        });
        return s;
    }

    std::int64_t iterations() const noexcept { return static_cast<std::int64_t>(iteration_); }

private:
    // A run of rows of data: x rows x input_width floats, y rows x output_width.
    struct Rows {
        const float* x = nullptr;
        const float* y = nullptr;
        std::size_t count = 0;
    };

    // The callbacks' view of this model during fit.
    struct Access final : ModelAccess {
        Sequential& model;
        std::ostream& stream;
        bool stop = false;
        Logs* epoch_logs = nullptr;  // during on_epoch_end
        Access(Sequential& m, std::ostream& o) : model(m), stream(o) {}
        void stop_training() override { stop = true; }
        void set_epoch_log(const std::string& name, double value) override {
            if (epoch_logs == nullptr)
                throw std::logic_error("ctnn::ModelAccess::set_epoch_log: only during on_epoch_end (adding '" + name + "')");
            epoch_logs->set(name, value);
        }
        float learning_rate() const override { return model.optimizer_.learning_rate(); }
        void set_learning_rate(float lr) override { model.optimizer_.set_learning_rate(lr); }
        std::vector<float> get_weights() const override { return model.get_weights(); }
        void set_weights(const std::vector<float>& w) override { model.set_weights(w); }
        void save(const std::filesystem::path& file, bool weights_only) override {
            // Found by ADL in ctnn/io/weights.hpp (included by ctnn.hpp); the
            // model does not depend on the file format otherwise.
            if constexpr (requires(Sequential& m) { save_weights(m, file, true); })
                save_weights(model, file, !weights_only);
            else
                throw std::logic_error("ctnn::ModelCheckpoint: include ctnn/io/weights.hpp to save weights");
        }
        std::ostream& out() override { return stream; }
    };

    // Throws std::invalid_argument naming the first non-finite value.
    static void check_finite(const char* what, const Rows& r) {
        const auto scan = [&](const float* p, std::size_t width, const char* name) {
            for (std::size_t i = 0; i < r.count * width; ++i)
                if (!std::isfinite(p[i]))
                    throw std::invalid_argument(std::string("ctnn::") + what + ": " + name + " row " +
                                                std::to_string(i / width) + ", column " + std::to_string(i % width) +
                                                " is " + std::to_string(p[i]) + " (not finite)");
        };
        scan(r.x, input_width, "x");
        scan(r.y, output_width, "y");
    }

    History fit_rows(const Rows& train, const Rows& val, const FitOptions& opt) {
        require_compiled("fit");
        if (opt.check_inputs) {
            check_finite("fit", train);
            if (val.count) check_finite("fit (validation)", val);
        }
        if (opt.batch_size == 0) throw std::invalid_argument("ctnn::fit: batch_size must be at least 1");
        if (train.count == 0) throw std::invalid_argument("ctnn::fit: no training rows");
        const std::size_t n = train.count;
        const std::size_t steps = (n + opt.batch_size - 1) / opt.batch_size;
        std::vector<std::size_t> order(n);
        History history;
        std::ostream& out = *opt.out;
        const bool interactive = opt.out == &std::cout && Progbar::stdout_is_terminal();
        Access access(*this, out);
        for (Callback* cb : opt.callbacks) cb->on_train_begin(access);
        // As in Keras, a stop is seen after a batch and after an epoch, so an
        // epoch that begins runs at least one batch and every epoch recorded
        // has its loss.
        for (std::size_t epoch = opt.initial_epoch; epoch < opt.epochs; ++epoch) {
            for (Callback* cb : opt.callbacks) cb->on_epoch_begin(epoch, access);
            // Keras' ProgbarLogger names the epoch only when there are several.
            if (opt.verbose && opt.epochs > 1) out << "Epoch " << epoch + 1 << '/' << opt.epochs << '\n' << std::flush;
            // The epoch's order depends only on the generator's state, so a
            // fit resumed from a saved training_state() repeats it exactly.
            std::iota(order.begin(), order.end(), std::size_t{0});
            if (opt.shuffle)
                for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng_.below(i)]);
            Progbar bar(steps, opt.verbose, out, interactive);
            double loss_sum = 0.0, correct = 0.0;
            std::size_t seen = 0;
            bool warned = false;
            Logs logs;
            for (std::size_t s = 0; s < steps; ++s) {
                const std::size_t first = s * opt.batch_size;
                const std::size_t rows = std::min(opt.batch_size, n - first);
                ensure_capacity(rows);
                for (std::size_t r = 0; r < rows; ++r) {
                    const std::size_t src = order[first + r];
                    std::copy_n(train.x + src * input_width, input_width, batch_x_.data() + r * input_width);
                    std::copy_n(train.y + src * output_width, output_width, batch_y_.data() + r * output_width);
                }
                const Evaluation e = train_on_batch(batch_x_.data(), batch_y_.data(), rows);
                if (!std::isfinite(e.loss) && !warned) {
                    // Never silent: TerminateOnNaN stops here; without it, say where it began.
                    out << "\nWARNING: loss is " << e.loss << " at epoch " << epoch + 1 << ", batch " << s
                        << " (add ctnn::TerminateOnNaN to stop training there)\n";
                    warned = true;
                }
                loss_sum += e.loss * static_cast<double>(rows);
                correct += e.accuracy * static_cast<double>(rows);
                seen += rows;
                // Keras' batch logs are the epoch's running means so far.
                logs = epoch_logs(loss_sum / double(seen), correct / double(seen));
                for (Callback* cb : opt.callbacks) cb->on_batch_end(s, logs, access);
                if (access.stop) break;
                if (opt.verbose && s + 1 < steps) bar.update(s + 1, logs.values);
            }
            if (val.count > 0) {
                const Evaluation v = evaluate_rows(val, {.batch_size = opt.batch_size, .verbose = 0, .out = opt.out});
                if (!std::isfinite(v.loss))
                    out << "WARNING: val_loss is " << v.loss << " at epoch " << epoch + 1
                        << " (a non-finite weight, or validation data; fit's check_inputs checks the data)\n";
                logs.set("val_loss", v.loss);
                for (const std::string& name : metric_names_) logs.set("val_" + name, v.accuracy);
            }
            if (opt.verbose) bar.update(steps, logs.values);  // Keras finalizes at the target, stopped or not
            // Callbacks may add to the logs (LearningRateScheduler's "lr");
            // History, last in Keras' callback list, records what they left.
            access.epoch_logs = &logs;
            for (Callback* cb : opt.callbacks) cb->on_epoch_end(epoch, logs, access);
            access.epoch_logs = nullptr;
            history.epoch.push_back(epoch);
            for (const auto& [name, value] : logs.values) history.record(name, value);
            if (access.stop) break;
        }
        for (Callback* cb : opt.callbacks) cb->on_train_end(access);
        return history;
    }

    Evaluation evaluate_rows(const Rows& data, const EvaluateOptions& opt) {
        require_compiled("evaluate");
        if (opt.batch_size == 0) throw std::invalid_argument("ctnn::evaluate: batch_size must be at least 1");
        const std::size_t n = data.count;
        const std::size_t steps = (n + opt.batch_size - 1) / opt.batch_size;
        const bool interactive = opt.out == &std::cout && Progbar::stdout_is_terminal();
        Progbar bar(steps, opt.verbose, *opt.out, interactive);
        double loss_sum = 0.0, correct = 0.0;
        const double penalty = regularization_penalty();
        for (std::size_t s = 0; s < steps; ++s) {
            const std::size_t first = s * opt.batch_size;
            const std::size_t rows = std::min(opt.batch_size, n - first);
            const Evaluation e = std::visit(
                [&]<class L>(const L&) {
                    return test_batch<L>(data.x + first * input_width, data.y + first * output_width, rows);
                },
                loss_);
            loss_sum += e.loss * double(rows);
            correct += e.accuracy * double(rows);
            if (opt.verbose)
                bar.update(s + 1, epoch_logs(loss_sum / double(first + rows) + penalty, correct / double(first + rows)).values);
        }
        return {n ? loss_sum / double(n) + penalty : 0.0, n ? correct / double(n) : 0.0};
    }

    Logs epoch_logs(double loss, double acc) const {
        Logs l;
        l.values.push_back({"loss", loss});
        for (const std::string& name : metric_names_) l.values.push_back({name, acc});
        return l;
    }

    using steps_tuple = typename detail::plan_steps<plan>::tuple;
    static constexpr std::size_t num_steps = plan::size;
    template <std::size_t S>
    using step = std::tuple_element_t<S, steps_tuple>;

    struct StepBuffers {
        aligned_vector<float> out, grad;
        aligned_vector<float> preact;  // z, kept only while an activity regularizer is on
    };

    template <class F>
    static void for_each_layer(F&& f) {
        [&]<std::size_t... I>(std::index_sequence<I...>) { (f.template operator()<I>(), ...); }(
            std::make_index_sequence<num_layers>{});
    }

    template <std::size_t I>
    static auto make_params() {
        if constexpr (is_dense_v<layer_type<I>>)
            return DenseParams<layer_input_shape<I>::size, layer_type<I>::units>{};
        else
            return NoParams{};
    }
    using params_tuple = decltype([]<std::size_t... I>(std::index_sequence<I...>) {
        return std::tuple<decltype(make_params<I>())...>{};
    }(std::make_index_sequence<num_layers>{}));

    template <class X, class Y>
    static constexpr void check_data_shapes() {
        // The input shape itself, or flat data of its size for a model whose
        // Input is shaped (e.g. Input<28, 28> + Flatten); any other shape is a
        // mismatch, whatever its size.
        if constexpr (!(X::rank == 1 && X::size == input_shape::size))
            static_assert(detail::check_shape<at_layer<0>, input_shape, X>());
        static_assert(detail::check_shape<at_layer<num_layers - 1>, output_shape, Y>());
    }
    void require_compiled(const char* what) const {
        if (!compiled_)
            throw std::logic_error(std::string("ctnn::") + what +
                                   ": the model must be compiled first (model.compile(loss, optimizer))");
    }
    static void check_rows(const char* what, std::size_t xr, std::size_t yr) {
        if (xr != yr)
            throw std::invalid_argument(std::string("ctnn::") + what + ": x has " + std::to_string(xr) +
                                        " rows but y has " + std::to_string(yr));
    }

    void ensure_capacity(std::size_t rows) {
        if (rows <= capacity_) return;
        capacity_ = rows;
        batch_x_.resize(rows * input_width);
        batch_y_.resize(rows * output_width);
        [&]<std::size_t... S>(std::index_sequence<S...>) {
            ((buffers_[S].out.resize(rows * step<S>::out_width), buffers_[S].grad.resize(rows * step<S>::out_width)),
             ...);
        }(std::make_index_sequence<num_steps>{});
    }

    const float* last_output() const { return buffers_[num_steps - 1].out.data(); }
    template <std::size_t S>
    const float* step_input(const float* x) const {
        if constexpr (S == 0) return x;
        else return buffers_[S - 1].out.data();
    }

    // ---- forward ----------------------------------------------------------------
    template <bool LogitsOut>
    void forward(const detail::StepContext& ctx, const float* x) {
        [&]<std::size_t... S>(std::index_sequence<S...>) {
            (forward_step<S, LogitsOut && S + 1 == num_steps>(ctx, step_input<S>(x), step<S>{}), ...);
        }(std::make_index_sequence<num_steps>{});
    }

    template <std::size_t At>
    std::uint32_t dropout_key_at(const detail::StepContext& ctx) const {
        return dropout_key(ctx.seed, ctx.iteration, At);
    }

    template <std::size_t S, bool LogitsOut, std::size_t At, std::size_t K, std::size_t N, class Act, std::size_t ActAt,
              std::size_t DropAt>
    void forward_step(const detail::StepContext& ctx, const float* x, DenseStep<At, K, N, Act, ActAt, DropAt>) {
        const auto& p = std::get<At>(params_);
        const float* bias = p.bias.data();
        float* y = buffers_[S].out.data();
        const Act& act = activation_at<At, ActAt>();
        if (std::get<At>(specs_).activity_regularizer.active()) {
            // Rare path: keep z for the activity penalty, then finish as usual.
            auto& z = buffers_[S].preact;
            if (z.size() < ctx.rows * N) z.resize(capacity_ * N);
            kernels::gemm<N, K>(ctx.rows, K, x, K, 1, p.kernel.data(), z.data(), false, detail::AddBias{bias});
            std::copy_n(z.data(), ctx.rows * N, y);
            finish_forward<S, LogitsOut, At, N, Act, DropAt>(ctx, y, act);
            return;
        }
        if constexpr (std::is_same_v<Act, Softmax>) {
            kernels::gemm<N, K>(ctx.rows, K, x, K, 1, p.kernel.data(), y, false, detail::AddBias{bias});
            if constexpr (!LogitsOut)
                for (std::size_t i = 0; i < ctx.rows; ++i) Softmax::apply_row(y + i * N, N);
        } else if constexpr (DropAt != no_layer) {
            if (ctx.training) {
                const Dropout& d = std::get<DropAt>(specs_);
                kernels::gemm<N, K>(
                    ctx.rows, K, x, K, 1, p.kernel.data(), y, false,
                    detail::BiasActivationDropout<N, Act>{bias, act, dropout_key_at<DropAt>(ctx), d.threshold(), d.scale()});
                return;
            }
            forward_dense_plain<N, K>(ctx.rows, x, p, y, act);
        } else {
            forward_dense_plain<N, K>(ctx.rows, x, p, y, act);
        }
    }

    // Activation and dropout over z already in y (the activity-regularizer path).
    template <std::size_t S, bool LogitsOut, std::size_t At, std::size_t N, class Act, std::size_t DropAt>
    void finish_forward(const detail::StepContext& ctx, float* y, const Act& act) {
        if constexpr (std::is_same_v<Act, Softmax>) {
            if constexpr (!LogitsOut)
                for (std::size_t i = 0; i < ctx.rows; ++i) Softmax::apply_row(y + i * N, N);
        } else {
            for (std::size_t k = 0; k < ctx.rows * N; ++k) y[k] = act(y[k]);
            if constexpr (DropAt != no_layer) {
                if (ctx.training) {
                    const Dropout& d = std::get<DropAt>(specs_);
                    const std::uint32_t thr = d.threshold(), key = dropout_key_at<DropAt>(ctx);
                    for (std::size_t k = 0; k < ctx.rows * N; ++k)
                        y[k] = counter_bits(key, static_cast<std::uint32_t>(k)) >= thr ? y[k] * d.scale() : 0.0f;
                }
            }
        }
    }

    // The activity penalty of the Dense at At: on its own output (act(z)) when
    // the activation is its own, on z when the activation is a separate layer
    // (Keras applies it to the Dense layer's output). Divided by the batch size.
    template <std::size_t S, std::size_t At, std::size_t N, class Act, std::size_t ActAt>
    double activity_penalty(const detail::StepContext& ctx) const {
        const Regularizer& r = std::get<At>(specs_).activity_regularizer;
        if (!r.active()) return 0.0;
        const float* z = buffers_[S].preact.data();
        double s = 0.0;
        if constexpr (At == ActAt && std::is_same_v<Act, Softmax>) {
            // A Dense's own Softmax: the penalty is on the probabilities, as
            // in Keras; they are recomputed row by row from the logits.
            std::array<float, N> p;
            for (std::size_t i = 0; i < ctx.rows; ++i) {
                std::copy_n(z + i * N, N, p.data());
                Softmax::apply_row(p.data(), N);
                for (const float o : p) s += r.l1 * std::fabs(o) + r.l2 * double(o) * o;
            }
        } else {
            for (std::size_t k = 0; k < ctx.rows * N; ++k) {
                const float o = activity_output<At, ActAt, Act>(z, k);
                s += r.l1 * std::fabs(o) + r.l2 * double(o) * o;
            }
        }
        return s / double(ctx.rows);
    }
    template <std::size_t At, std::size_t ActAt, class Act>
    float activity_output(const float* z, std::size_t k) const {
        if constexpr (At == ActAt) return activation_at<At, ActAt>()(z[k]);
        else return z[k];
    }
    // Adds d(activity penalty)/dz to the step's dL/dz.
    template <std::size_t S, std::size_t At, std::size_t N, class Act, std::size_t ActAt>
    void add_activity_gradient(const detail::StepContext& ctx, float* g) const {
        const Regularizer& r = std::get<At>(specs_).activity_regularizer;
        if (!r.active()) return;
        const float* z = buffers_[S].preact.data();
        const float inv = 1.0f / static_cast<float>(ctx.rows);
        if constexpr (At == ActAt && std::is_same_v<Act, Softmax>) {
            // d/dz of the penalty on p = softmax(z): the softmax Jacobian
            // applied to d(penalty)/dp, row by row.
            std::array<float, N> p, gp;
            for (std::size_t i = 0; i < ctx.rows; ++i) {
                std::copy_n(z + i * N, N, p.data());
                Softmax::apply_row(p.data(), N);
                for (std::size_t j = 0; j < N; ++j) gp[j] = r.gradient(p[j], inv);
                Softmax::backward_row(p.data(), gp.data(), N);
                for (std::size_t j = 0; j < N; ++j) g[i * N + j] += gp[j];
            }
        } else {
            for (std::size_t k = 0; k < ctx.rows * N; ++k) {
                if constexpr (At == ActAt) {
                    const Act& act = activation_at<At, ActAt>();
                    const float o = act(z[k]);
                    g[k] += r.gradient(o, inv) * act.grad_from_output(o);
                } else {
                    g[k] += r.gradient(z[k], inv);
                }
            }
        }
    }

    static constexpr std::size_t max_step_width() {
        return []<std::size_t... S>(std::index_sequence<S...>) {
            return std::max({std::size_t{1}, step<S>::out_width...});
        }(std::make_index_sequence<num_steps>{});
    }
    // Steps S... of predict_one on the row `in`; step S writes bufs[S % 2]
    // (a pair writes the hidden row to bufs[S % 2] and its output to
    // bufs[(S + 1) % 2], after it has read `in`). Returns the last output.
    template <std::size_t S>
    const float* infer_steps(const float* in, float* const (&bufs)[2]) const {
        if constexpr (S == num_steps) {
            return in;
        } else if constexpr (pairs_at<S>()) {
            infer_pair(in, bufs[S % 2], bufs[(S + 1) % 2], step<S>{}, step<S + 1>{});
            return infer_steps<S + 2>(bufs[(S + 1) % 2], bufs);
        } else {
            infer_row(in, bufs[S % 2], step<S>{});
            return infer_steps<S + 1>(bufs[S % 2], bufs);
        }
    }

    // Steps S and S + 1 run as one row_pair: both Dense, the first with an
    // element-wise activation (a Softmax needs its whole row), and weights
    // large enough to be worth both cores.
    template <std::size_t S>
    static constexpr bool pairs_at() {
        if constexpr (S + 1 >= num_steps) {
            return false;
        } else {
            using A = step<S>;
            using B = step<S + 1>;
            if constexpr (!is_dense_step_v<A> || !is_dense_step_v<B>) return false;
            else if constexpr (std::is_same_v<typename A::activation, Softmax>) return false;
            else
                return double(A::in_width * A::out_width + B::in_width * B::out_width) * sizeof(float) >=
                       kernels::detail::gemm_column_split_bytes;
        }
    }

    template <std::size_t At, std::size_t K, std::size_t N, class Act, std::size_t ActAt, std::size_t DropAt,
              std::size_t At2, std::size_t N2, class Act2, std::size_t ActAt2, std::size_t DropAt2>
    void infer_pair(const float* x, float* h, float* y, DenseStep<At, K, N, Act, ActAt, DropAt>,
                    DenseStep<At2, N, N2, Act2, ActAt2, DropAt2>) const {
        const auto& p = std::get<At>(params_);
        const auto& p2 = std::get<At2>(params_);
        auto act = elementwise_activation<At, ActAt, Act>();
        auto act2 = elementwise_activation<At2, ActAt2, Act2>();
        kernels::row_pair<K, N, N2>(x, p.kernel.data(), h, detail::BiasActivation<decltype(act)>{p.bias.data(), act},
                                    p2.kernel.data(), y,
                                    detail::BiasActivation<decltype(act2)>{p2.bias.data(), act2});
        if constexpr (std::is_same_v<Act2, Softmax>) Softmax::apply_row(y, N2);
    }

    template <std::size_t At, std::size_t K, std::size_t N, class Act, std::size_t ActAt, std::size_t DropAt>
    void infer_row(const float* x, float* y, DenseStep<At, K, N, Act, ActAt, DropAt>) const {
        forward_dense_plain<N, K>(1, x, std::get<At>(params_), y, elementwise_activation<At, ActAt, Act>());
        if constexpr (std::is_same_v<Act, Softmax>) Softmax::apply_row(y, N);
    }
    // What a Dense step applies element by element after its bias at
    // inference: its activation, or nothing for a Softmax (applied per row).
    template <std::size_t At, std::size_t ActAt, class Act>
    auto elementwise_activation() const {
        if constexpr (std::is_same_v<Act, Softmax>) return Linear{};
        else return activation_at<At, ActAt>();
    }
    template <std::size_t At, std::size_t W, class Act>
    void infer_row(const float* x, float* y, ActivationStep<At, W, Act>) const {
        if constexpr (std::is_same_v<Act, Softmax>) {
            std::copy_n(x, W, y);
            Softmax::apply_row(y, W);
        } else {
            const Act& act = std::get<At>(specs_);
            for (std::size_t j = 0; j < W; ++j) y[j] = act(x[j]);
        }
    }
    template <std::size_t At, std::size_t W>
    void infer_row(const float* x, float* y, DropoutStep<At, W>) const {
        std::copy_n(x, W, y);
    }

    template <std::size_t N, std::size_t K, class P, class Act>
    static void forward_dense_plain(std::size_t rows, const float* x, const P& p, float* y, const Act& act) {
        kernels::gemm<N, K>(rows, K, x, K, 1, p.kernel.data(), y, false, detail::BiasActivation<Act>{p.bias.data(), act});
    }

    template <std::size_t S, bool LogitsOut, std::size_t At, std::size_t W, class Act>
    void forward_step(const detail::StepContext& ctx, const float* x, ActivationStep<At, W, Act>) {
        float* y = buffers_[S].out.data();
        const std::size_t n = ctx.rows * W;
        if constexpr (std::is_same_v<Act, Softmax>) {
            std::copy_n(x, n, y);
            if constexpr (!LogitsOut)
                for (std::size_t i = 0; i < ctx.rows; ++i) Softmax::apply_row(y + i * W, W);
        } else {
            const Act& act = std::get<At>(specs_);
            for (std::size_t i = 0; i < n; ++i) y[i] = act(x[i]);
        }
    }

    template <std::size_t S, bool LogitsOut, std::size_t At, std::size_t W>
    void forward_step(const detail::StepContext& ctx, const float* x, DropoutStep<At, W>) {
        float* y = buffers_[S].out.data();
        const std::size_t n = ctx.rows * W;
        if (!ctx.training) {
            std::copy_n(x, n, y);
            return;
        }
        const Dropout& d = std::get<At>(specs_);
        const std::uint32_t thr = d.threshold(), key = dropout_key_at<At>(ctx);
        const float scale = d.scale();
        for (std::size_t i = 0; i < n; ++i)
            y[i] = counter_bits(key, static_cast<std::uint32_t>(i)) >= thr ? x[i] * scale : 0.0f;
    }

    template <std::size_t At, std::size_t ActAt>
    const auto& activation_at() const {
        if constexpr (At == ActAt) return std::get<At>(specs_).activation;
        else return std::get<ActAt>(specs_);
    }

    // ---- backward -----------------------------------------------------------------
    // Every step's `grad` buffer holds dL/d(output) once written; a DenseStep
    // with an activation or dropout converts it to dL/d(pre-activation) in
    // `finish` — applied by the writer while the tile is hot, when the
    // conversion is element-wise.
    template <std::size_t S>
    static constexpr bool tile_finish() {
        using St = step<S>;
        if constexpr (requires { St::has_dropout; }) return !std::is_same_v<typename St::activation, Softmax>;
        else return true;
    }

    template <std::size_t S>
    auto finish_epilogue(const detail::StepContext& ctx) const {
        return finish_epilogue_impl<S>(ctx, step<S>{});
    }
    template <std::size_t S, class St>
    auto finish_epilogue_impl(const detail::StepContext&, St) const {
        return kernels::NoEpilogue{};
    }
    template <std::size_t S, std::size_t At, std::size_t K, std::size_t N, class Act, std::size_t ActAt, std::size_t DropAt>
    auto finish_epilogue_impl(const detail::StepContext& ctx, DenseStep<At, K, N, Act, ActAt, DropAt>) const {
        const float* yall = buffers_[S].out.data();
        const Act act = [&]() -> Act {
            if constexpr (std::is_same_v<Act, Softmax>) return Act{};
            else return activation_at<At, ActAt>();
        }();
        // (A Softmax is not tile-finishable: finish_rows does it row-wise.)
        detail::GradientFinish<N, Act, DropAt != no_layer> finish{yall, act};
        if constexpr (DropAt != no_layer) {
            const Dropout& d = std::get<DropAt>(specs_);
            finish.threshold = d.threshold();
            finish.key = dropout_key_at<DropAt>(ctx);
            finish.scale = d.scale();
            finish.dropping = ctx.training;
        }
        return finish;
    }

    // Converts step S's grad buffer from dL/dy to dL/dz where that is row-wise.
    template <std::size_t S>
    void finish_rows(const detail::StepContext& ctx) {
        using St = step<S>;
        float* g = buffers_[S].grad.data();
        if constexpr (tile_finish<S>()) {
            const auto epi = finish_epilogue<S>(ctx);
            for (std::size_t i = 0; i < ctx.rows; ++i) epi(i, 0, St::out_width, g + i * St::out_width);
        } else {
            const float* p = buffers_[S].out.data();
            for (std::size_t i = 0; i < ctx.rows; ++i)
                Softmax::backward_row(p + i * St::out_width, g + i * St::out_width, St::out_width);
        }
    }

    // FusedLoss: the loss already wrote dL/dz of the last step's activation
    // (p - t); a stand-alone Softmax / Sigmoid last step passes it through.
    // Update: also apply the optimizer to each Dense's parameters as soon as
    // their gradient is final — the kernel's inside the weight-gradient
    // product, tile by tile while the gradient is in cache (train_on_batch);
    // without it the gradients are only stored (compute_gradients).
    template <bool FusedLoss, bool Update>
    void backward(const detail::StepContext& ctx, const float* x) {
        [&]<std::size_t... R>(std::index_sequence<R...>) {
            (backward_step<num_steps - 1 - R, FusedLoss && R == 0, Update>(ctx, step_input<num_steps - 1 - R>(x),
                                                                           step<num_steps - 1 - R>{}),
             ...);
        }(std::make_index_sequence<num_steps>{});
    }

    template <std::size_t S, bool PassThrough, bool Update, std::size_t At, std::size_t K, std::size_t N, class Act,
              std::size_t ActAt, std::size_t DropAt>
    void backward_step(const detail::StepContext& ctx, const float* x, DenseStep<At, K, N, Act, ActAt, DropAt>) {
        auto& p = std::get<At>(params_);
        const auto& spec = std::get<At>(specs_);
        add_activity_gradient<S, At, N, Act, ActAt>(ctx, buffers_[S].grad.data());
        const float* g = buffers_[S].grad.data();
        // dx = g W^T, with the previous step's finish fused into the tile;
        // it reads W, so it comes before the update.
        if constexpr (S > 0) {
            float* wt = p.kernel_t.data();
            kernels::transpose<K, N>(p.kernel.data(), wt);
            float* dx = buffers_[S - 1].grad.data();
            if constexpr (tile_finish<S - 1>()) {
                kernels::gemm<K, N>(ctx.rows, N, g, N, 1, wt, dx, false, finish_epilogue<S - 1>(ctx));
            } else {
                kernels::gemm<K, N>(ctx.rows, N, g, N, 1, wt, dx, false);
                finish_rows<S - 1>(ctx);
            }
        }
        float* db = p.bias_grad.data();
        std::fill_n(db, N, 0.0f);
        for (std::size_t i = 0; i < ctx.rows; ++i) {
            const float* gi = g + i * N;
#pragma omp simd
            for (std::size_t j = 0; j < N; ++j) db[j] += gi[j];
        }
        if constexpr (Update) {
            spec.bias_regularizer.add_gradient(p.bias.data(), db, N);
            optimizer_.prepare(2 * At + 1, N)(0, N, p.bias.data(), db);
            // dW = x^T g (rows of dW are input features, the batch is the
            // inner dimension), each finished tile updated in the epilogue.
            kernels::gemm<N>(K, ctx.rows, x, 1, K, g, p.kernel_grad.data(), false,
                             detail::UpdateEpilogue<N>{p.kernel.data(), spec.kernel_regularizer,
                                                       optimizer_.prepare(2 * At, K * N)});
        } else {
            kernels::gemm<N>(K, ctx.rows, x, 1, K, g, p.kernel_grad.data(), false);  // dW = x^T g
        }
    }

    template <std::size_t S, bool PassThrough, bool Update, std::size_t At, std::size_t W, class Act>
    void backward_step(const detail::StepContext& ctx, const float*, ActivationStep<At, W, Act>) {
        if constexpr (S > 0) {
            const float* g = buffers_[S].grad.data();
            const float* y = buffers_[S].out.data();
            float* dx = buffers_[S - 1].grad.data();
            if constexpr (PassThrough) {
                std::copy_n(g, ctx.rows * W, dx);
            } else if constexpr (std::is_same_v<Act, Softmax>) {
                for (std::size_t i = 0; i < ctx.rows; ++i) {
                    std::copy_n(g + i * W, W, dx + i * W);
                    Softmax::backward_row(y + i * W, dx + i * W, W);
                }
            } else {
                const Act& act = std::get<At>(specs_);
                for (std::size_t i = 0; i < ctx.rows * W; ++i) dx[i] = g[i] * act.grad_from_output(y[i]);
            }
            finish_rows<S - 1>(ctx);
        }
    }

    template <std::size_t S, bool PassThrough, bool Update, std::size_t At, std::size_t W>
    void backward_step(const detail::StepContext& ctx, const float*, DropoutStep<At, W>) {
        if constexpr (S > 0) {
            const float* g = buffers_[S].grad.data();
            float* dx = buffers_[S - 1].grad.data();
            const Dropout& d = std::get<At>(specs_);
            const std::uint32_t thr = d.threshold(), key = dropout_key_at<At>(ctx);
            const float scale = d.scale();
            for (std::size_t i = 0; i < ctx.rows * W; ++i)
                dx[i] = counter_bits(key, static_cast<std::uint32_t>(i)) >= thr ? g[i] * scale : 0.0f;
            finish_rows<S - 1>(ctx);
        }
    }

    // ---- loss -------------------------------------------------------------------------
    // Forward, loss and its gradient into the last step's grad buffer; returns
    // the mean data loss and the accuracy over the batch.
    template <class L, bool Training>
    Evaluation forward_loss(const detail::StepContext& ctx, const float* x, const float* t) {
        using LossT = std::tuple_element_t<num_steps, typename detail::plan_steps<train_plan<L>>::tuple>;
        constexpr bool fused = LossT::fused;
        constexpr std::size_t S = num_steps - 1, N = output_width;
        forward<fused && std::is_same_v<L, CategoricalCrossentropy>>(ctx, x);
        float* p = buffers_[S].out.data();
        float* g = buffers_[S].grad.data();
        const float inv_rows = 1.0f / static_cast<float>(ctx.rows);
        double loss = 0.0;
        std::size_t correct = 0;
        for (std::size_t i = 0; i < ctx.rows; ++i) {
            float* pi = p + i * N;
            const float* ti = t + i * N;
            if constexpr (fused && std::is_same_v<L, CategoricalCrossentropy>) {
                loss += softmax_crossentropy_row(pi, ti, N);
            } else {
                loss += L::row_loss(pi, ti, N);
            }
            if constexpr (Training) {
                float* gi = g + i * N;
                if constexpr (fused) {
                    // Softmax+CCE: p - t; Sigmoid+BCE (mean over the row): (p - t) / N.
                    const float s = std::is_same_v<L, BinaryCrossentropy> ? inv_rows / float(N) : inv_rows;
                    for (std::size_t j = 0; j < N; ++j) gi[j] = (pi[j] - ti[j]) * s;
                } else {
                    L::row_gradient(pi, ti, gi, N, inv_rows);
                }
            }
            correct += correct_prediction(pi, ti);
        }
        if constexpr (Training && !fused) finish_rows<S>(ctx);
        return {loss / double(ctx.rows) + activity_penalties(ctx), double(correct) / double(ctx.rows)};
    }

    double activity_penalties(const detail::StepContext& ctx) const {
        return [&]<std::size_t... S>(std::index_sequence<S...>) {
            return (0.0 + ... + activity_penalty_of<S>(ctx, step<S>{}));
        }(std::make_index_sequence<num_steps>{});
    }
    template <std::size_t S, class St>
    double activity_penalty_of(const detail::StepContext&, St) const { return 0.0; }
    template <std::size_t S, std::size_t At, std::size_t K, std::size_t N, class Act, std::size_t ActAt, std::size_t DropAt>
    double activity_penalty_of(const detail::StepContext& ctx, DenseStep<At, K, N, Act, ActAt, DropAt>) const {
        return activity_penalty<S, At, N, Act, ActAt>(ctx);
    }

    static bool correct_prediction(const float* p, const float* t) {
        if constexpr (output_width == 1) {
            // tf.keras' binary_accuracy: y_true == float(y_pred > 0.5), so a soft label never counts.
            return t[0] == (p[0] > 0.5f ? 1.0f : 0.0f);
        } else {
            return std::max_element(p, p + output_width) - p == std::max_element(t, t + output_width) - t;
        }
    }

    template <class L>
    Evaluation test_batch(const float* x, const float* t, std::size_t rows) {
        ensure_capacity(rows);
        const detail::StepContext ctx{rows, false, seed_, iteration_};
        return forward_loss<L, false>(ctx, x, t);
    }

    // Forward, loss and backward; with Update the optimizer step too (see
    // backward), else the gradients (regularization included) are left in
    // kernel_grad / bias_grad.
    template <class L, bool Update>
    Evaluation gradient_batch(const float* x, const float* t, std::size_t rows) {
        const detail::StepContext ctx{rows, true, seed_, iteration_};
        Evaluation e = forward_loss<L, true>(ctx, x, t);
        e.loss += regularization_penalty();  // of the weights before the update
        backward<std::tuple_element_t<num_steps, typename detail::plan_steps<train_plan<L>>::tuple>::fused, Update>(ctx,
                                                                                                                  x);
        if constexpr (!Update) {
            for_each_layer([&]<std::size_t I>() {
                if constexpr (is_dense_v<layer_type<I>>) {
                    auto& p = std::get<I>(params_);
                    const auto& l = std::get<I>(specs_);
                    l.kernel_regularizer.add_gradient(p.kernel.data(), p.kernel_grad.data(), p.kernel.size());
                    l.bias_regularizer.add_gradient(p.bias.data(), p.bias_grad.data(), p.bias.size());
                }
            });
        }
        return e;
    }

    template <class L>
    Evaluation train_batch(const float* x, const float* t, std::size_t rows) {
        const Evaluation e = gradient_batch<L, true>(x, t, rows);
        optimizer_.finish_step();
        ++iteration_;
        return e;
    }

    typename stack::tuple_type specs_{};
    params_tuple params_{};
    std::array<StepBuffers, num_steps> buffers_{};
    aligned_vector<float> batch_x_, batch_y_;
    std::size_t capacity_ = 0;
    std::uint64_t seed_ = 0;
    std::uint64_t iteration_ = 0;
    Generator rng_{0};
    Loss loss_{};
    Optimizer optimizer_{};
    bool compiled_ = false;
    std::vector<std::string> metric_names_{"accuracy"};
};

}  // namespace ctnn
