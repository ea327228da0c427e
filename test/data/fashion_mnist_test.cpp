#define BOOST_TEST_MODULE fashion_mnist
#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <unistd.h>

#include "ctnn/data/fashion_mnist.hpp"

// Directory resolution and the Debian file layout, on synthetic files; the
// real data set is checked by fashion_mnist_real_test.cpp.

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

void put_be32(Bytes& b, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

void write_gz(const fs::path& p, const Bytes& b) {
    gzFile f = gzopen(p.c_str(), "wb");
    BOOST_TEST_REQUIRE(f != nullptr);
    BOOST_TEST_REQUIRE(gzwrite(f, b.data(), static_cast<unsigned>(b.size())) == static_cast<int>(b.size()));
    BOOST_TEST_REQUIRE(gzclose(f) == Z_OK);
}

// The four gzipped files under the names Debian's dataset-fashion-mnist installs.
void write_debian_layout(const fs::path& dir, std::uint32_t train, std::uint32_t test) {
    fs::create_directories(dir);
    for (const auto& [prefix, n] : {std::pair{"train", train}, std::pair{"t10k", test}}) {
        Bytes images;
        put_be32(images, 0x00000803);
        put_be32(images, n);
        put_be32(images, 28);
        put_be32(images, 28);
        images.resize(images.size() + std::size_t{n} * 784, 128);
        write_gz(dir / (std::string(prefix) + "-images-idx3-ubyte.gz"), images);
        Bytes labels;
        put_be32(labels, 0x00000801);
        put_be32(labels, n);
        for (std::uint32_t i = 0; i < n; ++i) labels.push_back(static_cast<std::uint8_t>(9 - i % 10));
        write_gz(dir / (std::string(prefix) + "-labels-idx1-ubyte.gz"), labels);
    }
}

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("ctnn_fashion_mnist_test_" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

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

template <class F>
std::string data_error_of(F&& f) {
    try {
        f();
    } catch (const ctnn::DataError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fashion_mnist)

BOOST_AUTO_TEST_CASE(same_types_as_mnist) {
    static_assert(std::is_same_v<ctnn::fashion_mnist::Data, ctnn::mnist::Data>);
    BOOST_TEST(ctnn::fashion_mnist::class_names.size() == 10u);
    BOOST_TEST(ctnn::fashion_mnist::class_names[0] == "T-shirt/top");
    BOOST_TEST(ctnn::fashion_mnist::class_names[9] == "Ankle boot");
}

BOOST_AUTO_TEST_CASE(default_directory_is_debians) {
    const ScopedEnv env("CTNN_FASHION_MNIST_DIR", nullptr);
    BOOST_TEST(ctnn::fashion_mnist::data_dir() == fs::path("/usr/share/datasets/fashion-mnist"));
}

BOOST_AUTO_TEST_CASE(loads_the_debian_layout) {
    const TempDir tmp;
    write_debian_layout(tmp.path / "fm", 12, 4);
    auto [train, test] = ctnn::fashion_mnist::load_data(tmp.path / "fm");
    auto& [x_train, y_train] = train;
    BOOST_TEST(x_train.rows() == 12u);
    BOOST_TEST(y_train[0] == 9);
    BOOST_TEST(x_train(11, 783) == 128);
    BOOST_TEST(test.y.rows() == 4u);
}

BOOST_AUTO_TEST_CASE(environment_overrides_the_default) {
    const TempDir tmp;
    write_debian_layout(tmp.path / "env", 3, 2);
    const ScopedEnv env("CTNN_FASHION_MNIST_DIR", (tmp.path / "env").c_str());
    BOOST_TEST(ctnn::fashion_mnist::data_dir() == tmp.path / "env");
    BOOST_TEST(ctnn::fashion_mnist::data_available());
    BOOST_TEST(ctnn::fashion_mnist::load_data().test.x.rows() == 2u);
    BOOST_TEST(ctnn::fashion_mnist::data_dir(tmp.path / "arg") == tmp.path / "arg");  // the argument wins
}

BOOST_AUTO_TEST_CASE(missing_data_says_how_to_install_it) {
    const TempDir tmp;
    const ScopedEnv env("CTNN_FASHION_MNIST_DIR", (tmp.path / "none").c_str());
    BOOST_TEST(!ctnn::fashion_mnist::data_available());
    BOOST_TEST(data_error_of([] { ctnn::fashion_mnist::load_data(); }) ==
               (tmp.path / "none").string() +
                   ": Fashion-MNIST not found: no such directory (from CTNN_FASHION_MNIST_DIR); install it with "
                   "`apt-get install dataset-fashion-mnist`, or set CTNN_FASHION_MNIST_DIR to a directory holding "
                   "the four Fashion-MNIST IDX files");
}

BOOST_AUTO_TEST_SUITE_END()
