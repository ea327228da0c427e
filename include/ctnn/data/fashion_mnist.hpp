#pragma once
// ctnn::fashion_mnist::load_data — Fashion-MNIST as Keras'
// fashion_mnist.load_data() returns it.
//
// Contract: the same four-file IDX layout and file spellings as ctnn::mnist
// (Fashion-MNIST is a drop-in replacement for MNIST). The directory is, first
// that applies: the argument; $CTNN_FASHION_MNIST_DIR (if set and non-empty);
// /usr/share/datasets/fashion-mnist, where Debian's dataset-fashion-mnist
// package installs train-images-idx3-ubyte.gz and its three siblings.
// Guarantees: train.x 60000 x 28 x 28, test.x 10000 x 28 x 28 uint8 pixels,
// y uint8 labels 0..9 (names in class_names), binding as
//     auto [train, test] = ctnn::fashion_mnist::load_data();
// Failures throw ctnn::DataError exactly as ctnn::mnist::load_data does.
#include <array>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>
#include <utility>

#include "ctnn/data/mnist.hpp"

namespace ctnn {
namespace detail {

inline DatasetDir fashion_mnist_dir(const std::optional<std::filesystem::path>& dir) {
    if (dir) return {*dir, "given to load_data", ""};
    if (auto env = dataset_env_path("CTNN_FASHION_MNIST_DIR"))
        return {std::move(*env), "from CTNN_FASHION_MNIST_DIR", ""};
    return {"/usr/share/datasets/fashion-mnist", "the default, where Debian's dataset-fashion-mnist installs it", ""};
}

}  // namespace detail

namespace fashion_mnist {

inline constexpr std::size_t image_rows = 28;
inline constexpr std::size_t image_cols = 28;
inline constexpr std::size_t num_classes = 10;

// Label i names class_names[i], as in the Fashion-MNIST README.
inline constexpr std::array<std::string_view, num_classes> class_names{
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

using Split = ImageSplit<image_rows, image_cols>;
using Data = ImageDataset<image_rows, image_cols>;

// The directory load_data(dir) reads; it may not exist.
inline std::filesystem::path data_dir(const std::optional<std::filesystem::path>& dir = {}) {
    return ctnn::detail::fashion_mnist_dir(dir).dir;
}

inline bool data_available(const std::optional<std::filesystem::path>& dir = {}) noexcept {
    try {
        return ctnn::detail::idx_dataset_present(ctnn::detail::fashion_mnist_dir(dir));
    } catch (...) {
        return false;
    }
}

inline Data load_data(const std::optional<std::filesystem::path>& dir = {}) {
    return ctnn::detail::load_idx_dataset<image_rows, image_cols>(
        ctnn::detail::fashion_mnist_dir(dir),
        {"Fashion-MNIST",
         "install it with `apt-get install dataset-fashion-mnist`, or set CTNN_FASHION_MNIST_DIR to a directory "
         "holding the four Fashion-MNIST IDX files"},
        num_classes);
}

}  // namespace fashion_mnist
}  // namespace ctnn
