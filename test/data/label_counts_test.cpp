#define BOOST_TEST_MODULE label_counts
#include <boost/test/unit_test.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "ctnn/data/label_counts.hpp"

BOOST_AUTO_TEST_SUITE(label_counts)

BOOST_AUTO_TEST_CASE(unique_values_ascending_with_counts) {
    const ctnn::Tensor<std::uint8_t> y(7, {3, 1, 3, 0, 3, 1, 9});
    const auto [unique, counts] = ctnn::unique_counts(y);
    BOOST_TEST(unique == (std::vector<std::uint8_t>{0, 1, 3, 9}), boost::test_tools::per_element());
    BOOST_TEST(counts == (std::vector<std::size_t>{1, 2, 3, 1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(formats_like_a_python_dict) {
    const ctnn::Tensor<std::uint8_t> y(7, {3, 1, 3, 0, 3, 1, 9});
    BOOST_TEST(ctnn::format_label_counts(y) == "{0: 1, 1: 2, 3: 3, 9: 1}");
    BOOST_TEST(ctnn::format_label_counts(ctnn::Tensor<std::uint8_t>()) == "{}");
    BOOST_TEST(ctnn::format_label_counts(ctnn::Tensor<std::uint8_t>(1, {200})) == "{200: 1}");
}

BOOST_AUTO_TEST_CASE(prints_the_books_line) {
    // Labels with MNIST's training distribution, shuffled by a fixed stride.
    const std::array<std::size_t, 10> expected = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
    std::vector<std::uint8_t> labels;
    for (std::uint8_t d = 0; d < 10; ++d) labels.insert(labels.end(), expected[d], d);
    std::vector<std::uint8_t> shuffled(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) shuffled[(i * 7919) % labels.size()] = labels[i];
    const ctnn::Tensor<std::uint8_t> y_train(shuffled.size(), std::span<const std::uint8_t>(shuffled));

    std::ostringstream out;
    out << "Train labels:  " << ctnn::format_label_counts(y_train);
    BOOST_TEST(out.str() ==
               "Train labels:  {0: 5923, 1: 6742, 2: 5958, 3: 6131, 4: 5842, 5: 5421, 6: 5918, 7: 6265, 8: 5851, "
               "9: 5949}");
    BOOST_TEST(ctnn::unique_counts(y_train).values.size() == 10u);  // num_labels = len(np.unique(y_train))
}

BOOST_AUTO_TEST_CASE(signed_and_wide_label_types) {
    BOOST_TEST(ctnn::format_label_counts(ctnn::Tensor<std::int8_t>(5, {5, -128, -1, 127, -1})) ==
               "{-128: 1, -1: 2, 5: 1, 127: 1}");
    BOOST_TEST(ctnn::format_label_counts(ctnn::Tensor<int>(5, {70000, -3, 70000, 2, -3})) == "{-3: 2, 2: 1, 70000: 2}");
    BOOST_TEST(ctnn::format_label_counts(ctnn::Tensor<std::uint16_t, 1>(3, {65535, 0, 65535})) == "{0: 1, 65535: 2}");
    const std::vector<long> v = {4, 4, 4};
    BOOST_TEST(ctnn::format_counts(ctnn::unique_counts(std::span<const long>(v))) == "{4: 3}");
}

BOOST_AUTO_TEST_CASE(counts_sum_to_the_number_of_labels) {
    std::vector<std::uint16_t> v(1000);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint16_t>((i * i) % 37);
    const auto uc = ctnn::unique_counts(std::span<const std::uint16_t>(v));
    std::size_t total = 0;
    for (const auto c : uc.counts) total += c;
    BOOST_TEST(total == v.size());
    BOOST_TEST(uc.values.size() == uc.counts.size());
    for (std::size_t i = 1; i < uc.values.size(); ++i) BOOST_TEST(uc.values[i - 1] < uc.values[i]);
}

BOOST_AUTO_TEST_SUITE_END()
