#pragma once
// ctnn diagnostics — compile errors that name the layer and both shapes.
//
// A C++20 static_assert message is a fixed string, so the numbers travel in
// the *type* whose instantiation fails: the compiler prints
//   ctnn::shape_mismatch<ctnn::at_layer<3>, ctnn::expected<ctnn::Shape<784>>,
//                        ctnn::got<ctnn::Shape<700>>>
// on the same error, on GCC and on Clang. Layer positions count from 0 in
// the order the layers are written, the Input included.
//
// detail::check_shape<Where, Expected, Got>() reports a mismatch and returns
// true either way, so a mismatch is exactly one error: shape inference goes
// on with the layer's declared output and nothing downstream fails again.
#include <cstddef>
#include <type_traits>

#include "ctnn/core/shape.hpp"

namespace ctnn {

template <std::size_t I>
struct at_layer {};
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
// shape_mismatch is named only inside shape_check's static_assert, never by
// the function or variable that computes the answer: Clang 14 stops treating
// a function or variable as a constant expression when a class it names
// fails to instantiate, and every shape, plan and tensor type derived from it
// then fails in turn (about 18 follow-on errors). shape_check instantiates
// cleanly and its value is true.
template <class Where, class Expected, class Got>
struct shape_check {
    static constexpr bool value = true;
};
template <class Where, class Expected, class Got>
    requires(!std::is_same_v<Expected, Got>)
struct shape_check<Where, Expected, Got> {
    static_assert(sizeof(shape_mismatch<Where, expected<Expected>, got<Got>>) > 0);  // the one error
    static constexpr bool value = true;
};

template <class Where, class Expected, class Got>
constexpr bool check_shape() {
    return shape_check<Where, Expected, Got>::value;
}
}  // namespace detail

}  // namespace ctnn
