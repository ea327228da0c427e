// libFuzzer target for the data layer: IDX parsing and gzip inflation.
//
// Every input is fed, as raw bytes, to
//   ctnn::idx::parse_images<28, 28>, parse_images<3, 3>, parse_labels (10 and
//   256 classes) and ctnn::gunzip (1 MiB cap),
// and whatever gunzip inflates is fed to the three parsers again. The data
// layer's contract (include/ctnn/data/*.hpp) is that every bad input is a
// ctnn::DataError and that nothing is allocated from a header's counts before
// the byte count proves them; so only DataError is caught here. Anything else
// — another exception, an ASan/UBSan report, an allocation over libFuzzer's
// -malloc_limit_mb — is a finding. On success the result is checked against
// the input (rows x item size + header == bytes; labels in range), so a
// parser that accepted a malformed file would be a finding too.
//
// Built only with -DCTNN_FUZZ=ON (preset `fuzz`, Clang): scripts/fuzz.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ctnn/data/data_error.hpp"
#include "ctnn/data/gzip.hpp"
#include "ctnn/data/idx.hpp"

namespace {

// The cap for gunzip: small, so a 64 KiB deflate bomb (which could inflate
// to ~64 MiB) hits it quickly and the run stays fast; the path taken at the
// cap is the same as at the default 256 MiB.
constexpr std::size_t gunzip_cap = std::size_t{1} << 20;

[[noreturn]] void finding() { __builtin_trap(); }

template <std::size_t Rows, std::size_t Cols>
void images(std::span<const std::uint8_t> bytes) {
    try {
        const auto x = ctnn::idx::parse_images<Rows, Cols>(bytes, "fuzz");
        if (16 + x.rows() * Rows * Cols != bytes.size() || x.size() != x.rows() * Rows * Cols) finding();
        for (std::size_t i = 0; i < x.size(); ++i)
            if (x.data()[i] != bytes[16 + i]) finding();
    } catch (const ctnn::DataError&) {
    }
}

void labels(std::span<const std::uint8_t> bytes, std::size_t classes) {
    try {
        const auto y = ctnn::idx::parse_labels(bytes, "fuzz", classes);
        if (8 + y.rows() != bytes.size()) finding();
        for (std::size_t i = 0; i < y.rows(); ++i)
            if (y[i] >= classes || y[i] != bytes[8 + i]) finding();
    } catch (const ctnn::DataError&) {
    }
}

void parse_all(std::span<const std::uint8_t> bytes) {
    images<28, 28>(bytes);
    images<3, 3>(bytes);
    labels(bytes, 10);
    labels(bytes, 256);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);
    parse_all(bytes);
    try {
        const std::vector<std::uint8_t> inflated = ctnn::gunzip(bytes, "fuzz", gunzip_cap);
        if (inflated.size() > gunzip_cap) finding();
        parse_all(inflated);
    } catch (const ctnn::DataError&) {
    }
    return 0;
}
