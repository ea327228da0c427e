// ctnn::Sequential's own calls: compile / fit / evaluate / predict, initialize,
// and the run-time errors, with Keras' printed formats (Progbar) and rules.
#define BOOST_TEST_MODULE sequential
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctnn/core/tensor.hpp"
#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/dropout.hpp"
#include "ctnn/layers/input.hpp"
#include "ctnn/layers/softmax.hpp"
#include "ctnn/model/sequential.hpp"
#include "ctnn/train/losses.hpp"
#include "ctnn/train/optimizer.hpp"
#include "support/listing_model.hpp"
#include "support/model_weights.hpp"
#include "support/synthetic_data.hpp"
#include "support/text_lines.hpp"

// Expected text comes from Keras' documented formats (Progbar), losses from
// Keras' formula, never from ctnn's output. Static facts of the stacks are in
// stack_test.cpp, the plans in plan_test.cpp, summary() in summary_test.cpp.

namespace {

using ctnn::Dense;
using ctnn::Dropout;
using ctnn::Input;
using ctnn::ReLU;
using ctnn::Sequential;
using ctnn::Softmax;

// The Listing 1.3.2 model, Keras order.
using ctnn_test::Mlp;

// A small model for the run-time tests: fast, same façade.
using Small = Sequential<Input<20>, Dense<16>, ReLU, Dropout, Dense<4>, Softmax>;

static_assert(Small::param_count == 20 * 16 + 16 + 16 * 4 + 4);  // 404

// ---- helpers ---------------------------------------------------------------------------

// Random inputs in [0, 1) and one-hot labels from a fixed seed (for <20, 4>:
// which quarter of the input has the largest sum).
using ctnn_test::make_data;

using ctnn_test::lines_of;

// Keras' Progbar._format_time(t, unit): " %.0fs/unit" when t >= 1 or t == 0,
// " %.0fms/unit" when t >= 1e-3, else " %.0fus/unit". Returns t in seconds as
// printed, or -1 when the printed number and unit break that rule.
double keras_time_field(const std::string& value, const std::string& unit) {
    const double v = std::stod(value);
    if (unit == "s") return (v >= 1.0 || v == 0.0) ? v : -1.0;
    if (unit == "ms") return (v >= 1.0 && v <= 1000.0) ? v * 1e-3 : -1.0;
    if (unit == "us") return v <= 1000.0 ? v * 1e-6 : -1.0;
    return -1.0;
}

using ctnn_test::weights_of;

}  // namespace

BOOST_AUTO_TEST_SUITE(sequential)

// ---- fit / evaluate / predict ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(fit_verbose_1_prints_keras_progress_lines) {
    const auto d = make_data<20, 4>(300, 1);
    Small model;
    model.initialize(3);
    model.compile(ctnn::categorical_crossentropy, "adam", {"accuracy"});
    std::ostringstream oss;
    const ctnn::History h = model.fit(d.x, d.y, {.epochs = 2, .batch_size = 64, .verbose = 1, .out = &oss});
    const std::string text = oss.str();
    BOOST_TEST(text.find('\r') == std::string::npos);  // not a terminal: no in-place redraws
    const auto lines = lines_of(text);
    // ceil(300 / 64) = 5 steps; one finished line per epoch.
    const std::regex progress(
        R"(^5/5 \[=+\] - \d+s \d+(ms|us|s)/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}$)");
    BOOST_TEST_REQUIRE(lines.size() == 4u, text);
    BOOST_TEST(lines[0] == "Epoch 1/2");
    BOOST_TEST(std::regex_match(lines[1], progress), lines[1]);
    BOOST_TEST(lines[2] == "Epoch 2/2");
    BOOST_TEST(std::regex_match(lines[3], progress), lines[3]);
    // A finished bar is 30 '=' (Keras' width 30).
    BOOST_TEST(lines[1].find("[==============================]") != std::string::npos);

    BOOST_TEST(h.epoch == (std::vector<std::size_t>{0, 1}), boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(h.contains("loss"));
    BOOST_TEST_REQUIRE(h.contains("accuracy"));
    BOOST_TEST(h["loss"].size() == 2u);
    BOOST_TEST(h["accuracy"].size() == 2u);
    for (const double a : h["accuracy"]) BOOST_TEST((a >= 0.0 && a <= 1.0));
    for (const double l : h["loss"]) BOOST_TEST((std::isfinite(l) && l > 0.0));
    // The printed metrics are the History's, rounded to 4 decimals.
    char buf[64];
    std::snprintf(buf, sizeof buf, " - loss: %.4f - accuracy: %.4f", h["loss"][1], h["accuracy"][1]);
    BOOST_TEST(lines[3].ends_with(buf), lines[3] << " vs " << buf);
}

