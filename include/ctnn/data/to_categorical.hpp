#pragma once
// ctnn::to_categorical — integer class labels to one-hot rows, like
// keras.utils.to_categorical.
//
// Contract: to_categorical<NumClasses>(y) accepts a label tensor of any integer
// type (Tensor<T>, or Tensor<T, 1> — Keras' (n, 1) column) whose every label is
// in 0..NumClasses-1. NumClasses is a template argument because it becomes the
// static width of the result, which the model's output layer must match.
// Guarantees: row i of the result is all 0.0f except 1.0f at column y[i]; the
// row count is y's. A label out of range throws std::invalid_argument naming
// its index and value, before anything is allocated.
#include <concepts>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "ctnn/core/tensor.hpp"

namespace ctnn {

// Integer labels; bool is excluded, since it is a flag rather than a class index.
template <class T>
concept label_type = std::integral<T> && !std::same_as<std::remove_cv_t<T>, bool>;

namespace detail {

template <std::size_t NumClasses, label_type T>
Tensor<float, NumClasses> one_hot_rows(const T* labels, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const T v = labels[i];
        bool in_range = true;
        if constexpr (std::is_signed_v<T>) in_range = v >= 0;
        if (!in_range || static_cast<std::make_unsigned_t<T>>(v) >= NumClasses) {
            const std::string value = std::is_signed_v<T> ? std::to_string(static_cast<long long>(v))
                                                          : std::to_string(static_cast<unsigned long long>(v));
            throw std::invalid_argument("ctnn::to_categorical<" + std::to_string(NumClasses) + ">: label " + value +
                                        " at index " + std::to_string(i) + " is out of range 0.." +
                                        std::to_string(NumClasses - 1));
        }
    }
    Tensor<float, NumClasses> out(n, 0.0f);
    for (std::size_t i = 0; i < n; ++i) out(i, static_cast<std::size_t>(labels[i])) = 1.0f;
    return out;
}

}  // namespace detail

template <std::size_t NumClasses, label_type T>
    requires(NumClasses > 0)
Tensor<float, NumClasses> to_categorical(const Tensor<T>& y) {
    return detail::one_hot_rows<NumClasses>(y.data(), y.rows());
}

template <std::size_t NumClasses, label_type T>
    requires(NumClasses > 0)
Tensor<float, NumClasses> to_categorical(const Tensor<T, 1>& y) {
    return detail::one_hot_rows<NumClasses>(y.data(), y.rows());
}

}  // namespace ctnn
