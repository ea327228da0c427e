#define BOOST_TEST_MODULE train_hyperparameters
#include <boost/test/unit_test.hpp>

// ctnn::detail::require_non_negative (train/hyperparameters.hpp): Keras'
// OptimizerV2 check of the learning rate and the legacy decay.

#include <limits>
#include <stdexcept>
#include <string>

#include "ctnn/train/hyperparameters.hpp"
#include "support/error_message.hpp"

namespace {
std::string message_of(float learning_rate, float decay) {
    return ctnn_test::message_of<std::invalid_argument>(
        [&] { ctnn::detail::require_non_negative("Adam", learning_rate, decay); });
}
}  // namespace

BOOST_AUTO_TEST_SUITE(hyperparameters)

BOOST_AUTO_TEST_CASE(zero_and_positive_values_pass) {
    BOOST_TEST(message_of(0.0f, 0.0f).empty());
    BOOST_TEST(message_of(0.001f, 1e-6f).empty());
    BOOST_TEST(message_of(10.0f, 3.0f).empty());
}

BOOST_AUTO_TEST_CASE(a_negative_value_is_named_with_its_optimizer_and_value) {
    BOOST_TEST(message_of(-0.25f, 0.0f) == "ctnn::Adam: learning_rate must be >= 0, got -0.250000");
    BOOST_TEST(message_of(0.001f, -1.0f) == "ctnn::Adam: decay must be >= 0, got -1.000000");
    // The learning rate is checked first.
    BOOST_TEST(message_of(-1.0f, -1.0f) == "ctnn::Adam: learning_rate must be >= 0, got -1.000000");
}

BOOST_AUTO_TEST_CASE(nan_is_refused_too) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    BOOST_TEST(message_of(nan, 0.0f).find("learning_rate must be >= 0, got") != std::string::npos);
    BOOST_TEST(message_of(0.001f, nan).find("decay must be >= 0, got") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
