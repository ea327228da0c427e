#define BOOST_TEST_MODULE mnist
#include <boost/test/unit_test.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <type_traits>

#include "ctnn/data/mnist.hpp"
#include "support/bytes.hpp"
#include "support/error_message.hpp"
#include "support/files.hpp"
#include "support/gzip_file.hpp"
#include "support/idx_files.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

// Loader behaviour on small synthetic data sets written here; the real files
// are checked by mnist_real_test.cpp, which skips when they are absent.

namespace {

namespace fs = std::filesystem;
using namespace ctnn_test;

// `count` images of side x side whose bytes count up from `first_pixel`.
Bytes image_file(std::uint32_t count, std::uint32_t side = 28, std::uint8_t first_pixel = 0) {
    return idx_images(count, side, side, [=](std::size_t i) { return first_pixel + i; });
}

// Writes `b` to `p`, gzip-compressed if `gz`.
fs::path write_file(const fs::path& p, const Bytes& b, bool gz = false) {
    return gz ? write_gz(p, b) : write_bytes(p, b);
}

// A miniature MNIST in `dir`: 3 training and 2 test images. `names` picks the spelling.
fs::path write_dataset(const fs::path& dir, const std::array<std::string, 4>& names, bool gz = false) {
    write_file(dir / names[0], image_file(3, 28, 10), gz);
    write_file(dir / names[1], idx_labels({5, 0, 4}), gz);
    write_file(dir / names[2], image_file(2, 28, 20), gz);
    write_file(dir / names[3], idx_labels({7, 2}), gz);
    return dir;
}

const std::array<std::string, 4> canonical = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                              "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

class ScopedCwd {
public:
    explicit ScopedCwd(const fs::path& p) : old_(fs::current_path()) { fs::current_path(p); }
    ~ScopedCwd() { fs::current_path(old_); }

private:
    fs::path old_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mnist)

BOOST_AUTO_TEST_CASE(types_are_keras_shaped) {
    static_assert(std::is_same_v<decltype(ctnn::mnist::Split{}.x), ctnn::Tensor<std::uint8_t, 28, 28>>);
    static_assert(std::is_same_v<decltype(ctnn::mnist::Split{}.y), ctnn::Tensor<std::uint8_t>>);
    static_assert(std::is_same_v<decltype(ctnn::mnist::load_data()), ctnn::mnist::Data>);
    BOOST_TEST(ctnn::mnist::num_classes == 10u);
}

BOOST_AUTO_TEST_CASE(loads_raw_files_with_structured_bindings) {
    const TempDir tmp;
    const auto dir = write_dataset(tmp.path / "raw", canonical);
    BOOST_TEST(ctnn::mnist::data_available(dir));

    auto [train, test] = ctnn::mnist::load_data(dir);
    auto& [x_train, y_train] = train;
    auto& [x_test, y_test] = test;
    BOOST_TEST(x_train.rows() == 3u);
    BOOST_TEST(y_train.rows() == 3u);
    BOOST_TEST(x_test.rows() == 2u);
    BOOST_TEST(y_test.rows() == 2u);
    BOOST_TEST(x_train(0, 0) == 10);
    BOOST_TEST(x_train(1, 0) == static_cast<std::uint8_t>(10 + 784));
    BOOST_TEST(x_test(0, 0) == 20);
    BOOST_TEST(y_train[0] == 5);
    BOOST_TEST(y_test[1] == 2);
}

BOOST_AUTO_TEST_CASE(loads_gzipped_and_dotted_spellings) {
    const TempDir tmp;
    const auto gz = write_dataset(tmp.path / "gz",
                                  {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                   "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"},
                                  true);
    BOOST_TEST(ctnn::mnist::load_data(gz).train.y[2] == 4);

    const auto dotted = write_dataset(tmp.path / "dotted", {"train-images.idx3-ubyte", "train-labels.idx1-ubyte",
                                                            "t10k-images.idx3-ubyte.gz", "t10k-labels.idx1-ubyte"});
    BOOST_TEST(ctnn::mnist::load_data(dotted).test.y[0] == 7);
}

BOOST_AUTO_TEST_CASE(raw_spelling_wins_over_gzip) {
    const TempDir tmp;
    const auto dir = write_dataset(tmp.path / "both", canonical);
    write_file(tmp.path / "both/train-labels-idx1-ubyte.gz", idx_labels({1, 1, 1}), true);
    BOOST_TEST(ctnn::mnist::load_data(dir).train.y[0] == 5);
}

BOOST_AUTO_TEST_CASE(missing_directory_says_where_and_what_to_do) {
    const TempDir tmp;
    const auto dir = tmp.path / "nowhere";
    BOOST_TEST(!ctnn::mnist::data_available(dir));
    const std::string msg = data_error_of([&] { ctnn::mnist::load_data(dir); });
    BOOST_TEST(msg == dir.string() +
                          ": MNIST not found: no such directory (given to load_data); run scripts/fetch-mnist, or "
                          "set CTNN_MNIST_DIR to a directory holding the four MNIST IDX files");
}

BOOST_AUTO_TEST_CASE(missing_file_lists_every_spelling_looked_for) {
    const TempDir tmp;
    const auto dir = write_dataset(tmp.path / "partial", canonical);
    fs::remove(dir / "train-labels-idx1-ubyte");
    fs::remove(dir / "t10k-images-idx3-ubyte");
    BOOST_TEST(!ctnn::mnist::data_available(dir));
    const std::string msg = data_error_of([&] { ctnn::mnist::load_data(dir); });
    BOOST_TEST(msg == dir.string() +
                          ": MNIST not found: no train-labels-idx1-ubyte, train-labels-idx1-ubyte.gz, "
                          "train-labels.idx1-ubyte, train-labels.idx1-ubyte.gz; no t10k-images-idx3-ubyte, "
                          "t10k-images-idx3-ubyte.gz, t10k-images.idx3-ubyte, t10k-images.idx3-ubyte.gz (directory "
                          "given to load_data); run scripts/fetch-mnist, or set CTNN_MNIST_DIR to a directory "
                          "holding the four MNIST IDX files");
}

BOOST_AUTO_TEST_CASE(image_and_label_counts_must_agree) {
    const TempDir tmp;
    const auto dir = write_dataset(tmp.path / "mismatch", canonical);
    write_file(tmp.path / "mismatch/train-labels-idx1-ubyte", idx_labels({5, 0}));
    BOOST_TEST(data_error_of([&] { ctnn::mnist::load_data(dir); }) ==
               (dir / "train-images-idx3-ubyte").string() + ": image count 3 does not match label count 2 in " +
                   (dir / "train-labels-idx1-ubyte").string());
}

BOOST_AUTO_TEST_CASE(bad_file_inside_the_data_set_is_named) {
    const TempDir tmp;
    const auto dir = write_dataset(tmp.path / "bad", canonical);
    write_file(tmp.path / "bad/t10k-labels-idx1-ubyte", idx_labels({7, 11}));
    BOOST_TEST(data_error_of([&] { ctnn::mnist::load_data(dir); }) ==
               (dir / "t10k-labels-idx1-ubyte").string() + ": label 11 at index 1 is out of range 0..9");
    write_file(tmp.path / "bad/t10k-labels-idx1-ubyte", idx_labels({7, 2}));
    write_file(tmp.path / "bad/train-images-idx3-ubyte", image_file(3, 32));
    BOOST_TEST(data_error_of([&] { ctnn::mnist::load_data(dir); }) ==
               (dir / "train-images-idx3-ubyte").string() + ": images are 32x32, expected 28x28");
}

BOOST_AUTO_TEST_CASE(directory_resolution_order) {
    const TempDir tmp;
    const auto from_env = write_dataset(tmp.path / "env", canonical);
    const auto explicit_dir = tmp.path / "explicit";
    {
        const ScopedEnv env("CTNN_MNIST_DIR", from_env.c_str());
        BOOST_TEST(ctnn::mnist::data_dir() == from_env);
        BOOST_TEST(ctnn::mnist::data_dir(explicit_dir) == explicit_dir);  // the argument wins
        BOOST_TEST(ctnn::mnist::data_available());
        BOOST_TEST(ctnn::mnist::load_data().train.x.rows() == 3u);
        const std::string msg = data_error_of([&] { ctnn::mnist::load_data(explicit_dir); });
        BOOST_TEST(contains(msg, "(given to load_data)"));
    }
    {
        const ScopedEnv env("CTNN_MNIST_DIR", tmp.path.c_str());  // set, but without the files
        BOOST_TEST(!ctnn::mnist::data_available());
        BOOST_TEST(contains(data_error_of([] { ctnn::mnist::load_data(); }), "(directory from CTNN_MNIST_DIR)"));
    }
    {
        const ScopedEnv env("CTNN_MNIST_DIR", "");  // empty counts as unset
        write_dataset(tmp.path / "cwd/data/mnist", canonical);
        const ScopedCwd cwd(tmp.path / "cwd");
        BOOST_TEST(ctnn::mnist::data_dir() == fs::path("data/mnist"));
        BOOST_TEST(ctnn::mnist::load_data().test.x.rows() == 2u);
    }
    {
        const ScopedEnv env("CTNN_MNIST_DIR", nullptr);
        fs::create_directories(tmp.path / "empty-cwd");
        const ScopedCwd cwd(tmp.path / "empty-cwd");
#ifdef CTNN_SOURCE_DIR
        BOOST_TEST(ctnn::mnist::data_dir() == fs::path(CTNN_SOURCE_DIR "/data/mnist"));
#else
        BOOST_TEST(ctnn::mnist::data_dir() == fs::path("data/mnist"));
        BOOST_TEST(!ctnn::mnist::data_available());
        BOOST_TEST(contains(data_error_of([] { ctnn::mnist::load_data(); }), "run scripts/fetch-mnist"));
#endif
    }
}

BOOST_AUTO_TEST_SUITE_END()
