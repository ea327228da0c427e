#define BOOST_TEST_MODULE layers_input
#include <boost/test/unit_test.hpp>

// ctnn::Input: Input<D...> declares the per-sample shape Shape<D...> (its
// extents, rank, size and Keras' printing), and is_input_v recognises it.
// (Its layer traits — no parameters, role input: test/model/layer_traits_test.cpp.)

#include <cstddef>
#include <string>
#include <type_traits>

#include "ctnn/layers/input.hpp"

using namespace ctnn;

// The facts are compile-time: a wrong one stops the build here.
static_assert(std::is_same_v<Input<784>::shape, Shape<784>>);
static_assert(std::is_same_v<Input<28, 28>::shape, Shape<28, 28>>);
static_assert(is_input_v<Input<784>>);
static_assert(!is_input_v<Shape<784>>);

BOOST_AUTO_TEST_SUITE(input)

BOOST_AUTO_TEST_CASE(declares_the_sample_shape) {
    BOOST_TEST((std::is_same_v<Input<784>::shape, Shape<784>>));
    BOOST_TEST((std::is_same_v<Input<28, 28>::shape, Shape<28, 28>>));
    BOOST_TEST((std::is_same_v<Input<2, 3, 4>::shape, Shape<2, 3, 4>>));
    BOOST_TEST(!(std::is_same_v<Input<28, 28>::shape, Shape<784>>));  // the shape, not just its size
    BOOST_TEST(Input<784>::shape::rank == 1u);
    BOOST_TEST(Input<784>::shape::size == 784u);
    BOOST_TEST((Input<28, 28>::shape::rank == 2u));
    BOOST_TEST((Input<28, 28>::shape::size == 784u));
    BOOST_TEST((Input<2, 3, 4>::shape::extents[1] == 3u));
    // Keras prints it with the batch axis first.
    BOOST_TEST((Input<28, 28>::shape::to_string() == "(None, 28, 28)"));
    BOOST_TEST(Input<784>::shape::to_string() == "(None, 784)");
}

BOOST_AUTO_TEST_CASE(is_input_v_recognises_only_input) {
    BOOST_TEST(is_input_v<Input<784>>);
    BOOST_TEST((is_input_v<Input<28, 28>>));
    BOOST_TEST(!is_input_v<Shape<784>>);
    BOOST_TEST(!is_input_v<int>);
}

BOOST_AUTO_TEST_SUITE_END()
