#define BOOST_TEST_MODULE io_weights
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "ctnn/io/weights.hpp"
#include "support/counting_new.hpp"
#include "support/error_message.hpp"
#include "support/files.hpp"
#include "support/model_weights.hpp"
#include "support/same_bits.hpp"
#include "support/temp_dir.hpp"
#include "support/weight_file_crc.hpp"

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

    // Another version, a big-endian writer, another dtype: files whose crc32
    // is right for what they hold (a flipped byte instead is damage: below).
    std::string v2 = bytes;
    v2[8] = 2;
    write_string(t.path / "v2.ctnnw", with_crc(v2));
    expect(t.path / "v2.ctnnw", Kind::version, "format version 2");

    std::string be = bytes;
    std::memcpy(be.data() + 12, "\1\2\3\4", 4);
    write_string(t.path / "be.ctnnw", with_crc(be));
    expect(t.path / "be.ctnnw", Kind::byte_order, "big-endian");

    std::string f16 = bytes;
    f16[16] = 2;
    write_string(t.path / "f16.ctnnw", with_crc(f16));
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

// A good Small file without and with training state (Adam after two steps).
struct GoodFiles {
    std::string plain, with_state;
    GoodFiles(const fs::path& dir) {
        const Batches data;
        Small a;
        a.initialize(5);
        a.compile("categorical_crossentropy", ctnn::Adam{});
        data.train(a, 0, 2);
        ctnn::save_weights(a, dir / "plain.ctnnw");
        ctnn::save_weights(a, dir / "state.ctnnw", true);
        plain = read_string(dir / "plain.ctnnw");
        with_state = read_string(dir / "state.ctnnw");
    }
};

BOOST_AUTO_TEST_CASE(every_single_bit_flip_in_the_header_is_reported_as_damage) {
    // Issue #5: a flipped byte must be told apart from a truncated file or a
    // wrong version. The crc32 covers the header, so it decides.
    TempDir t;
    const GoodFiles good(t.path);
    Small m;
    m.initialize(7);
    m.compile("categorical_crossentropy", ctnn::Adam{});
    const std::vector<float> before = weights_of(m);
    const fs::path file = t.path / "flipped.ctnnw";
    for (const std::string* bytes : {&good.plain, &good.with_state}) {
        for (std::size_t at = 0; at < ctnn::weights_format::header_size; ++at) {
            for (int bit = 0; bit < 8; ++bit) {
                std::string flipped = *bytes;
                flipped[at] = static_cast<char>(flipped[at] ^ (1 << bit));
                write_string(file, flipped);
                const WeightFileError e = load_error([&] { ctnn::load_weights(m, file); });
                const std::string msg = e.what();
                BOOST_TEST((e.kind() == Kind::corrupt), "byte " << at << " bit " << bit << ": " << msg);
                BOOST_TEST(contains(msg, "damaged header"), "byte " << at << " bit " << bit << ": " << msg);
                BOOST_TEST(contains(msg, file.string()), msg);
                BOOST_TEST(!contains(msg, "truncated"), msg);
            }
        }
    }
    BOOST_TEST(same_bits(weights_of(m), before));
    BOOST_TEST(m.optimizer().iterations() == 0);
    // The damaged field is named, with what the checksum says it should hold.
    std::string v = good.plain;
    v[9] ^= 1;
    write_string(file, v);
    BOOST_TEST(load_error([&] { ctnn::load_weights(m, file); }).what() ==
               "ctnn::load_weights: '" + file.string() +
                   "': damaged header: the format version (bytes 8-11) reads 257, but the checksum matches the file "
                   "with 1 there; the rest of the file is intact");
}

BOOST_AUTO_TEST_CASE(a_cut_file_is_truncated_appended_bytes_are_named_and_a_payload_flip_is_a_checksum_error) {
    TempDir t;
    const GoodFiles good(t.path);
    Small m;
    m.compile("categorical_crossentropy", ctnn::Adam{});
    const fs::path file = t.path / "f.ctnnw";
    for (const std::string* bytes : {&good.plain, &good.with_state}) {
        for (std::size_t cut = 1; cut < bytes->size(); ++cut) {  // every prefix
            write_string(file, bytes->substr(0, cut));
            const WeightFileError e = load_error([&] { ctnn::load_weights(m, file); });
            BOOST_TEST((e.kind() == Kind::truncated), "cut at " << cut << ": " << e.what());
            BOOST_TEST(contains(e.what(), "truncated: "), e.what());
        }
        write_string(file, *bytes + "xyz");
        const WeightFileError extra = load_error([&] { ctnn::load_weights(m, file); });
        BOOST_TEST((extra.kind() == Kind::corrupt));
        BOOST_TEST(contains(extra.what(), "3 unexpected bytes after the checksum"), extra.what());
        for (std::size_t at = ctnn::weights_format::header_size; at < bytes->size(); at += 7) {  // after the header
            std::string flipped = *bytes;
            flipped[at] = static_cast<char>(flipped[at] ^ 0x20);
            write_string(file, flipped);
            const WeightFileError e = load_error([&] { ctnn::load_weights(m, file); });
            BOOST_TEST((e.kind() == Kind::corrupt), "byte " << at << ": " << e.what());
            BOOST_TEST(contains(e.what(), "checksum mismatch"), "byte " << at << ": " << e.what());
        }
    }
    BOOST_TEST(m.optimizer().iterations() == 0);
}

