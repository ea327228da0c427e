// ctnn::Tensor (core/tensor.hpp): construction, row-major layout, 64-byte alignment,
// resize, reshape, astype, slice and scalar arithmetic, against values worked out by hand.
#define BOOST_TEST_MODULE core_tensor
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "ctnn/core/tensor.hpp"
#include "support/error_message.hpp"

namespace {

using ctnn::Shape;
using ctnn::Tensor;
using ctnn_test::message_of;

template <class T>
bool aligned_64(const T* p) {
    return reinterpret_cast<std::uintptr_t>(p) % 64 == 0;
}

template <class T, std::size_t... Ds>
std::vector<T> contents(const Tensor<T, Ds...>& t) {
    return std::vector<T>(t.flat().begin(), t.flat().end());
}

// The sample shape is the type: these are compile-time facts.
static_assert(std::is_same_v<Tensor<float, 28, 28>::value_type, float>);
static_assert(std::is_same_v<Tensor<float, 28, 28>::shape, Shape<28, 28>>);
static_assert(Tensor<float, 28, 28>::sample_size == 784);
static_assert(Tensor<float, 2, 3, 4>::sample_size == 24);
// Tensor<T> (no extents): one scalar per row, the shape of Keras' label arrays.
static_assert(std::is_same_v<Tensor<std::uint8_t>::shape, Shape<>>);
static_assert(Tensor<std::uint8_t>::sample_size == 1);
// reshape / astype / slice / arithmetic name the types the contract promises.
static_assert(std::is_same_v<decltype(Tensor<std::uint8_t, 28, 28>{}.reshape<784>()), Tensor<std::uint8_t, 784>>);
static_assert(std::is_same_v<decltype(Tensor<std::uint8_t, 28, 28>{}.astype<float>()), Tensor<float, 28, 28>>);
static_assert(std::is_same_v<decltype(Tensor<float, 4>{}.slice(0, 0)), Tensor<float, 4>>);
static_assert(std::is_same_v<decltype(Tensor<float, 4>{} / 255.0f), Tensor<float, 4>>);
static_assert(std::is_same_v<decltype(Tensor<float, 4>{} * 2.0f), Tensor<float, 4>>);

}  // namespace

BOOST_AUTO_TEST_SUITE(tensor)

