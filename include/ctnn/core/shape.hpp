#pragma once
// ctnn::Shape — the static per-sample extents of a tensor.
//
// Contract: Shape<D...> names the extents of one sample (the batch dimension is
// never part of it and is always a run-time value). Every extent is > 0.
// Guarantees: `size` is the product of the extents, `rank` their count, and
// `to_string()` prints them the way Keras prints an output shape, batch axis
// first ("(None, 256)" or "(None, 28, 28)").
#include <array>
#include <cstddef>
#include <string>

namespace ctnn {

namespace detail {
// One body for every shape: a model prints a dozen shapes, and a copy of the
// formatting per Shape<...> only cost compile time.
inline std::string keras_shape_string(const std::size_t* extents, std::size_t rank) {
    std::string s = "(None";
    for (std::size_t i = 0; i < rank; ++i) s += ", " + std::to_string(extents[i]);
    return s + ")";
}
}  // namespace detail

template <std::size_t... Ds>
struct Shape {
    static_assert(((Ds > 0) && ...), "ctnn::Shape: every extent must be greater than zero");
    static constexpr std::size_t rank = sizeof...(Ds);
    static constexpr std::size_t size = (std::size_t{1} * ... * Ds);
    static constexpr std::array<std::size_t, sizeof...(Ds)> extents{Ds...};

    // "(None, 28, 28)" — Keras' notation with the batch axis first.
    static std::string to_string() { return detail::keras_shape_string(extents.data(), rank); }
};

template <class T>
inline constexpr bool is_shape_v = false;
template <std::size_t... Ds>
inline constexpr bool is_shape_v<Shape<Ds...>> = true;

}  // namespace ctnn
