#define BOOST_TEST_MODULE io_weights
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "ctnn/io/weights.hpp"
#include "support/files.hpp"
#include "support/model_weights.hpp"
#include "support/same_bits.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using ctnn::WeightFileError;
using Kind = WeightFileError::Kind;

namespace {

using namespace ctnn_test;

using Small = ctnn::Sequential<ctnn::Input<8>, ctnn::Dense<16, ctnn::ReLU>, ctnn::Dense<4>, ctnn::Softmax>;
using Wider = ctnn::Sequential<ctnn::Input<8>, ctnn::Dense<12, ctnn::ReLU>, ctnn::Dense<4>, ctnn::Softmax>;
using WithDropout = ctnn::Sequential<ctnn::Input<8>, ctnn::Dense<16>, ctnn::Tanh, ctnn::Dropout, ctnn::Dense<4>,
                                     ctnn::Softmax>;

// Fixed batches of a 4-class problem on 8 features.
struct Batches {
    static constexpr std::size_t rows = 16, count = 6;
    std::vector<float> x, y;
    Batches() {
        ctnn::Generator g(42);
        x.resize(rows * count * 8);
        y.assign(rows * count * 4, 0.0f);
        for (std::size_t r = 0; r < rows * count; ++r) {
            float best = -1e9f;
            std::size_t cls = 0;
            for (std::size_t j = 0; j < 8; ++j) x[r * 8 + j] = g.uniform(-1.0f, 1.0f);
            for (std::size_t c = 0; c < 4; ++c)
                if (const float s = x[r * 8 + 2 * c] + x[r * 8 + 2 * c + 1]; s > best) best = s, cls = c;
            y[r * 4 + cls] = 1.0f;
        }
    }
    template <class M>
    void train(M& m, std::size_t first_step, std::size_t steps) const {
        for (std::size_t s = first_step; s < first_step + steps; ++s) {
            const std::size_t b = s % count;
            m.train_on_batch(x.data() + b * rows * 8, y.data() + b * rows * 4, rows);
        }
    }
};

template <class F>
WeightFileError load_error(F&& f) {
    try {
        f();
    } catch (const WeightFileError& e) {
        return e;
    }
    BOOST_FAIL("expected a WeightFileError");
    throw std::logic_error("unreachable");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(io_weights)

BOOST_AUTO_TEST_CASE(round_trip_is_exact_and_the_layout_is_documented) {
    TempDir t;
    const fs::path file = t.path / "small.ctnnw";
    Small a;
    a.initialize(3);
    ctnn::save_weights(a, file);
    Small b;
    b.initialize(99);
    BOOST_TEST(!same_bits(weights_of(a), weights_of(b)));
    ctnn::load_weights(b, file);
    BOOST_TEST(same_bits(weights_of(a), weights_of(b)));
    const std::array<float, 8> x{0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f, -0.8f};
    const auto pa = a.predict_one(x), pb = b.predict_one(x);
    BOOST_TEST(std::memcmp(pa.data(), pb.data(), sizeof pa) == 0);

    const std::string bytes = read_string(file);
    const std::string sig = ctnn::weights_signature<Small>();
    BOOST_TEST(bytes.size() == 56 + sig.size() + 4 * Small::param_count + 4);
    BOOST_TEST(bytes.compare(0, 8, std::string("CTNNWGT\0", 8)) == 0);
    BOOST_TEST(bytes.compare(8, 4, std::string("\1\0\0\0", 4)) == 0);  // version 1
    BOOST_TEST(bytes.compare(12, 4, std::string("\4\3\2\1", 4)) == 0);  // byte-order mark, little-endian
    BOOST_TEST(bytes.compare(16, 4, std::string("\1\0\0\0", 4)) == 0);  // float32
    BOOST_TEST(bytes.compare(56, sig.size(), sig) == 0);
    BOOST_TEST(sig ==
               "0 InputLayer (None, 8) -> (None, 8)\n"
               "1 Dense (None, 8) -> (None, 16) relu\n"
               "2 Dense (None, 16) -> (None, 4) linear\n"
               "3 Activation (None, 4) -> (None, 4) softmax");
    // The first weight is dense_1's kernel[0][0], little-endian float32.
    float first = 0;
    std::memcpy(&first, bytes.data() + 56 + sig.size(), 4);  // (the test host is little-endian)
    BOOST_TEST(first == a.params<1>().kernel[0]);
    // No temporary left behind.
    for (const auto& e : fs::directory_iterator(t.path)) BOOST_TEST(e.path().filename() == "small.ctnnw");
}

BOOST_AUTO_TEST_CASE(every_failure_has_its_own_error_naming_the_file_and_leaves_the_model_alone) {
    TempDir t;
    const fs::path good = t.path / "good.ctnnw";
    Small saved;
    saved.initialize(5);
    ctnn::save_weights(saved, good);
    const std::string bytes = read_string(good);

    Small m;
    m.initialize(7);
    const std::vector<float> before = weights_of(m);
    std::set<Kind> kinds;
    const auto expect = [&](const fs::path& file, Kind kind, const std::string& says) {
        const WeightFileError e = load_error([&] { ctnn::load_weights(m, file); });
        BOOST_TEST((e.kind() == kind), file << ": " << e.what());
        BOOST_TEST(std::string(e.what()).find(file.string()) != std::string::npos, e.what());
        BOOST_TEST(std::string(e.what()).find(says) != std::string::npos, e.what());
        BOOST_TEST(same_bits(weights_of(m), before));
        kinds.insert(e.kind());
    };

    expect(t.path / "absent.ctnnw", Kind::missing, "no such file");

    write_string(t.path / "text.ctnnw", "this is not a weight file at all, just some text that is long enough\n");
    expect(t.path / "text.ctnnw", Kind::not_weight_file, "not a ctnn weight file");

    for (const std::size_t cut : {std::size_t{5}, std::size_t{40}, std::size_t{56 + 10}, bytes.size() - 1}) {
        write_string(t.path / "cut.ctnnw", bytes.substr(0, cut));
        expect(t.path / "cut.ctnnw", Kind::truncated, "truncated");
    }

    std::string flipped = bytes;
    flipped[bytes.size() - 40] ^= 0x10;  // inside the payload
    write_string(t.path / "flipped.ctnnw", flipped);
    expect(t.path / "flipped.ctnnw", Kind::corrupt, "checksum mismatch");

    std::string v2 = bytes;
    v2[8] = 2;
    write_string(t.path / "v2.ctnnw", v2);
    expect(t.path / "v2.ctnnw", Kind::version, "format version 2");

    std::string be = bytes;
    std::memcpy(be.data() + 12, "\1\2\3\4", 4);
    write_string(t.path / "be.ctnnw", be);
    expect(t.path / "be.ctnnw", Kind::byte_order, "big-endian");

    std::string f16 = bytes;
    f16[16] = 2;
    write_string(t.path / "f16.ctnnw", f16);
    expect(t.path / "f16.ctnnw", Kind::dtype, "float32");

    Wider w;
    ctnn::save_weights(w, t.path / "wider.ctnnw");
    expect(t.path / "wider.ctnnw", Kind::architecture, "different architecture");
    const WeightFileError arch = load_error([&] { ctnn::load_weights(m, t.path / "wider.ctnnw"); });
    const std::string msg = arch.what();
    BOOST_TEST(msg.find("  > 1 Dense (None, 8) -> (None, 12) relu") != std::string::npos, msg);  // saved
    BOOST_TEST(msg.find("  > 1 Dense (None, 8) -> (None, 16) relu") != std::string::npos, msg);  // expected
    BOOST_TEST(msg.find("160 parameters; this model has 212") != std::string::npos, msg);

    BOOST_TEST(kinds.size() == 8u);  // eight failures, eight distinct kinds (optimizer: below)
    ctnn::load_weights(m, good);     // and the model still loads a good file
    BOOST_TEST(same_bits(weights_of(m), weights_of(saved)));
}

BOOST_AUTO_TEST_CASE(a_failed_write_leaves_the_previous_file_intact) {
    TempDir t;
    const fs::path file = t.path / "model.ctnnw";
    Small old_model;
    old_model.initialize(1);
    ctnn::save_weights(old_model, file);
    const std::string old_bytes = read_string(file);

    // A child process with a 300-byte file-size limit: the write fails part-way (EFBIG).
    const pid_t pid = ::fork();
    BOOST_TEST_REQUIRE(pid >= 0);
    if (pid == 0) {
        ::signal(SIGXFSZ, SIG_IGN);
        const rlimit lim{300, 300};
        ::setrlimit(RLIMIT_FSIZE, &lim);
        Small fresh;
        fresh.initialize(2);
        try {
            ctnn::save_weights(fresh, file);
        } catch (const std::runtime_error& e) {
            const std::string m = e.what();
            const bool names = m.find(file.string()) != std::string::npos && m.find("write failed") != std::string::npos;
            ::_exit(names ? 0 : 2);
        }
        ::_exit(1);  // no exception: the limit did not bite
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    BOOST_TEST_REQUIRE(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
    BOOST_TEST((read_string(file) == old_bytes));
    std::size_t entries = 0;
    for (const auto& e : fs::directory_iterator(t.path)) entries += e.path().filename() == "model.ctnnw" ? 1 : 100;
    BOOST_TEST(entries == 1u);  // the temporary was removed

    // A directory that does not exist: the error names the file.
    try {
        ctnn::save_weights(old_model, t.path / "no" / "such" / "dir.ctnnw");
        BOOST_FAIL("expected std::runtime_error");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(std::string(e.what()).find("dir.ctnnw") != std::string::npos, e.what());
    }
}

// Train 2N steps straight, or N, save with the optimizer, load into a fresh
// model and train N more: the weights and the optimizer state agree bit for bit.
template <class M>
void check_resume(const ctnn::Optimizer& opt, const fs::path& file) {
    const Batches data;
    constexpr std::size_t n = 7;
    M straight;
    straight.initialize(11);
    straight.compile("categorical_crossentropy", opt);
    data.train(straight, 0, 2 * n);

    M first;
    first.initialize(11);
    first.compile("categorical_crossentropy", opt);
    data.train(first, 0, n);
    ctnn::save_weights(first, file, true);

    M resumed;
    resumed.initialize(12345);  // different weights: all of them must come from the file
    resumed.compile("categorical_crossentropy", opt);
    ctnn::load_weights(resumed, file);
    BOOST_TEST(resumed.optimizer().iterations() == std::int64_t{n});
    data.train(resumed, n, n);

    BOOST_TEST(same_bits(weights_of(resumed), weights_of(straight)));
    BOOST_TEST(resumed.optimizer().iterations() == straight.optimizer().iterations());
    BOOST_TEST_REQUIRE(resumed.optimizer().slot_count() == straight.optimizer().slot_count());
    for (std::size_t s = 0; s < straight.optimizer().slot_count(); ++s) {
        const auto a = straight.optimizer().slot_state(s), b = resumed.optimizer().slot_state(s);
        BOOST_TEST(a.kind == b.kind);
        BOOST_TEST_REQUIRE(a.tensors.size() == b.tensors.size());
        for (std::size_t k = 0; k < a.tensors.size(); ++k) BOOST_TEST(same_bits(a.tensors[k], b.tensors[k]));
    }
}

BOOST_AUTO_TEST_CASE(resuming_from_a_file_equals_an_uninterrupted_run) {
    TempDir t;
    check_resume<Small>(ctnn::Adam{}, t.path / "adam.ctnnw");
    check_resume<Small>(ctnn::Adam{.amsgrad = true}, t.path / "amsgrad.ctnnw");
    check_resume<Small>(ctnn::SGD{.learning_rate = 0.05f, .momentum = 0.9f, .nesterov = true}, t.path / "sgd.ctnnw");
    check_resume<Small>(ctnn::RMSprop{.momentum = 0.5f, .centered = true}, t.path / "rmsprop.ctnnw");
}

BOOST_AUTO_TEST_CASE(resuming_with_dropout_restores_the_models_training_state) {
    TempDir t;
    // Dropout masks are keyed by the model's seed and step counter: both travel.
    check_resume<WithDropout>(ctnn::Adam{}, t.path / "dropout.ctnnw");
    // fit() shuffles with the model's generator, and starts each epoch from
    // the identity permutation: its state travels too, so fit(1) + save +
    // load + fit(1) equals fit(2).
    const Batches data;
    ctnn::Tensor<float, 8> x(Batches::rows * Batches::count);
    ctnn::Tensor<float, 4> y(Batches::rows * Batches::count);
    std::copy(data.x.begin(), data.x.end(), x.row(0));
    std::copy(data.y.begin(), data.y.end(), y.row(0));
    const ctnn::FitOptions one{.epochs = 1, .batch_size = 10, .verbose = 0};
    WithDropout straight, first, resumed;
    for (auto* m : {&straight, &first, &resumed}) m->compile("categorical_crossentropy", ctnn::Adam{});
    straight.fit(x, y, {.epochs = 2, .batch_size = 10, .verbose = 0});
    first.fit(x, y, one);
    ctnn::save_weights(first, t.path / "fit.ctnnw", true);
    resumed.initialize(77);
    ctnn::load_weights(resumed, t.path / "fit.ctnnw");
    resumed.fit(x, y, one);
    BOOST_TEST(same_bits(weights_of(resumed), weights_of(straight)));
}

BOOST_AUTO_TEST_CASE(optimizer_state_needs_the_same_optimizer_or_can_be_skipped) {
    TempDir t;
    const Batches data;
    Small a;
    a.compile("categorical_crossentropy", ctnn::Adam{});
    data.train(a, 0, 2);
    ctnn::save_weights(a, t.path / "adam.ctnnw", true);

    Small b;
    b.initialize(8);
    b.compile("categorical_crossentropy", ctnn::SGD{.momentum = 0.9f});
    data.train(b, 0, 1);
    const std::vector<float> before = weights_of(b);
    const auto slot0 = b.optimizer().slot_state(2);
    const WeightFileError e = load_error([&] { ctnn::load_weights(b, t.path / "adam.ctnnw"); });
    BOOST_TEST((e.kind() == Kind::optimizer));
    BOOST_TEST(std::string(e.what()).find("saved with optimizer Adam but this model is compiled with SGD") !=
               std::string::npos, e.what());
    BOOST_TEST(same_bits(weights_of(b), before));
    BOOST_TEST(same_bits(b.optimizer().slot_state(2).tensors[0], slot0.tensors[0]));
    BOOST_TEST(b.optimizer().iterations() == 1);

    ctnn::load_weights(b, t.path / "adam.ctnnw", /*restore_optimizer=*/false);
    BOOST_TEST(same_bits(weights_of(b), weights_of(a)));
    BOOST_TEST(b.optimizer().iterations() == 1);  // untouched
}

BOOST_AUTO_TEST_CASE(a_damaged_training_state_is_caught_by_the_checksum) {
    TempDir t;
    const Batches data;
    Small a;
    a.compile("categorical_crossentropy", ctnn::Adam{});
    data.train(a, 0, 2);
    ctnn::save_weights(a, t.path / "a.ctnnw", true);
    std::string bytes = read_string(t.path / "a.ctnnw");
    bytes[bytes.size() - 8] ^= 1;  // last Adam slot tensor
    write_string(t.path / "a.ctnnw", bytes);
    Small b;
    b.compile("categorical_crossentropy", ctnn::Adam{});
    const WeightFileError e = load_error([&] { ctnn::load_weights(b, t.path / "a.ctnnw"); });
    BOOST_TEST((e.kind() == Kind::corrupt));
    BOOST_TEST(b.optimizer().iterations() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
