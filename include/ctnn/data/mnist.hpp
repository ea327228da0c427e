#pragma once
// ctnn::mnist::load_data — MNIST as Keras' mnist.load_data() returns it.
//
// Contract: load_data(dir) reads the four MNIST IDX files from one directory,
// each either raw (train-images-idx3-ubyte), gzipped (…-ubyte.gz) or in the
// dotted spelling some mirrors use (train-images.idx3-ubyte[.gz]). The
// directory is, first that applies: the argument; $CTNN_MNIST_DIR (if set and
// non-empty); ./data/mnist if it exists; CTNN_SOURCE_DIR "/data/mnist" if that
// macro is defined (the build sets it for tests and examples); ./data/mnist.
// Guarantees: the result has Keras' shapes and dtypes — train.x 60000 x 28 x 28
// and test.x 10000 x 28 x 28 uint8 pixels, train.y / test.y uint8 labels 0..9,
// one per image — and binds like the Python tuple:
//     auto [train, test] = ctnn::mnist::load_data();
//     auto& [x_train, y_train] = train;
// A missing directory or file, a malformed file, or image and label counts that
// disagree throw ctnn::DataError saying what was looked for or what is wrong,
// and how to get the data (scripts/fetch-mnist, or set CTNN_MNIST_DIR).
// data_available(dir) says, without throwing or reading the data, whether all
// four files are there — for tests that skip when the data is absent.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "ctnn/core/tensor.hpp"
#include "ctnn/data/data_error.hpp"
#include "ctnn/data/idx.hpp"

namespace ctnn {

// One split of an image-classification data set: x the images, y one label per image.
template <std::size_t Rows, std::size_t Cols>
struct ImageSplit {
    Tensor<std::uint8_t, Rows, Cols> x;
    Tensor<std::uint8_t> y;
};

// Keras' ((x_train, y_train), (x_test, y_test)), with names.
template <std::size_t Rows, std::size_t Cols>
struct ImageDataset {
    ImageSplit<Rows, Cols> train;
    ImageSplit<Rows, Cols> test;
};

namespace detail {

// Where an IDX data set is looked for, and why there — both end up in the
// "not found" message, so a user can tell which setting sent us where.
struct DatasetDir {
    std::filesystem::path dir;
    std::string origin;      // "given to load_data", "from CTNN_MNIST_DIR", …
    std::string also_tried;  // earlier candidates that did not exist, or empty
};

struct IdxDatasetInfo {
    std::string_view title;   // "MNIST"
    std::string_view remedy;  // "run scripts/fetch-mnist or set CTNN_MNIST_DIR to …"
};

// The four files of a Keras-style IDX data set, in the order load_data reads them.
struct IdxFileName {
    std::string_view stem;  // "train-images"
    std::string_view kind;  // "idx3-ubyte"
};
inline constexpr std::array<IdxFileName, 4> idx_dataset_files{{
    {"train-images", "idx3-ubyte"},
    {"train-labels", "idx1-ubyte"},
    {"t10k-images", "idx3-ubyte"},
    {"t10k-labels", "idx1-ubyte"},
}};

// Accepted spellings, in order of preference: the canonical name as LeCun
// published it, gzipped as most mirrors and Debian ship it, and the dotted form.
inline std::array<std::string, 4> idx_file_spellings(const IdxFileName& f) {
    const std::string dashed = std::string(f.stem) + "-" + std::string(f.kind);
    const std::string dotted = std::string(f.stem) + "." + std::string(f.kind);
    return {dashed, dashed + ".gz", dotted, dotted + ".gz"};
}

inline std::optional<std::filesystem::path> find_idx_file(const std::filesystem::path& dir, const IdxFileName& f) {
    for (const auto& name : idx_file_spellings(f)) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(dir / name, ec)) return dir / name;
    }
    return std::nullopt;
}

inline std::string join_spellings(const std::array<std::string, 4>& parts) {
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "" : ", ") + p;
    return s;
}