BOOST_AUTO_TEST_CASE(default_and_row_count_construction) {
    const Tensor<float, 3> none;
    BOOST_TEST(none.rows() == 0u);
    BOOST_TEST(none.size() == 0u);
    BOOST_TEST(none.empty());

    const Tensor<float, 3> zero_rows(0);
    BOOST_TEST(zero_rows.empty());
    BOOST_TEST(zero_rows.size() == 0u);

    const Tensor<float, 2, 3> four(4);
    BOOST_TEST(four.rows() == 4u);
    BOOST_TEST(four.size() == 24u);  // 4 rows of 2 * 3
    BOOST_TEST(!four.empty());
    BOOST_TEST(four.flat().size() == 24u);

    const Tensor<int, 2, 3> filled(2, 7);
    BOOST_TEST(filled.rows() == 2u);
    BOOST_TEST(contents(filled) == std::vector<int>(12, 7), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(values_are_row_major_samples) {
    // 2 rows of Shape<2, 3>: sample r, feature f holds 10 * r + f.
    const Tensor<int, 2, 3> t(2, {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15});
    BOOST_TEST(t.rows() == 2u);
    BOOST_TEST(t.size() == 12u);
    for (std::size_t r = 0; r < 2; ++r)
        for (std::size_t f = 0; f < 6; ++f) {
            BOOST_TEST_CONTEXT("r = " << r << ", f = " << f) {
                BOOST_TEST(t(r, f) == int(10 * r + f));
                BOOST_TEST(t[r * 6 + f] == int(10 * r + f));
                BOOST_TEST(t.row(r)[f] == int(10 * r + f));
            }
        }
    // Sample i starts at data() + i * sample_size.
    BOOST_TEST(t.row(0) == t.data());
    BOOST_TEST(t.row(1) == t.data() + 6);
    BOOST_TEST(t.flat().data() == t.data());

    // The span constructor takes the same flat values.
    const std::vector<int> v{1, 2, 3, 4, 5, 6};
    const Tensor<int, 3> s(2, std::span<const int>(v));
    BOOST_TEST(s(1, 0) == 4);
    BOOST_TEST(s(1, 2) == 6);

    // Tensor<T>: one value per row, feature index defaults to 0.
    const Tensor<std::uint8_t> labels(3, {7, 8, 9});
    BOOST_TEST(labels.rows() == 3u);
    BOOST_TEST(labels.size() == 3u);
    BOOST_TEST(labels(2) == 9);
    BOOST_TEST(labels[1] == 8);
}

BOOST_AUTO_TEST_CASE(element_access_writes_the_shared_storage) {
    Tensor<float, 4> t(3, 0.0f);
    t(2, 1) = 5.0f;             // flat index 2 * 4 + 1 = 9
    t[3] = 6.0f;                // row 0, feature 3
    t.row(1)[2] = 7.0f;         // flat index 6
    t.flat()[11] = 8.0f;        // row 2, feature 3
    t.data()[0] = 9.0f;
    const Tensor<float, 4>& c = t;
    BOOST_TEST(c[9] == 5.0f);
    BOOST_TEST(c(0, 3) == 6.0f);
    BOOST_TEST(c(1, 2) == 7.0f);
    BOOST_TEST(c.row(2)[3] == 8.0f);
    BOOST_TEST(c(0) == 9.0f);
    const std::vector<float> want{9, 0, 0, 6, 0, 0, 7, 0, 0, 5, 0, 8};
    BOOST_TEST(contents(c) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(wrong_value_count_throws_invalid_argument) {
    // 2 rows of 3 need exactly 6 values.
    BOOST_CHECK_THROW((Tensor<int, 3>(2, {1, 2, 3, 4, 5})), std::invalid_argument);
    BOOST_CHECK_THROW((Tensor<int, 3>(2, {1, 2, 3, 4, 5, 6, 7})), std::invalid_argument);
    BOOST_CHECK_THROW((Tensor<int, 3>(1, std::span<const int>())), std::invalid_argument);
    BOOST_CHECK_NO_THROW((Tensor<int, 3>(0, std::span<const int>())));
    BOOST_TEST(message_of<std::invalid_argument>([] { Tensor<int, 3>(2, {1, 2, 3, 4, 5}); }) ==
               "ctnn::Tensor: 5 values given for 2 rows of 3");
}

BOOST_AUTO_TEST_CASE(storage_is_64_byte_aligned) {
    for (std::size_t rows = 1; rows <= 9; ++rows) {
        BOOST_TEST_CONTEXT("rows = " << rows) {
            const Tensor<std::uint8_t, 28, 28> images(rows);
            const Tensor<std::uint8_t> labels(rows);
            const Tensor<float, 3> small(rows, 1.0f);
            const Tensor<double, 5> wide(rows);
            BOOST_TEST(aligned_64(images.data()));
            BOOST_TEST(aligned_64(labels.data()));
            BOOST_TEST(aligned_64(small.data()));
            BOOST_TEST(aligned_64(wide.data()));
            // 16 floats = 64 bytes per sample: then every row starts on a cache line.
            const Tensor<float, 16> lines(rows);
            for (std::size_t i = 0; i < rows; ++i) BOOST_TEST(aligned_64(lines.row(i)));
        }
    }
    // Results of reshape, astype, slice and arithmetic are fresh tensors: aligned too.
    const Tensor<std::uint8_t, 2, 3> t(3, std::uint8_t{4});
    BOOST_TEST(aligned_64(t.reshape<6>().data()));
    BOOST_TEST(aligned_64(t.astype<float>().data()));
    BOOST_TEST(aligned_64(t.slice(1, 2).data()));
    BOOST_TEST(aligned_64((t.astype<float>() / 2.0f).data()));
}

BOOST_AUTO_TEST_CASE(resize_keeps_the_rows_it_keeps) {
    Tensor<int, 2> t(3, {1, 2, 3, 4, 5, 6});
    t.resize(5);
    BOOST_TEST(t.rows() == 5u);
    BOOST_TEST(t.size() == 10u);
    const std::vector<int> head{1, 2, 3, 4, 5, 6};
    BOOST_TEST(std::vector<int>(t.data(), t.data() + 6) == head, boost::test_tools::per_element());
    t.resize(1);
    BOOST_TEST(t.rows() == 1u);
    BOOST_TEST(t.size() == 2u);
    BOOST_TEST(t(0, 0) == 1);
    BOOST_TEST(t(0, 1) == 2);
    t.resize(0);
    BOOST_TEST(t.empty());
    BOOST_TEST(t.size() == 0u);
}

BOOST_AUTO_TEST_CASE(reshape_keeps_rows_and_flat_data) {
    const std::vector<int> values{0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15};
    const Tensor<int, 2, 3> t(2, {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15});

    const Tensor<int, 6> flat = t.reshape<6>();
    BOOST_TEST(flat.rows() == 2u);
    BOOST_TEST(contents(flat) == values, boost::test_tools::per_element());
    BOOST_TEST(flat(1, 4) == 14);  // sample 1, feature 4 = (row 1, column 1) of the 2 x 3 sample

    const Tensor<int, 3, 2> turned = t.reshape<3, 2>();
    BOOST_TEST(turned.rows() == 2u);
    BOOST_TEST(contents(turned) == values, boost::test_tools::per_element());

    const Tensor<int, 1, 6, 1> padded = t.reshape<1, 6, 1>();
    BOOST_TEST(contents(padded) == values, boost::test_tools::per_element());

    // A copy, not a view: the original is untouched by writes to the result.
    Tensor<int, 6> copy = t.reshape<6>();
    copy(0, 0) = 99;
    BOOST_TEST(t(0, 0) == 0);

    // An empty tensor reshapes to an empty tensor.
    const Tensor<int, 2, 3> none;
    BOOST_TEST(none.reshape<6>().empty());
}

BOOST_AUTO_TEST_CASE(astype_converts_each_element) {
    const Tensor<std::uint8_t, 5> bytes(1, {0, 1, 127, 128, 255});
    const Tensor<float, 5> f = bytes.astype<float>();
    BOOST_TEST(f.rows() == 1u);
    const std::vector<float> fw{0.0f, 1.0f, 127.0f, 128.0f, 255.0f};
    BOOST_TEST(contents(f) == fw, boost::test_tools::per_element());

    // float -> int is static_cast: truncation toward zero.
    const Tensor<float, 2> reals(2, {2.75f, -2.75f, 0.5f, -0.5f});
    const Tensor<int, 2> ints = reals.astype<int>();
    BOOST_TEST(ints.rows() == 2u);
    const std::vector<int> iw{2, -2, 0, 0};
    BOOST_TEST(contents(ints) == iw, boost::test_tools::per_element());

    // Labels widen without change.
    const Tensor<std::uint8_t> labels(3, {0, 9, 255});
    const std::vector<long> lw{0, 9, 255};
    BOOST_TEST(contents(labels.astype<long>()) == lw, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(scaling_pixels_like_the_chapter) {
    // x.astype<float>() / 255.0f: k * 51 / 255 = k / 5 exactly, and IEEE division is
    // correctly rounded, so each result is the float nearest k / 5, i.e. the literal.
    const Tensor<std::uint8_t, 2, 3> x(1, {0, 51, 102, 153, 204, 255});
    const Tensor<float, 6> scaled = x.reshape<6>().astype<float>() / 255.0f;
    const std::vector<float> want{0.0f, 0.2f, 0.4f, 0.6f, 0.8f, 1.0f};
    BOOST_TEST(contents(scaled) == want, boost::test_tools::per_element());
    BOOST_TEST(x(0, 5) == 255);  // the source is not changed
}

BOOST_AUTO_TEST_CASE(arithmetic_by_a_scalar_returns_a_new_tensor) {
    const Tensor<float, 3> t(2, {1.5f, -2.0f, 0.25f, 3.0f, 0.0f, -0.75f});
    const Tensor<float, 3> times = t * 4.0f;
    const Tensor<float, 3> over = t / 0.5f;
    const std::vector<float> tw{6.0f, -8.0f, 1.0f, 12.0f, 0.0f, -3.0f};
    const std::vector<float> ow{3.0f, -4.0f, 0.5f, 6.0f, 0.0f, -1.5f};
    BOOST_TEST(times.rows() == 2u);
    BOOST_TEST(over.rows() == 2u);
    BOOST_TEST(contents(times) == tw, boost::test_tools::per_element());
    BOOST_TEST(contents(over) == ow, boost::test_tools::per_element());
    const std::vector<float> original{1.5f, -2.0f, 0.25f, 3.0f, 0.0f, -0.75f};
    BOOST_TEST(contents(t) == original, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(slice_copies_rows) {
    const Tensor<int, 2> t(4, {0, 1, 10, 11, 20, 21, 30, 31});
    Tensor<int, 2> mid = t.slice(1, 2);
    BOOST_TEST(mid.rows() == 2u);
    const std::vector<int> want{10, 11, 20, 21};
    BOOST_TEST(contents(mid) == want, boost::test_tools::per_element());
    mid(0, 0) = -1;
    BOOST_TEST(t(1, 0) == 10);  // a copy

    BOOST_TEST(contents(t.slice(0, 4)) == contents(t), boost::test_tools::per_element());
    BOOST_TEST(t.slice(3, 1)(0, 1) == 31);
    BOOST_TEST(t.slice(4, 0).empty());  // empty range at the end
    BOOST_TEST(t.slice(0, 0).empty());
}

BOOST_AUTO_TEST_CASE(slice_past_the_last_row_throws_out_of_range) {
    const Tensor<int, 2> t(4, 0);
    BOOST_CHECK_THROW(t.slice(3, 2), std::out_of_range);
    BOOST_CHECK_THROW(t.slice(0, 5), std::out_of_range);
    BOOST_CHECK_THROW(t.slice(5, 0), std::out_of_range);
    BOOST_CHECK_THROW(Tensor<int>{}.slice(0, 1), std::out_of_range);
    // first + count wrapping past SIZE_MAX is still out of range, not a read
    // before the data.
    constexpr std::size_t huge = std::numeric_limits<std::size_t>::max();
    BOOST_CHECK_THROW(t.slice(huge, 2), std::out_of_range);
    BOOST_CHECK_THROW(t.slice(2, huge), std::out_of_range);
    BOOST_TEST(message_of<std::out_of_range>([&] { (void)t.slice(3, 2); }) ==
               "ctnn::Tensor::slice: rows [3, 5) of 4");
}

BOOST_AUTO_TEST_CASE(copies_are_deep) {
    const Tensor<float, 2> a(2, {1.0f, 2.0f, 3.0f, 4.0f});
    Tensor<float, 2> b = a;
    b(1, 1) = -4.0f;
    BOOST_TEST(a(1, 1) == 4.0f);
    BOOST_TEST(b(1, 1) == -4.0f);
    BOOST_TEST(b.data() != a.data());
    BOOST_TEST(aligned_64(b.data()));
}

BOOST_AUTO_TEST_SUITE_END()
