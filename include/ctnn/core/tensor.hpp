#pragma once
// ctnn::Tensor — a batch of samples: run-time row count, static sample shape.
//
// Contract: Tensor<T, D...> holds rows() samples of Shape<D...>, row-major and
// contiguous (sample i starts at data() + i * sample_size), in 64-byte aligned
// storage. Tensor<T> (no extents) is a vector of scalars, one per row — the
// shape of Keras' label arrays. The sample shape is part of the type, so
// feeding data of the wrong width to a model is a compile error; the row
// count is checked at run time.
// Guarantees: reshape<E...>() keeps the data and checks the sizes agree at
// compile time; astype<U>() converts element-wise; arithmetic by a scalar
// returns a new tensor (x.astype<float>() / 255.0f reads like the chapter).
#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include "ctnn/core/aligned_allocator.hpp"
#include "ctnn/core/shape.hpp"

namespace ctnn {

template <class T, std::size_t... Ds>
class Tensor {
public:
    using value_type = T;
    using shape = Shape<Ds...>;
    static constexpr std::size_t sample_size = shape::size;

    Tensor() = default;
    explicit Tensor(std::size_t rows) : rows_(rows), data_(rows * sample_size) {}
    Tensor(std::size_t rows, T fill) : rows_(rows), data_(rows * sample_size, fill) {}
    // From flat values; throws std::invalid_argument if the count is not rows * sample_size.
    Tensor(std::size_t rows, std::span<const T> values) : rows_(rows), data_(values.begin(), values.end()) {
        if (values.size() != rows * sample_size)
            throw std::invalid_argument("ctnn::Tensor: " + std::to_string(values.size()) +
                                        " values given for " + std::to_string(rows) + " rows of " +
                                        std::to_string(sample_size));
    }
    Tensor(std::size_t rows, std::initializer_list<T> values)
        : Tensor(rows, std::span<const T>(values.begin(), values.size())) {}

    std::size_t rows() const noexcept { return rows_; }
    std::size_t size() const noexcept { return data_.size(); }
    bool empty() const noexcept { return rows_ == 0; }
    T* data() noexcept { return data_.data(); }
    const T* data() const noexcept { return data_.data(); }
    T* row(std::size_t i) noexcept { return data_.data() + i * sample_size; }
    const T* row(std::size_t i) const noexcept { return data_.data() + i * sample_size; }
    std::span<T> flat() noexcept { return data_; }
    std::span<const T> flat() const noexcept { return data_; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    // Element of sample `r` at flat feature index `f`.
    T& operator()(std::size_t r, std::size_t f = 0) noexcept { return data_[r * sample_size + f]; }
    const T& operator()(std::size_t r, std::size_t f = 0) const noexcept { return data_[r * sample_size + f]; }

    // Changes the row count; contents of kept rows are preserved.
    void resize(std::size_t rows) {
        rows_ = rows;
        data_.resize(rows * sample_size);
    }

    template <std::size_t... Es>
    Tensor<T, Es...> reshape() const& {
        static_assert(Shape<Es...>::size == sample_size,
                      "ctnn::Tensor::reshape: the new sample shape must have as many elements as the old one");
        Tensor<T, Es...> out(rows_);
        std::copy(data_.begin(), data_.end(), out.data());
        return out;
    }

    template <class U>
    Tensor<U, Ds...> astype() const {
        Tensor<U, Ds...> out(rows_);
        std::transform(data_.begin(), data_.end(), out.data(), [](T v) { return static_cast<U>(v); });
        return out;
    }

    // Rows [first, first + count) as a new tensor.
    Tensor slice(std::size_t first, std::size_t count) const {
        if (first > rows_ || count > rows_ - first)  // (first + count could wrap)
            throw std::out_of_range("ctnn::Tensor::slice: rows [" + std::to_string(first) + ", " +
                                    std::to_string(first + count) + ") of " + std::to_string(rows_));
        Tensor out(count);
        std::copy(row(first), row(first + count), out.data());
        return out;
    }

    friend Tensor operator/(Tensor t, T s) {
        for (auto& v : t.data_) v /= s;
        return t;
    }
    friend Tensor operator*(Tensor t, T s) {
        for (auto& v : t.data_) v *= s;
        return t;
    }

private:
    std::size_t rows_ = 0;
    aligned_vector<T> data_;
};

}  // namespace ctnn
