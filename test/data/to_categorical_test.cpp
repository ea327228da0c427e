#define BOOST_TEST_MODULE to_categorical
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "ctnn/data/to_categorical.hpp"
#include "support/error_message.hpp"

namespace {

using ctnn_test::message_of;

// to_categorical<N> is callable on a tensor of labels of type T.
template <std::size_t N, class T>
concept one_hot_able = requires(const ctnn::Tensor<T>& y) { ctnn::to_categorical<N>(y); };

}  // namespace

BOOST_AUTO_TEST_SUITE(to_categorical)

BOOST_AUTO_TEST_CASE(one_hot_rows_like_keras) {
    const ctnn::Tensor<std::uint8_t> y(4, {2, 0, 9, 2});
    const auto oh = ctnn::to_categorical<10>(y);
    static_assert(std::is_same_v<std::remove_const_t<decltype(oh)>, ctnn::Tensor<float, 10>>);
    BOOST_TEST(oh.rows() == 4u);
    for (std::size_t r = 0; r < 4; ++r)
        for (std::size_t c = 0; c < 10; ++c) BOOST_TEST(oh(r, c) == (c == y[r] ? 1.0f : 0.0f));
    // The chapter's example: label 2 is [0,0,1,0,0,0,0,0,0,0].
    BOOST_TEST(oh(0, 2) == 1.0f);
}

BOOST_AUTO_TEST_CASE(other_integer_label_types) {
    const auto a = ctnn::to_categorical<3>(ctnn::Tensor<int>(2, {2, 1}));
    BOOST_TEST(a(0, 2) == 1.0f);
    const auto b = ctnn::to_categorical<5>(ctnn::Tensor<std::int64_t>(1, {4}));
    BOOST_TEST(b(0, 4) == 1.0f);
    const auto c = ctnn::to_categorical<2>(ctnn::Tensor<std::uint16_t, 1>(2, {1, 0}));  // Keras' (n, 1) column
    BOOST_TEST(c(0, 1) == 1.0f);
    BOOST_TEST(c(1, 0) == 1.0f);
    static_assert(one_hot_able<10, std::int8_t>);
    static_assert(!one_hot_able<10, bool>);
    static_assert(!one_hot_able<10, float>);
    static_assert(!one_hot_able<0, int>);
}

BOOST_AUTO_TEST_CASE(empty_labels_give_an_empty_tensor) {
    BOOST_TEST(ctnn::to_categorical<10>(ctnn::Tensor<std::uint8_t>()).rows() == 0u);
}

BOOST_AUTO_TEST_CASE(out_of_range_label_names_index_and_value) {
    const ctnn::Tensor<std::uint8_t> y(7, {0, 1, 2, 3, 4, 11, 12});
    BOOST_TEST(message_of<std::invalid_argument>([&] { ctnn::to_categorical<10>(y); }) ==
               "ctnn::to_categorical<10>: label 11 at index 5 is out of range 0..9");
    BOOST_TEST(message_of<std::invalid_argument>([] { ctnn::to_categorical<10>(ctnn::Tensor<int>(2, {3, -1})); }) ==
               "ctnn::to_categorical<10>: label -1 at index 1 is out of range 0..9");
    BOOST_TEST(message_of<std::invalid_argument>(
                   [] { ctnn::to_categorical<3>(ctnn::Tensor<std::uint64_t>(1, {1ull << 40})); }) ==
               "ctnn::to_categorical<3>: label 1099511627776 at index 0 is out of range 0..2");
    BOOST_TEST(message_of<std::invalid_argument>(
                   [] { ctnn::to_categorical<10>(ctnn::Tensor<std::uint8_t>(1, {10})); }) ==
               "ctnn::to_categorical<10>: label 10 at index 0 is out of range 0..9");
}

BOOST_AUTO_TEST_SUITE_END()