BOOST_AUTO_TEST_CASE(fit_of_one_epoch_prints_no_epoch_header) {
    // tf.keras' ProgbarLogger prints "Epoch e/E" only when epochs > 1.
    const auto d = make_data<20, 4>(300, 1);
    Small model;
    model.compile(ctnn::categorical_crossentropy, "adam");
    std::ostringstream oss;
    model.fit(d.x, d.y, {.epochs = 1, .batch_size = 64, .verbose = 1, .out = &oss});
    const auto lines = lines_of(oss.str());
    BOOST_TEST_REQUIRE(lines.size() == 1u, oss.str());
    BOOST_TEST(lines[0].rfind("5/5 [", 0) == 0u, lines[0]);
}

BOOST_AUTO_TEST_CASE(fit_verbose_2_prints_one_summary_line_per_epoch) {
    const auto d = make_data<20, 4>(300, 1);
    Small model;
    model.compile("categorical_crossentropy", "adam");
    std::ostringstream oss;
    model.fit(d.x, d.y, {.epochs = 2, .batch_size = 64, .verbose = 2, .out = &oss});
    const auto lines = lines_of(oss.str());
    // Keras: count, ' - %.0fs', metrics, then _format_time(epoch), _format_time(step).
    const std::regex summary(
        R"(^5/5 - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - (\d+)(ms|us|s)/epoch - (\d+)(ms|us|s)/step$)");
    BOOST_TEST_REQUIRE(lines.size() == 4u, oss.str());
    BOOST_TEST(lines[0] == "Epoch 1/2");
    BOOST_TEST(lines[2] == "Epoch 2/2");
    for (const std::size_t i : {1u, 3u}) {
        std::smatch m;
        BOOST_TEST_REQUIRE(std::regex_match(lines[i], m, summary), lines[i]);
        // Both times go through Keras' _format_time, and the step time is the
        // epoch time / 5: a sub-second epoch reads "4ms/epoch", never "0s/epoch"
        // next to a non-zero step time.
        const double epoch = keras_time_field(m[1], m[2]), step = keras_time_field(m[3], m[4]);
        BOOST_TEST(epoch >= 0.0, "epoch time '" << m[1] << m[2] << "' breaks Keras' _format_time: " << lines[i]);
        BOOST_TEST(step >= 0.0, "step time '" << m[3] << m[4] << "' breaks Keras' _format_time: " << lines[i]);
        BOOST_TEST((epoch == 0.0) == (step == 0.0), "epoch and step times disagree: " << lines[i]);
    }
}

BOOST_AUTO_TEST_CASE(fit_verbose_0_prints_nothing_and_learns) {
    const auto d = make_data<20, 4>(512, 2);
    Small model;
    model.layer<3>() = Dropout(0.0);
    model.compile(ctnn::categorical_crossentropy, ctnn::Adam{});
    std::ostringstream oss;
    const auto h = model.fit(d.x, d.y, {.epochs = 30, .batch_size = 32, .verbose = 0, .out = &oss});
    BOOST_TEST(oss.str().empty());
    BOOST_TEST(h["loss"].size() == 30u);
    BOOST_TEST(h["loss"].back() < h["loss"].front());
    BOOST_TEST(h["accuracy"].back() > 0.5);  // chance is 0.25
}

