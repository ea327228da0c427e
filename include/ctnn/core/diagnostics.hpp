#pragma once
// ctnn diagnostics — compile errors that name the layer and both shapes.
//
// A C++20 static_assert message is a fixed string, so the numbers travel in
// the *type* whose instantiation fails: the compiler prints
//   ctnn::shape_mismatch<ctnn::at_layer<3>, ctnn::expected<ctnn::Shape<784>>,
//                        ctnn::got<ctnn::Shape<700>>>
// on the same error, on GCC and on Clang. Layer positions count from 0 in
// the order the layers are written, the Input included.
#include <cstddef>
#include <type_traits>

#include "ctnn/core/shape.hpp"

namespace ctnn {

template <std::size_t I>
struct at_layer {};
// Data handed to fit / evaluate / predict (position: "input" or "output").
struct at_model_input {};
struct at_model_output {};
template <class S>
struct expected {};
template <class S>
struct got {};

namespace detail {
template <class...>
inline constexpr bool always_false = false;
}

// Instantiated only on a mismatch; its template arguments are the message.
template <class Where, class Expected, class Got>
struct shape_mismatch {
    static_assert(detail::always_false<Where, Expected, Got>,
                  "CTNN_SHAPE_MISMATCH: the layer at this position does not accept the shape it is given "
                  "(see shape_mismatch<at_layer<position>, expected<Shape<...>>, got<Shape<...>>> in this error)");
};

namespace detail {
template <class Where, class Expected, class Got>
consteval bool check_shape() {
    if constexpr (!std::is_same_v<Expected, Got>) {
        (void)sizeof(shape_mismatch<Where, expected<Expected>, got<Got>>);
        return true;  // the instantiation above is the error; no second one
    } else {
        return true;
    }
}
}  // namespace detail

}  // namespace ctnn
