#define BOOST_TEST_MODULE mnist
#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <unistd.h>

#include "ctnn/data/mnist.hpp"

// Loader behaviour on small synthetic data sets written here; the real files
// are checked by mnist_real_test.cpp, which skips when they are absent.

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

void put_be32(Bytes& b, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

Bytes image_file(std::uint32_t count, std::uint32_t side = 28, std::uint8_t first_pixel = 0) {
    Bytes b;
    put_be32(b, 0x00000803);
    put_be32(b, count);
    put_be32(b, side);
    put_be32(b, side);
    for (std::size_t i = 0; i < std::size_t{count} * side * side; ++i)
        b.push_back(static_cast<std::uint8_t>(first_pixel + i));
    return b;
}

Bytes label_file(const Bytes& labels) {
    Bytes b;
    put_be32(b, 0x00000801);
    put_be32(b, static_cast<std::uint32_t>(labels.size()));
    b.insert(b.end(), labels.begin(), labels.end());
    return b;
}

template <class F>
std::string data_error_of(F&& f) {
    try {
        f();
    } catch (const ctnn::DataError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("ctnn_mnist_test_" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    fs::path write(const fs::path& name, const Bytes& b, bool gz = false) const {
        const auto p = path / name;
        fs::create_directories(p.parent_path());
        if (gz) {
            gzFile f = gzopen(p.c_str(), "wb");
            BOOST_TEST_REQUIRE(f != nullptr);
            BOOST_TEST_REQUIRE(gzwrite(f, b.data(), static_cast<unsigned>(b.size())) == static_cast<int>(b.size()));
            BOOST_TEST_REQUIRE(gzclose(f) == Z_OK);
        } else {
            std::ofstream(p, std::ios::binary)
                .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
        }
        return p;
    }
    // A miniature MNIST: 3 training and 2 test images. `names` picks the spelling.
    fs::path write_dataset(const std::string& sub, const std::array<std::string, 4>& names, bool gz = false) const {
        write(fs::path(sub) / names[0], image_file(3, 28, 10), gz);
        write(fs::path(sub) / names[1], label_file({5, 0, 4}), gz);
        write(fs::path(sub) / names[2], image_file(2, 28, 20), gz);
        write(fs::path(sub) / names[3], label_file({7, 2}), gz);
        return path / sub;
    }
};

const std::array<std::string, 4> canonical = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                              "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

// Sets or clears an environment variable for one scope, restoring it after.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value)
            ::setenv(name, value, 1);
        else
            ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

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
    const auto dir = tmp.write_dataset("raw", canonical);
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
    const auto gz = tmp.write_dataset("gz",
                                      {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                       "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"},
                                      true);
    BOOST_TEST(ctnn::mnist::load_data(gz).train.y[2] == 4);

    const auto dotted = tmp.write_dataset(
        "dotted", {"train-images.idx3-ubyte", "train-labels.idx1-ubyte", "t10k-images.idx3-ubyte.gz",
                   "t10k-labels.idx1-ubyte"});
    BOOST_TEST(ctnn::mnist::load_data(dotted).test.y[0] == 7);
}

BOOST_AUTO_TEST_CASE(raw_spelling_wins_over_gzip) {
    const TempDir tmp;
    const auto dir = tmp.write_dataset("both", canonical);
    tmp.write("both/train-labels-idx1-ubyte.gz", label_file({1, 1, 1}), true);
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
    const auto dir = tmp.write_dataset("partial", canonical);
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
    const auto dir = tmp.write_dataset("mismatch", canonical);
    tmp.write("mismatch/train-labels-idx1-ubyte", label_file({5, 0}));
    BOOST_TEST(data_error_of([&] { ctnn::mnist::load_data(dir); }) ==
               (dir / "train-images-idx3-ubyte").string() + ": image count 3 does not match label count 2 in " +
                   (dir / "train-labels-idx1-ubyte").string());
}

BOOST_AUTO_TEST_CASE(bad_file_inside_the_data_set_is_named) {
    const TempDir tmp;
    const auto dir = tmp.write_dataset("bad", canonical);
    tmp.write("bad/t10k-labels-idx1-ubyte", label_file({7, 11}));
    BOOST_TEST(data_error_of([&] { ctnn::mnist::load_data(dir); }) ==
               (dir / "t10k-labels-idx1-ubyte").string() + ": label 11 at index 1 is out of range 0..9");
    tmp.write("bad/t10k-labels-idx1-ubyte", label_file({7, 2}));
    tmp.write("bad/train-images-idx3-ubyte", image_file(3, 32));
    BOOST_TEST(data_error_of([&] { ctnn::mnist::load_data(dir); }) ==
               (dir / "train-images-idx3-ubyte").string() + ": images are 32x32, expected 28x28");
}

BOOST_AUTO_TEST_CASE(directory_resolution_order) {
    const TempDir tmp;
    const auto from_env = tmp.write_dataset("env", canonical);
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
        tmp.write_dataset("cwd/data/mnist", canonical);
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
