// ctnn::Shape, is_shape_v (core/shape.hpp): rank, size, extents, is_shape_v as static_asserts (the file
// compiling is most of the test) and to_string(); zero extents: compile_fail/shape_extent_zero.fail.cpp.
#define BOOST_TEST_MODULE core_shape
#include <boost/test/unit_test.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include "ctnn/core/shape.hpp"

namespace {

using ctnn::is_shape_v;
using ctnn::Shape;

// ---- rank, size, extents ----------------------------------------------------------

static_assert(Shape<256>::rank == 1);
static_assert(Shape<256>::size == 256);
static_assert(Shape<256>::extents == std::array<std::size_t, 1>{256});

static_assert(Shape<28, 28>::rank == 2);
static_assert(Shape<28, 28>::size == 784);
static_assert(Shape<28, 28>::extents == std::array<std::size_t, 2>{28, 28});

static_assert(Shape<2, 3, 4>::rank == 3);
static_assert(Shape<2, 3, 4>::size == 24);
static_assert(Shape<2, 3, 4>::extents == std::array<std::size_t, 3>{2, 3, 4});  // in the order written
static_assert(Shape<2, 3, 4>::extents != std::array<std::size_t, 3>{4, 3, 2});

static_assert(Shape<1>::size == 1);
static_assert(Shape<1, 1, 1>::rank == 3 && Shape<1, 1, 1>::size == 1);
// The product does not wrap for the sizes a network uses.
static_assert(Shape<1000, 1000, 3>::size == 3'000'000);

// No extents: a scalar sample (rank 0, one element), as in Tensor<T> for labels.
static_assert(Shape<>::rank == 0);
static_assert(Shape<>::size == 1);
static_assert(Shape<>::extents.empty());

// The members are the promised types, usable in constant expressions.
static_assert(std::is_same_v<decltype(Shape<28, 28>::size), const std::size_t>);
static_assert(std::is_same_v<decltype(Shape<28, 28>::rank), const std::size_t>);
static_assert(std::is_same_v<decltype(Shape<28, 28>::extents), const std::array<std::size_t, 2>>);
static_assert(std::array<int, Shape<2, 3>::size>{}.size() == 6);

// ---- the shape is the type: same size is not the same shape -----------------------

static_assert(std::is_same_v<Shape<28, 28>, Shape<28, 28>>);
static_assert(!std::is_same_v<Shape<2, 3>, Shape<3, 2>>);
static_assert(Shape<2, 3>::size == Shape<3, 2>::size);
static_assert(!std::is_same_v<Shape<784>, Shape<28, 28>>);
static_assert(!std::is_same_v<Shape<1>, Shape<>>);
static_assert(!std::is_same_v<Shape<6>, Shape<6, 1>>);

// ---- is_shape_v -------------------------------------------------------------------

static_assert(is_shape_v<Shape<784>>);
static_assert(is_shape_v<Shape<28, 28>>);
static_assert(is_shape_v<Shape<>>);
static_assert(!is_shape_v<int>);
static_assert(!is_shape_v<std::size_t>);
static_assert(!is_shape_v<std::array<std::size_t, 2>>);
static_assert(!is_shape_v<std::integer_sequence<std::size_t, 28, 28>>);
static_assert(std::is_same_v<decltype(is_shape_v<int>), const bool>);

}  // namespace

BOOST_AUTO_TEST_SUITE(shape)

// Keras prints an output shape with the batch axis first as None (model.summary():
// "(None, 256)"); that is what ctnn's summary tables show.
BOOST_AUTO_TEST_CASE(to_string_is_keras_notation_with_the_batch_axis) {
    BOOST_TEST(Shape<256>::to_string() == "(None, 256)");
    BOOST_TEST(Shape<10>::to_string() == "(None, 10)");
    BOOST_TEST((Shape<28, 28>::to_string()) == "(None, 28, 28)");
    BOOST_TEST((Shape<2, 3, 4>::to_string()) == "(None, 2, 3, 4)");
    BOOST_TEST((Shape<1, 1000000>::to_string()) == "(None, 1, 1000000)");
    BOOST_TEST(Shape<>::to_string() == "(None)");
}

// The compile-time extents, read at run time through an index.
BOOST_AUTO_TEST_CASE(extents_read_at_run_time) {
    using S = Shape<5, 7, 11>;
    std::size_t product = 1;
    for (std::size_t i = 0; i < S::rank; ++i) product *= S::extents[i];
    BOOST_TEST(product == 385u);  // 5 * 7 * 11
    BOOST_TEST(product == S::size);
    BOOST_TEST(S::extents[0] == 5u);
    BOOST_TEST(S::extents[2] == 11u);
}

BOOST_AUTO_TEST_SUITE_END()