BOOST_AUTO_TEST_CASE(a_file_too_large_for_this_model_is_refused_without_reading_it) {
    // 3 GB, sparse (nothing on disk): the loader must judge it by its header
    // and its size, not read it into memory.
    TempDir t;
    const GoodFiles good(t.path);
    Small m;
    m.initialize(7);
    const std::vector<float> before = weights_of(m);
    const std::uint64_t big = std::uint64_t{3} << 30;
    const auto sparse = [&](const std::string& name, const std::string& head, std::uint64_t size) {
        const fs::path p = write_string(t.path / name, head);
        BOOST_TEST_REQUIRE(::truncate(p.c_str(), static_cast<::off_t>(size)) == 0);
        return p;
    };
    const auto refused = [&](const fs::path& p, Kind kind, const std::string& says) {
        ctnn_test::largest_allocation = 0;
        const WeightFileError e = load_error([&] { ctnn::load_weights(m, p); });
        BOOST_TEST((e.kind() == kind), e.what());
        BOOST_TEST(contains(e.what(), ": '" + p.string() + "': "), e.what());
        BOOST_TEST(contains(e.what(), says), e.what());
        BOOST_TEST(ctnn_test::largest_allocation.load() < (std::size_t{1} << 20), "allocated " << ctnn_test::largest_allocation.load());
        BOOST_TEST(same_bits(weights_of(m), before));
        return std::string(e.what());
    };

    // The magic, then zeros.
    const std::string msg =
        refused(sparse("magic.bin", good.plain.substr(0, 8), big), Kind::corrupt,
                "the file has 3221225472 bytes, larger than any weight file of this model (at most ");
    BOOST_TEST(contains(msg, "so it was not read"), msg);
    // No magic at all.
    refused(sparse("zeros.bin", "", big), Kind::not_weight_file, "not a ctnn weight file");
    // A consistent header of a model with 800 million parameters.
    std::string head = good.plain.substr(0, 56);
    const std::uint64_t params = 800'000'000, sig = ctnn::weights_signature<Small>().size();
    for (int i = 0; i < 8; ++i) {
        head[32 + static_cast<std::size_t>(i)] = static_cast<char>((params >> (8 * i)) & 0xffu);
        head[48 + static_cast<std::size_t>(i)] = static_cast<char>(((4 * params) >> (8 * i)) & 0xffu);
    }
    refused(sparse("huge-model.ctnnw", head, 56 + sig + 4 * params + 4), Kind::architecture,
            "different architecture (800000000 parameters; this model has 212): it has 3200000");
}

BOOST_AUTO_TEST_CASE(a_fifo_a_device_or_a_directory_is_refused_without_waiting) {
    TempDir t;
    Small m;
    m.initialize(7);
    const std::vector<float> before = weights_of(m);

    const WeightFileError dev = load_error([&] { ctnn::load_weights(m, "/dev/zero"); });
    BOOST_TEST((dev.kind() == Kind::io), dev.what());
    BOOST_TEST(dev.what() ==
               std::string("ctnn::load_weights: '/dev/zero': is not a regular file (a device), not a weight file"));

    const WeightFileError dir = load_error([&] { ctnn::load_weights(m, t.path); });
    BOOST_TEST((dir.kind() == Kind::io), dir.what());
    BOOST_TEST(contains(dir.what(), "is a directory"), dir.what());

    // A FIFO nobody writes to: opening it for reading could block forever. The
    // load runs in a child with a watchdog (a hang is a failure, not a stall).
    const fs::path fifo = t.path / "weights.fifo";
    BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const pid_t pid = ::fork();
    BOOST_TEST_REQUIRE(pid >= 0);
    if (pid == 0) {
        ::alarm(60);  // the watchdog: SIGALRM kills the child if it hangs
        try {
            ctnn::load_weights(m, fifo);
        } catch (const WeightFileError& e) {
            const bool ok = e.kind() == Kind::io &&
                            std::string(e.what()) == "ctnn::load_weights: '" + fifo.string() +
                                                         "': is not a regular file (a FIFO), not a weight file";
            ::_exit(ok ? 0 : 2);
        } catch (...) {
            ::_exit(3);
        }
        ::_exit(1);
    }
    int status = 0;
    BOOST_TEST_REQUIRE(::waitpid(pid, &status, 0) == pid);
    BOOST_TEST(WIFEXITED(status),
               "the load hung or crashed (signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0) << ")");
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0), "child exit status " << WEXITSTATUS(status));
    BOOST_TEST(same_bits(weights_of(m), before));
}

BOOST_AUTO_TEST_SUITE_END()
