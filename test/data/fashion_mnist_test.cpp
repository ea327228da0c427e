#define BOOST_TEST_MODULE fashion_mnist
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <type_traits>
#include <utility>

#include "ctnn/data/fashion_mnist.hpp"
#include "support/bytes.hpp"
#include "support/error_message.hpp"
#include "support/gzip_file.hpp"
#include "support/idx_files.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

// Directory resolution and the Debian file layout, on synthetic files; the
// real data set is checked by fashion_mnist_real_test.cpp.

namespace {

namespace fs = std::filesystem;
using namespace ctnn_test;

// The four gzipped files under the names Debian's dataset-fashion-mnist installs.
void write_debian_layout(const fs::path& dir, std::uint32_t train, std::uint32_t test) {
    for (const auto& [prefix, n] : {std::pair{"train", train}, std::pair{"t10k", test}}) {
        write_gz(dir / (std::string(prefix) + "-images-idx3-ubyte.gz"),
                 idx_images(n, 28, 28, [](std::size_t) { return 128; }));
        Bytes labels;
        for (std::uint32_t i = 0; i < n; ++i) labels.push_back(static_cast<std::uint8_t>(9 - i % 10));
        write_gz(dir / (std::string(prefix) + "-labels-idx1-ubyte.gz"), idx_labels(labels));
    }
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