// The four files, or a DataError that lists everything looked for.
inline std::array<std::filesystem::path, 4> locate_idx_files(const DatasetDir& where, const IdxDatasetInfo& info) {
    const std::string title(info.title);
    const std::string tried = where.also_tried.empty() ? "" : "; " + where.also_tried;
    std::error_code ec;
    if (!std::filesystem::is_directory(where.dir, ec))
        throw DataError(where.dir.string(), title + " not found: no such directory (" + where.origin + tried + "); " +
                                                std::string(info.remedy));
    std::array<std::filesystem::path, 4> found;
    std::string missing;
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (auto p = find_idx_file(where.dir, idx_dataset_files[i]))
            found[i] = std::move(*p);
        else
            missing += (missing.empty() ? "no " : "; no ") + join_spellings(idx_file_spellings(idx_dataset_files[i]));
    }
    if (!missing.empty())
        throw DataError(where.dir.string(), title + " not found: " + missing + " (directory " + where.origin + tried +
                                                "); " + std::string(info.remedy));
    return found;
}

template <std::size_t Rows, std::size_t Cols>
ImageSplit<Rows, Cols> load_idx_split(const std::filesystem::path& images, const std::filesystem::path& labels,
                                      std::size_t num_classes) {
    ImageSplit<Rows, Cols> split{idx::read_images<Rows, Cols>(images), idx::read_labels(labels, num_classes)};
    if (split.x.rows() != split.y.rows())
        throw DataError(images.string(), "image count " + std::to_string(split.x.rows()) +
                                             " does not match label count " + std::to_string(split.y.rows()) +
                                             " in " + labels.string());
    return split;
}

template <std::size_t Rows, std::size_t Cols>
ImageDataset<Rows, Cols> load_idx_dataset(const DatasetDir& where, const IdxDatasetInfo& info,
                                          std::size_t num_classes) {
    const auto files = locate_idx_files(where, info);
    return {load_idx_split<Rows, Cols>(files[0], files[1], num_classes),
            load_idx_split<Rows, Cols>(files[2], files[3], num_classes)};
}

inline bool idx_dataset_present(const DatasetDir& where) noexcept {
    try {
        for (const auto& f : idx_dataset_files)
            if (!find_idx_file(where.dir, f)) return false;
        return true;
    } catch (...) {  // only allocation can fail here; "not available" is the honest answer
        return false;
    }
}

// A non-empty environment variable, or nullopt.
inline std::optional<std::filesystem::path> dataset_env_path(const char* var) {
    const char* v = std::getenv(var);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::filesystem::path(v);
}

inline DatasetDir mnist_dir(const std::optional<std::filesystem::path>& dir) {
    if (dir) return {*dir, "given to load_data", ""};
    if (auto env = dataset_env_path("CTNN_MNIST_DIR")) return {std::move(*env), "from CTNN_MNIST_DIR", ""};
    const std::filesystem::path local = "data/mnist";
    std::error_code ec;
    if (std::filesystem::is_directory(local, ec)) return {local, "data/mnist in the working directory", ""};
#ifdef CTNN_SOURCE_DIR
    return {std::filesystem::path(CTNN_SOURCE_DIR "/data/mnist"), "from CTNN_SOURCE_DIR",
            "data/mnist in the working directory does not exist either"};
#else
    return {local, "the default, relative to the working directory", ""};
#endif
}

}  // namespace detail

namespace mnist {

inline constexpr std::size_t image_rows = 28;
inline constexpr std::size_t image_cols = 28;
inline constexpr std::size_t num_classes = 10;

using Split = ImageSplit<image_rows, image_cols>;
using Data = ImageDataset<image_rows, image_cols>;

// The directory load_data(dir) reads; it may not exist.
inline std::filesystem::path data_dir(const std::optional<std::filesystem::path>& dir = {}) {
    return ctnn::detail::mnist_dir(dir).dir;
}

inline bool data_available(const std::optional<std::filesystem::path>& dir = {}) noexcept {
    try {
        return ctnn::detail::idx_dataset_present(ctnn::detail::mnist_dir(dir));
    } catch (...) {
        return false;
    }
}

inline Data load_data(const std::optional<std::filesystem::path>& dir = {}) {
    return ctnn::detail::load_idx_dataset<image_rows, image_cols>(
        ctnn::detail::mnist_dir(dir),
        {"MNIST", "run scripts/fetch-mnist, or set CTNN_MNIST_DIR to a directory holding the four MNIST IDX files"},
        num_classes);
}

}  // namespace mnist
}  // namespace ctnn
