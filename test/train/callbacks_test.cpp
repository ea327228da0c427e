#define BOOST_TEST_MODULE callbacks
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "ctnn/train/callbacks.hpp"
#include "support/temp_dir.hpp"

namespace {

// A model stand-in that records what callbacks do to it.
struct FakeModel : ctnn::ModelAccess {
    bool stopped = false;
    float lr = 0.001f;
    std::vector<float> weights{0.0f};
    std::vector<std::vector<float>> restored;
    std::vector<std::pair<std::string, bool>> saved;
    std::ostringstream text;
    ctnn::Logs added;  // what set_epoch_log added
    void stop_training() override { stopped = true; }
    void set_epoch_log(const std::string& name, double v) override { added.set(name, v); }
    float learning_rate() const override { return lr; }
    void set_learning_rate(float v) override { lr = v; }
    std::vector<float> get_weights() const override { return weights; }
    void set_weights(const std::vector<float>& w) override { restored.push_back(w); }
    void save(const std::filesystem::path& f, bool weights_only) override { saved.push_back({f.string(), weights_only}); }
    std::ostream& out() override { return text; }
};

ctnn::Logs logs_with(const std::string& name, double v) {
    ctnn::Logs l;
    l.set("loss", 1.0);
    l.set(name, v);
    return l;
}

// Runs EarlyStopping over a scripted metric; the "weights" of epoch e are {e}.
// Returns the epoch at which it asked to stop (or -1).
int run_early_stopping(ctnn::EarlyStopping& es, FakeModel& m, const std::string& metric, const std::vector<double>& values) {
    es.on_train_begin(m);
    for (std::size_t e = 0; e < values.size(); ++e) {
        m.weights = {static_cast<float>(e)};
        es.on_epoch_end(e, logs_with(metric, values[e]), m);
        if (m.stopped) return static_cast<int>(e);
    }
    return -1;
}

using Tiny = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dense<3>, ctnn::Softmax>;

struct TinyData {
    ctnn::Tensor<float, 4> x;
    ctnn::Tensor<float, 3> y;
    explicit TinyData(std::size_t n) : x(n), y(n, 0.0f) {
        ctnn::Generator g(11);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t c = i % 3;
            for (std::size_t f = 0; f < 4; ++f) x(i, f) = g.uniform(-0.2f, 0.2f) + (f == c ? 1.0f : 0.0f);
            y(i, c) = 1.0f;
        }
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(callbacks)

BOOST_AUTO_TEST_CASE(filepath_formatting_follows_python_format_specs) {
    ctnn::Logs logs;
    logs.set("val_loss", 0.123456);
    logs.set("accuracy", 0.5);
    BOOST_TEST(ctnn::format_filepath("w-{epoch:02d}-{val_loss:.4f}.ctnnw", 3, logs) == "w-03-0.1235.ctnnw");
    BOOST_TEST(ctnn::format_filepath("e{epoch}-a{accuracy:.2f}", 12, logs) == "e12-a0.50");
    BOOST_CHECK_THROW(ctnn::format_filepath("{missing:.2f}", 1, logs), std::invalid_argument);
    BOOST_CHECK_THROW(ctnn::format_filepath("{epoch", 1, logs), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(filepath_formatting_matches_python_str_format) {
    // Expected strings are Python 3's: "<pattern>".format(epoch=3, val_loss=0.123456789, loss=2.0).
    ctnn::Logs logs;
    logs.set("val_loss", 0.123456789);
    logs.set("loss", 2.0);
    const auto f = [&](const std::string& pattern) { return ctnn::format_filepath(pattern, 3, logs); };
    BOOST_TEST(f("{val_loss}") == "0.123456789");  // str(float): repr, not %g's 0.123457
    BOOST_TEST(f("{loss}") == "2.0");
    BOOST_TEST(f("{epoch:5}") == "    3");
    BOOST_TEST(f("{loss:06.3}") == "0002.0");
    BOOST_TEST(f("{loss:.3}") == "2.0");
    BOOST_TEST(f("{val_loss:+.2e}") == "+1.23e-01");
    BOOST_TEST(f("{epoch:.2f}") == "3.00");
    BOOST_TEST(f("{loss:08.2f}") == "00002.00");
    BOOST_TEST(f("{loss: }") == " 2.0");
    BOOST_TEST(f("{{x}}-{epoch}") == "{x}-3");
    // repr(): positional from 1e-4 to below 1e16, scientific outside.
    for (const auto& [v, want] : std::vector<std::pair<double, std::string>>{
             {1e-05, "1e-05"}, {0.0001, "0.0001"}, {1e15, "1000000000000000.0"}, {1e16, "1e+16"},
             {-0.0, "-0.0"}, {123.5, "123.5"}, {1.5e-07, "1.5e-07"}}) {
        ctnn::Logs one;
        one.set("v", v);
        BOOST_TEST(ctnn::format_filepath("{v}", 1, one) == want);
    }
}

BOOST_AUTO_TEST_CASE(filepath_formatting_refuses_specs_python_would_not_format_and_never_passes_them_to_printf) {
    ctnn::Logs logs;
    logs.set("val_loss", 0.5);
    const auto message = [&](const std::string& pattern) -> std::string {
        try {
            ctnn::format_filepath(pattern, 3, logs);
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "no error";
    };
    // Conversions inside the spec used to reach snprintf with one double: a crash.
    BOOST_TEST(message("w-{val_loss:s%s%s%s%s%s%f}") ==
               "ctnn::ModelCheckpoint: field '{val_loss:s%s%s%s%s%s%f}' in 'w-{val_loss:s%s%s%s%s%s%f}': unsupported "
               "format spec 's%s%s%s%s%s%f' (supported: [sign][0][width][.precision][type], type one of d f F e E g G)");
    BOOST_TEST(message("{epoch:*d}").find("unsupported format spec '*d'") != std::string::npos);
    BOOST_TEST(message("{epoch:,d}").find("unsupported format spec ',d'") != std::string::npos);
    BOOST_TEST(message("{val_loss:d}").find("'d' formats integers and val_loss is a float") != std::string::npos);
    BOOST_TEST(message("{epoch:.2d}").find("precision not allowed with 'd'") != std::string::npos);
    BOOST_TEST(message("{val_loss:9999f}").find("the width has more than 3 digits") != std::string::npos);
    BOOST_TEST(message("a}b") == "ctnn::ModelCheckpoint: single '}' in 'a}b' (write '}}' for a brace)");
    BOOST_TEST(message("{}").find("must name 'epoch' or a log value") != std::string::npos);
    BOOST_TEST(message("{epoch!r}").find("must name 'epoch' or a log value") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(early_stopping_waits_patience_epochs_without_improvement) {
    // Keras: wait += 1 each epoch, reset to 0 on improvement; stop when wait >= patience.
    // val_loss 1.0 (best), 0.9 (best, wait 0), 0.95 (wait 1), 0.96 (wait 2 -> stop at epoch 3).
    FakeModel m;
    ctnn::EarlyStopping es({.patience = 2});
    BOOST_TEST(run_early_stopping(es, m, "val_loss", {1.0, 0.9, 0.95, 0.96, 0.5}) == 3);
    BOOST_TEST(es.best_epoch() == 1u);
    BOOST_TEST(es.best() == 0.9);
    es.on_train_end(m);  // verbose 0: silent
    BOOST_TEST(m.text.str().empty());
}

BOOST_AUTO_TEST_CASE(early_stopping_patience_zero_stops_on_first_non_improvement_after_epoch_0) {
    FakeModel m;
    ctnn::EarlyStopping es({.verbose = 1});
    BOOST_TEST(run_early_stopping(es, m, "val_loss", {1.0, 0.8, 0.8}) == 2);  // equal is no improvement
    es.on_train_end(m);
    BOOST_TEST(m.text.str() == "Epoch 00003: early stopping\n");
}

BOOST_AUTO_TEST_CASE(early_stopping_min_delta_and_auto_mode_for_accuracy) {
    // auto mode maximises "accuracy"; an increase of 0.005 < min_delta 0.01 is not an improvement.
    FakeModel m;
    ctnn::EarlyStopping es({.monitor = "val_accuracy", .min_delta = 0.01, .patience = 1});
    BOOST_TEST(run_early_stopping(es, m, "val_accuracy", {0.90, 0.95, 0.955, 0.99}) == 2);
    // min mode with min_delta: 1.0 -> 0.995 is not enough.
    FakeModel m2;
    ctnn::EarlyStopping es2({.min_delta = 0.01, .patience = 1});
    BOOST_TEST(run_early_stopping(es2, m2, "val_loss", {1.0, 0.995}) == 1);
}

BOOST_AUTO_TEST_CASE(early_stopping_restores_best_weights) {
    FakeModel m;
    ctnn::EarlyStopping es({.patience = 2, .restore_best_weights = true});
    BOOST_TEST(run_early_stopping(es, m, "val_loss", {0.5, 0.4, 0.45, 0.46}) == 3);
    BOOST_REQUIRE(m.restored.size() == 1u);
    BOOST_TEST(m.restored[0] == std::vector<float>{1.0f});  // the weights at the end of epoch 1
}

BOOST_AUTO_TEST_CASE(early_stopping_baseline_must_be_beaten) {
    // With baseline 0.5, improvements that stay above it do not reset the wait.
    FakeModel m;
    ctnn::EarlyStopping es({.patience = 2, .baseline = 0.5});
    // Epoch 0: wait 1; epoch 1: wait 2 >= patience -> stop, though 0.8 beat 0.9.
    BOOST_TEST(run_early_stopping(es, m, "val_loss", {0.9, 0.8, 0.7}) == 1);
}

BOOST_AUTO_TEST_CASE(early_stopping_warns_when_the_metric_is_missing) {
    FakeModel m;
    ctnn::EarlyStopping es;
    es.on_train_begin(m);
    es.on_epoch_end(1, logs_with("loss", 0.1), m);
    BOOST_TEST(!m.stopped);
    BOOST_TEST(m.text.str().find("val_loss") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(model_checkpoint_saves_every_epoch_or_only_the_best) {
    FakeModel m;
    ctnn::ModelCheckpoint every("ck-{epoch:02d}.w", {.save_weights_only = true});
    every.on_epoch_end(0, logs_with("val_loss", 0.3), m);
    every.on_epoch_end(1, logs_with("val_loss", 0.4), m);
    BOOST_REQUIRE(m.saved.size() == 2u);
    BOOST_TEST(m.saved[0].first == "ck-01.w");
    BOOST_TEST(m.saved[1].first == "ck-02.w");
    BOOST_TEST(m.saved[1].second);

    FakeModel b;
    ctnn::ModelCheckpoint best("best-{val_loss:.2f}.w", {.verbose = 1, .save_best_only = true});
    best.on_epoch_end(0, logs_with("val_loss", 0.5), b);
    best.on_epoch_end(1, logs_with("val_loss", 0.6), b);  // worse: not saved
    best.on_epoch_end(2, logs_with("val_loss", 0.25), b);
    BOOST_REQUIRE(b.saved.size() == 2u);
    BOOST_TEST(b.saved[0].first == "best-0.50.w");
    BOOST_TEST(b.saved[1].first == "best-0.25.w");
    BOOST_TEST(!b.saved[1].second);  // save_weights_only false: optimizer state too
    BOOST_TEST(b.text.str().find("Epoch 00002: val_loss did not improve from 0.50000") != std::string::npos);
    BOOST_TEST(b.text.str().find("Epoch 00003: val_loss improved from 0.50000 to 0.25000, saving model to best-0.25.w") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(learning_rate_scheduler_sets_the_rate_each_epoch) {
    FakeModel m;
    ctnn::LearningRateScheduler halve([](std::size_t epoch, float lr) { return epoch == 0 ? lr : lr / 2; });
    halve.on_epoch_begin(0, m);
    BOOST_TEST(m.lr == 0.001f);
    halve.on_epoch_begin(1, m);
    halve.on_epoch_begin(2, m);
    BOOST_TEST(m.lr == 0.00025f);
}

BOOST_AUTO_TEST_CASE(learning_rate_scheduler_logs_lr_at_epoch_end) {
    // Keras: logs['lr'] = the optimizer's learning rate, at on_epoch_end.
    FakeModel m;
    ctnn::LearningRateScheduler halve([](std::size_t, float lr) { return lr / 2; });
    halve.on_epoch_begin(0, m);
    halve.on_epoch_end(0, ctnn::Logs{}, m);
    BOOST_TEST(m.added.get("lr").value_or(-1.0) == double(0.0005f));
}

BOOST_AUTO_TEST_CASE(validation_split_holds_out_the_last_rows_and_reports_val_metrics) {
    TinyData d(100);
    Tiny model;
    model.compile(ctnn::categorical_crossentropy, ctnn::Adam{});
    std::ostringstream out;
    const ctnn::History h =
        model.fit(d.x, d.y, {.epochs = 1, .batch_size = 10, .validation_split = 0.25, .out = &out});
    // 75 training rows in batches of 10: 8 steps.
    BOOST_TEST(out.str().find("8/8 [") != std::string::npos);
    BOOST_TEST(out.str().find(" - val_loss: ") != std::string::npos);
    BOOST_REQUIRE(h.contains("val_loss"));
    BOOST_REQUIRE(h.contains("val_accuracy"));
    // The validation metrics are those of the last 25 rows with the epoch's final weights.
    const ctnn::Evaluation v = model.evaluate(d.x.slice(75, 25), d.y.slice(75, 25), {.verbose = 0});
    BOOST_TEST(h["val_loss"][0] == v.loss, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(h["val_accuracy"][0] == v.accuracy);
    BOOST_CHECK_THROW(model.fit(d.x, d.y, {.verbose = 0, .validation_split = 1.0}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(validation_data_and_initial_epoch) {
    TinyData d(60), v(30);
    Tiny model;
    model.compile("categorical_crossentropy", "sgd");
    std::ostringstream out;
    const ctnn::History h = model.fit(d.x, d.y, {.epochs = 3, .batch_size = 16, .initial_epoch = 1, .out = &out},
                                      ctnn::validation_data(v.x, v.y));
    BOOST_TEST(h.epoch == (std::vector<std::size_t>{1, 2}));
    BOOST_TEST(out.str().find("Epoch 1/3") == std::string::npos);
    BOOST_TEST(out.str().find("Epoch 2/3") != std::string::npos);
    const ctnn::Evaluation e = model.evaluate(v.x, v.y, {.verbose = 0});
    BOOST_TEST(h["val_loss"].back() == e.loss, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(nan_loss_warns_without_terminate_on_nan_and_stops_with_it) {
    TinyData d(40);
    d.x(13, 2) = std::numeric_limits<float>::quiet_NaN();  // row 13 lands in some batch of epoch 1
    {
        Tiny model;
        model.compile(ctnn::categorical_crossentropy, ctnn::SGD{});
        std::ostringstream out;
        const ctnn::History h = model.fit(d.x, d.y, {.epochs = 2, .batch_size = 8, .shuffle = false, .out = &out});
        BOOST_TEST(h.epoch.size() == 2u);
        // Unshuffled, row 13 is in batch 1 of epoch 1.
        BOOST_TEST(out.str().find("WARNING: loss is nan at epoch 1, batch 1") != std::string::npos);
    }
    {
        Tiny model;
        model.compile(ctnn::categorical_crossentropy, ctnn::SGD{});
        ctnn::TerminateOnNaN stop;
        std::ostringstream out;
        const ctnn::History h = model.fit(
            d.x, d.y, {.epochs = 3, .batch_size = 8, .callbacks = {&stop}, .shuffle = false, .out = &out});
        BOOST_TEST(stop.terminated());
        BOOST_TEST(h.epoch.size() == 1u);
        BOOST_TEST(model.iterations() == 2);  // batches 0 and 1 ran; nothing after
        BOOST_TEST(out.str().find("Batch 1: Invalid loss, terminating training") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(check_inputs_names_the_first_non_finite_value) {
    TinyData d(20);
    d.x(7, 3) = std::numeric_limits<float>::infinity();
    Tiny model;
    model.compile(ctnn::categorical_crossentropy, ctnn::SGD{});
    try {
        model.fit(d.x, d.y, {.verbose = 0, .check_inputs = true});
        BOOST_FAIL("expected std::invalid_argument");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("x row 7, column 3 is inf") != std::string::npos);
    }
    BOOST_TEST(model.iterations() == 0);  // rejected before any step
}

BOOST_AUTO_TEST_CASE(csv_logger_writes_sorted_keys_per_epoch) {
    TinyData d(50);
    Tiny model;
    model.compile(ctnn::categorical_crossentropy, ctnn::Adam{});
    const ctnn_test::TempDir tmp;
    const auto file = tmp.path / "log.csv";
    ctnn::CSVLogger log(file);
    std::ostringstream out;
    model.fit(d.x, d.y, {.epochs = 3, .batch_size = 10, .verbose = 0, .callbacks = {&log}, .validation_split = 0.2, .out = &out});
    std::ifstream in(file);
    std::string header, line;
    std::getline(in, header);
    BOOST_TEST(header == "epoch,accuracy,loss,val_accuracy,val_loss");
    int rows = 0;
    while (std::getline(in, line)) {
        BOOST_TEST(line.rfind(std::to_string(rows) + ",", 0) == 0u);
        ++rows;
    }
    BOOST_TEST(rows == 3);
}

BOOST_AUTO_TEST_CASE(model_checkpoint_inside_fit_writes_loadable_weight_files) {
    TinyData d(60);
    Tiny model;
    model.compile(ctnn::categorical_crossentropy, ctnn::Adam{});
    const ctnn_test::TempDir tmp;
    const auto& dir = tmp.path;
    ctnn::ModelCheckpoint every((dir / "w-{epoch:02d}.ctnnw").string(), {.save_weights_only = true});
    model.fit(d.x, d.y, {.epochs = 2, .batch_size = 20, .verbose = 0, .callbacks = {&every}});
    BOOST_TEST(std::filesystem::exists(dir / "w-01.ctnnw"));
    BOOST_REQUIRE(std::filesystem::exists(dir / "w-02.ctnnw"));
    // The last checkpoint holds the trained weights.
    Tiny restored;
    restored.initialize(99);
    ctnn::load_weights(restored, dir / "w-02.ctnnw");
    BOOST_TEST(restored.get_weights() == model.get_weights());
}

BOOST_AUTO_TEST_CASE(scheduler_and_early_stopping_inside_fit) {
    TinyData d(60);
    Tiny model;
    model.compile(ctnn::categorical_crossentropy, ctnn::SGD{.learning_rate = 0.1f});
    ctnn::LearningRateScheduler sched([](std::size_t, float lr) { return lr * 0.5f; });
    // Monitoring "loss" with an impossible min_delta stops after epoch index 1.
    ctnn::EarlyStopping es({.monitor = "loss", .min_delta = 100.0, .patience = 1});
    const ctnn::History h = model.fit(d.x, d.y, {.epochs = 10, .batch_size = 20, .verbose = 0, .callbacks = {&sched, &es}});
    BOOST_TEST(h.epoch.size() == 2u);
    BOOST_TEST(model.optimizer().learning_rate() == 0.1f * 0.5f * 0.5f);
}

BOOST_AUTO_TEST_CASE(acc_is_logged_as_acc_so_keras_monitors_find_it) {
    // tf.keras names a string metric after the string: metrics=['acc'] logs
    // "acc" and "val_acc", and EarlyStopping(monitor='val_acc') watches it.
    TinyData d(60);
    Tiny model;
    model.compile(ctnn::categorical_crossentropy, ctnn::Adam{}, {"acc"});
    ctnn::EarlyStopping es({.monitor = "val_acc", .min_delta = 2.0, .patience = 0});  // no accuracy can improve by 2
    std::ostringstream out;
    const ctnn::History h = model.fit(
        d.x, d.y, {.epochs = 5, .batch_size = 20, .verbose = 1, .callbacks = {&es}, .validation_split = 0.25, .out = &out});
    BOOST_TEST(out.str().find("not available") == std::string::npos, out.str());
    BOOST_TEST(h.epoch.size() == 2u);  // Keras' rule: stop at epoch index 1
    BOOST_TEST(h.contains("acc"));
    BOOST_TEST(h.contains("val_acc"));
    BOOST_TEST(!h.contains("accuracy"));
    BOOST_TEST(out.str().find(" - acc: ") != std::string::npos, out.str());
    BOOST_TEST(out.str().find(" - val_acc: ") != std::string::npos, out.str());
    BOOST_CHECK_THROW(model.compile(ctnn::categorical_crossentropy, ctnn::Adam{}, {"acc", "acc"}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_stop_is_seen_after_a_batch_so_every_recorded_epoch_has_its_loss) {
    // Keras checks stop_training after each batch: a stop asked for in
    // on_epoch_begin (or on_train_begin) still runs one batch of that epoch.
    TinyData d(60);
    {
        Tiny model;
        model.compile(ctnn::categorical_crossentropy, ctnn::SGD{});
        ctnn::LambdaCallback stop_at_1;
        stop_at_1.epoch_begin = [](std::size_t e, ctnn::ModelAccess& m) {
            if (e == 1) m.stop_training();
        };
        const ctnn::History h =
            model.fit(d.x, d.y, {.epochs = 3, .batch_size = 20, .verbose = 0, .callbacks = {&stop_at_1}});
        BOOST_TEST(h.epoch == (std::vector<std::size_t>{0, 1}), boost::test_tools::per_element());
        BOOST_TEST(h["loss"].size() == 2u);
        BOOST_TEST(model.iterations() == 3 + 1);  // epoch 0's three batches, then one
        BOOST_TEST(h.to_csv().find("NA") == std::string::npos, h.to_csv());
    }
    {
        struct StopAtBegin : ctnn::Callback {
            void on_train_begin(ctnn::ModelAccess& m) override { m.stop_training(); }
        } stop;
        Tiny model;
        model.compile(ctnn::categorical_crossentropy, ctnn::SGD{});
        const ctnn::History h = model.fit(d.x, d.y, {.epochs = 3, .batch_size = 20, .verbose = 0, .callbacks = {&stop}});
        BOOST_TEST(h.epoch.size() == 1u);
        BOOST_TEST(model.iterations() == 1);
    }
}

BOOST_AUTO_TEST_CASE(on_batch_end_gets_the_epochs_running_means) {
    // Keras' batch logs are the running means of the epoch so far; the last
    // batch's logs are the epoch's. Compared with a twin model stepped by hand.
    TinyData d(60);
    Tiny model, twin;
    model.initialize(5);
    twin.initialize(5);
    model.compile(ctnn::categorical_crossentropy, ctnn::SGD{});
    twin.compile(ctnn::categorical_crossentropy, ctnn::SGD{});
    std::vector<double> seen_loss, seen_accuracy;
    ctnn::LambdaCallback record;
    record.batch_end = [&](std::size_t, const ctnn::Logs& l, ctnn::ModelAccess&) {
        seen_loss.push_back(*l.get("loss"));
        seen_accuracy.push_back(*l.get("accuracy"));
    };
    const ctnn::History h =
        model.fit(d.x, d.y, {.epochs = 1, .batch_size = 20, .verbose = 0, .callbacks = {&record}, .shuffle = false});
    BOOST_TEST_REQUIRE(seen_loss.size() == 3u);
    double loss_sum = 0.0, correct = 0.0;
    for (std::size_t b = 0; b < 3; ++b) {
        const ctnn::Evaluation e = twin.train_on_batch(d.x.data() + b * 20 * 4, d.y.data() + b * 20 * 3, 20);
        loss_sum += e.loss;
        correct += e.accuracy;
        BOOST_TEST(seen_loss[b] == loss_sum / double(b + 1), boost::test_tools::tolerance(1e-12));
        BOOST_TEST(seen_accuracy[b] == correct / double(b + 1), boost::test_tools::tolerance(1e-12));
    }
    BOOST_TEST(seen_loss.back() == h["loss"][0], boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(learning_rate_scheduler_inside_fit_puts_lr_in_history_and_later_callbacks) {
    TinyData d(60);
    Tiny model;
    model.compile(ctnn::categorical_crossentropy, ctnn::SGD{.learning_rate = 0.1f});
    ctnn::LearningRateScheduler halve([](std::size_t, float lr) { return lr * 0.5f; });
    const ctnn_test::TempDir tmp;
    ctnn::CSVLogger log(tmp.path / "log.csv");  // after the scheduler: sees "lr"
    const ctnn::History h =
        model.fit(d.x, d.y, {.epochs = 2, .batch_size = 20, .verbose = 0, .callbacks = {&halve, &log}});
    BOOST_TEST_REQUIRE(h.contains("lr"));
    BOOST_TEST(h["lr"] == (std::vector<double>{double(0.1f * 0.5f), double(0.1f * 0.5f * 0.5f)}),
               boost::test_tools::per_element());
    std::ifstream in(tmp.path / "log.csv");
    std::string header;
    std::getline(in, header);
    BOOST_TEST(header == "epoch,accuracy,loss,lr");
}

BOOST_AUTO_TEST_CASE(set_epoch_log_outside_on_epoch_end_is_a_logic_error) {
    TinyData d(20);
    Tiny model;
    model.compile(ctnn::categorical_crossentropy, ctnn::SGD{});
    ctnn::LambdaCallback early;
    early.epoch_begin = [](std::size_t, ctnn::ModelAccess& m) { m.set_epoch_log("x", 1.0); };
    BOOST_CHECK_THROW(model.fit(d.x, d.y, {.verbose = 0, .callbacks = {&early}}), std::logic_error);
}

BOOST_AUTO_TEST_CASE(a_non_finite_validation_loss_warns_even_at_verbose_0) {
    TinyData d(40), v(10);
    v.x(3, 1) = std::numeric_limits<float>::quiet_NaN();
    Tiny model;
    model.compile(ctnn::categorical_crossentropy, ctnn::SGD{});
    std::ostringstream out;
    const ctnn::History h =
        model.fit(d.x, d.y, {.epochs = 2, .batch_size = 20, .verbose = 0, .out = &out}, ctnn::validation_data(v.x, v.y));
    BOOST_TEST(std::isnan(h["val_loss"][0]));
    BOOST_TEST(out.str().find("WARNING: val_loss is nan at epoch 1") != std::string::npos, out.str());
    BOOST_TEST(out.str().find("WARNING: val_loss is nan at epoch 2") != std::string::npos, out.str());
}

BOOST_AUTO_TEST_SUITE_END()
