#pragma once
// ctnn::unique_counts / ctnn::format_label_counts — the label histogram the
// chapter prints with np.unique(y, return_counts=True).
//
// Contract: unique_counts(y) accepts integer labels (a Tensor<T>, Tensor<T, 1>
// or a span) and returns the distinct values in ascending order with how often
// each occurs, binding like numpy's pair:
//     auto [unique, counts] = ctnn::unique_counts(y_train);
// format_counts / format_label_counts render them as Python prints
// dict(zip(unique, counts)): "{0: 5923, 1: 6742, ...}", "{}" when empty.
// Guarantees: values.size() == counts.size(), every count > 0, counts sum to
// the number of labels.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "ctnn/core/tensor.hpp"
#include "ctnn/data/to_categorical.hpp"

namespace ctnn {

template <class T>
struct UniqueCounts {
    std::vector<T> values;
    std::vector<std::size_t> counts;
};

template <label_type T>
UniqueCounts<std::remove_cv_t<T>> unique_counts(std::span<T> y) {
    using V = std::remove_cv_t<T>;
    UniqueCounts<V> out;
    if constexpr (sizeof(V) == 1) {
        // Byte labels (all of MNIST): one pass into a 256-bin histogram, no sort.
        std::array<std::size_t, 256> bins{};
        for (const V v : y) ++bins[static_cast<unsigned char>(v)];
        const int lo = std::is_signed_v<V> ? -128 : 0;
        for (int v = lo; v < lo + 256; ++v) {
            const std::size_t n = bins[static_cast<unsigned char>(static_cast<V>(v))];
            if (n == 0) continue;
            out.values.push_back(static_cast<V>(v));
            out.counts.push_back(n);
        }
    } else {
        std::vector<V> sorted(y.begin(), y.end());
        std::sort(sorted.begin(), sorted.end());
        for (std::size_t i = 0; i < sorted.size();) {
            std::size_t j = i;
            while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
            out.values.push_back(sorted[i]);
            out.counts.push_back(j - i);
            i = j;
        }
    }
    return out;
}

template <label_type T>
UniqueCounts<T> unique_counts(const Tensor<T>& y) {
    return unique_counts(y.flat());
}

template <label_type T>
UniqueCounts<T> unique_counts(const Tensor<T, 1>& y) {
    return unique_counts(y.flat());
}

// Python's dict text: "{0: 5923, 1: 6742}". Values print as numbers, also for byte types.
template <class T>
std::string format_counts(const UniqueCounts<T>& uc) {
    std::string s = "{";
    for (std::size_t i = 0; i < uc.values.size(); ++i) {
        if (i != 0) s += ", ";
        if constexpr (std::is_signed_v<T>)
            s += std::to_string(static_cast<long long>(uc.values[i]));
        else
            s += std::to_string(static_cast<unsigned long long>(uc.values[i]));
        s += ": " + std::to_string(uc.counts[i]);
    }
    return s + "}";
}

// The chapter's `dict(zip(*np.unique(y, return_counts=True)))` in one call.
template <class Labels>
std::string format_label_counts(const Labels& y)
    requires requires { unique_counts(y); }
{
    return format_counts(unique_counts(y));
}

}  // namespace ctnn