BOOST_AUTO_TEST_CASE(evaluate_agrees_with_predict) {
    const auto train = make_data<20, 4>(512, 4);
    const auto test = make_data<20, 4>(200, 5);
    Small model;
    model.compile(ctnn::categorical_crossentropy, "adam");
    model.fit(train.x, train.y, {.epochs = 3, .batch_size = 32, .verbose = 0});

    std::ostringstream oss;
    const ctnn::Evaluation e = model.evaluate(test.x, test.y, {.batch_size = 64, .verbose = 0, .out = &oss});
    BOOST_TEST(oss.str().empty());
    const auto p = model.predict(test.x, 64);
    BOOST_TEST_REQUIRE(p.rows() == 200u);

    double loss = 0.0;
    std::size_t correct = 0;
    for (std::size_t r = 0; r < p.rows(); ++r) {
        double sum = 0.0;
        std::size_t arg = 0, label = 0;
        for (std::size_t c = 0; c < 4; ++c) {
            sum += p(r, c);
            BOOST_TEST((p(r, c) >= 0.0f && p(r, c) <= 1.0f));
            if (p(r, c) > p(r, arg)) arg = c;
            if (test.y(r, c) == 1.0f) label = c;
        }
        BOOST_TEST(sum == 1.0, boost::test_tools::tolerance(1e-5));
        correct += arg == label;
        // Keras' categorical_crossentropy: -log(clip(p_label, 1e-7, 1 - 1e-7)).
        loss -= std::log(std::clamp(static_cast<double>(p(r, label)), 1e-7, 1.0 - 1e-7));
    }
    BOOST_TEST(e.accuracy == double(correct) / 200.0);
    BOOST_TEST(e.loss == loss / 200.0, boost::test_tools::tolerance(1e-4));

    // Batch size does not change predictions (dropout off).
    const auto p1 = model.predict(test.x, 7);
    for (std::size_t i = 0; i < p.size(); ++i) BOOST_TEST(p1.flat()[i] == p.flat()[i], boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(predict_rows_are_probabilities_for_the_listing_model) {
    const auto d = make_data<784, 10>(50, 6);
    Mlp model;
    const auto p = model.predict(d.x);
    BOOST_TEST_REQUIRE(p.rows() == 50u);
    for (std::size_t r = 0; r < p.rows(); ++r) {
        double s = 0.0;
        for (std::size_t c = 0; c < 10; ++c) s += p(r, c);
        BOOST_TEST(s == 1.0, boost::test_tools::tolerance(1e-5));
    }
}

BOOST_AUTO_TEST_CASE(same_seed_same_weights_different_seed_different_weights) {
    const auto d = make_data<20, 4>(256, 7);
    auto train = [&](std::uint64_t seed) {
        Small model;
        model.initialize(seed);
        model.compile(ctnn::categorical_crossentropy, "adam");
        model.fit(d.x, d.y, {.epochs = 2, .batch_size = 32, .verbose = 0});
        return weights_of(model);
    };
    const auto a = train(11), b = train(11), c = train(12);
    BOOST_TEST_REQUIRE(a.size() == Small::param_count);
    BOOST_TEST(std::equal(a.begin(), a.end(), b.begin(), b.end()));  // bit-identical
    BOOST_TEST(!std::equal(a.begin(), a.end(), c.begin(), c.end()));

    // initialize() draws Keras' glorot_uniform kernels and zero biases.
    Small fresh;
    fresh.initialize(11);
    const float limit = std::sqrt(6.0f / (20.0f + 16.0f));
    for (const float w : fresh.params<1>().kernel) BOOST_TEST((w >= -limit && w <= limit));
    for (const float b0 : fresh.params<1>().bias) BOOST_TEST(b0 == 0.0f);
    Small again;
    again.initialize(11);
    BOOST_TEST(weights_of(fresh) == weights_of(again));
}

// ---- run-time errors -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(fit_before_compile_throws_logic_error) {
    const auto d = make_data<20, 4>(10, 8);
    Small model;
    BOOST_CHECK_THROW(model.fit(d.x, d.y, {.verbose = 0}), std::logic_error);
    BOOST_CHECK_THROW(model.evaluate(d.x, d.y, {.verbose = 0}), std::logic_error);
    BOOST_CHECK_THROW(model.train_on_batch(d.x.row(0), d.y.row(0), 10), std::logic_error);
}

BOOST_AUTO_TEST_CASE(row_mismatch_throws_invalid_argument) {
    const auto d = make_data<20, 4>(10, 8);
    const ctnn::Tensor<float, 4> y9(9, 0.0f);
    Small model;
    model.compile(ctnn::categorical_crossentropy, "adam");
    BOOST_CHECK_THROW(model.fit(d.x, y9, {.verbose = 0}), std::invalid_argument);
    BOOST_CHECK_THROW(model.evaluate(d.x, y9, {.verbose = 0}), std::invalid_argument);
    BOOST_CHECK_THROW(model.fit(d.x, d.y, {.batch_size = 0, .verbose = 0}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(unknown_names_throw) {
    Small model;
    BOOST_CHECK_THROW(model.compile("categorical_crossentropi", "adam"), std::invalid_argument);
    BOOST_CHECK_THROW(model.compile("categorical_crossentropy", "adamw"), std::invalid_argument);
    BOOST_CHECK_THROW(model.compile("categorical_crossentropy", "adam", {"precision"}), std::invalid_argument);
    // Keras' names and aliases are accepted.
    BOOST_CHECK_NO_THROW(model.compile("mse", "sgd"));
    BOOST_CHECK_NO_THROW(model.compile("mean_absolute_error", "rmsprop"));
    BOOST_CHECK_NO_THROW(model.compile("categorical_crossentropy", "adam", {"acc"}));
}

BOOST_AUTO_TEST_SUITE_END()
