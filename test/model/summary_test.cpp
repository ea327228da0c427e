// ctnn's summary table (model/summary.hpp): format_summary, with_thousands and
// Sequential::summary(), against the book's Listing 1.3.2 and Keras' print_summary.
#define BOOST_TEST_MODULE model_summary
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include "ctnn/layers/dropout.hpp"
#include "ctnn/model/sequential.hpp"
#include "ctnn/model/summary.hpp"
#include "support/listing_model.hpp"
#include "support/text_lines.hpp"

// Expected text is typed from the book (Listing 1.3.2 of "Advanced Deep
// Learning with Keras") or worked out by hand from Keras 2.x print_summary:
//   print_row(fields, positions=[29, 55, 65]): for each field, replace the
//   line's last character by a space (after the first field), append the
//   field, cut the line at positions[i], pad it with spaces to positions[i];
//   totals as 'Total params: {:,}' (thousands separators).
// Never from ctnn's output.

namespace {

using ctnn::Dropout;
using ctnn_test::lines_of;
using ctnn_test::Mlp;
using ctnn_test::MlpInputDim;

std::string spaces(std::size_t n) { return std::string(n, ' '); }

}  // namespace

BOOST_AUTO_TEST_SUITE(summary)

// Listing 1.3.2, typed line by line from the book. Keras 2.x print_summary for
// a Sequential model: line length 65, fields start at 0, 29 and 55 and are
// padded with spaces to 29, 55 and 65; '_' rules between rows, '=' after the
// header and after the last row, then the totals and a final '_' rule.
BOOST_AUTO_TEST_CASE(summary_is_listing_1_3_2) {
    const std::vector<std::string> expected = {
        "_________________________________________________________________",
        "Layer (type)                 Output Shape              Param #   ",
        "=================================================================",
        "dense_1 (Dense)              (None, 256)               200960    ",
        "_________________________________________________________________",
        "activation_1 (Activation)    (None, 256)               0         ",
        "_________________________________________________________________",
        "dropout_1 (Dropout)          (None, 256)               0         ",
        "_________________________________________________________________",
        "dense_2 (Dense)              (None, 256)               65792     ",
        "_________________________________________________________________",
        "activation_2 (Activation)    (None, 256)               0         ",
        "_________________________________________________________________",
        "dropout_2 (Dropout)          (None, 256)               0         ",
        "_________________________________________________________________",
        "dense_3 (Dense)              (None, 10)                2570      ",
        "_________________________________________________________________",
        "activation_3 (Activation)    (None, 10)                0         ",
        "=================================================================",
        "Total params: 269,322",
        "Trainable params: 269,322",
        "Non-trainable params: 0",
        "_________________________________________________________________",
    };
    // The hand-typed table obeys Keras' layout (guards the transcription).
    for (std::size_t i = 0; i < 19; ++i) {
        BOOST_TEST_CONTEXT("expected line " << i) {
            BOOST_TEST(expected[i].size() == 65u);
            if (expected[i][0] != '_' && expected[i][0] != '=') {
                BOOST_TEST(expected[i][28] == ' ');
                BOOST_TEST(expected[i][29] != ' ');
                BOOST_TEST(expected[i][54] == ' ');
                BOOST_TEST(expected[i][55] != ' ');
            }
        }
    }

    Mlp model;
    model.layer<3>() = Dropout(0.45);
    model.layer<6>() = Dropout(0.45);
    const std::string text = model.summary_text();
    const auto actual = lines_of(text);
    BOOST_TEST(actual.size() == expected.size());
    for (std::size_t i = 0; i < std::min(actual.size(), expected.size()); ++i)
        BOOST_TEST_CONTEXT("summary line " << i) { BOOST_TEST(actual[i] == expected[i]); }
    BOOST_TEST(text.back() == '\n');

    std::ostringstream oss;
    model.summary(oss);
    BOOST_TEST(oss.str() == text);
}

// Keras names layers per class, counting from 1 in the book's Keras.
BOOST_AUTO_TEST_CASE(summary_rows_of_the_input_dim_spelling) {
    const MlpInputDim model;
    const auto rows = model.summary_rows();
    BOOST_TEST_REQUIRE(rows.size() == 5u);
    BOOST_TEST(rows[0].layer == "dense_1 (Dense)");
    BOOST_TEST(rows[0].output_shape == "(None, 256)");
    BOOST_TEST(rows[0].params == 200960u);
    BOOST_TEST(rows[1].layer == "dropout_1 (Dropout)");
    BOOST_TEST(rows[2].layer == "dense_2 (Dense)");
    BOOST_TEST(rows[2].params == 65792u);
    BOOST_TEST(rows[3].layer == "dropout_2 (Dropout)");
    BOOST_TEST(rows[4].layer == "dense_3 (Dense)");
    BOOST_TEST(rows[4].output_shape == "(None, 10)");
    BOOST_TEST(rows[4].params == 2570u);
}


// Python's '{:,}'.format(n), which Keras uses for the totals.
BOOST_AUTO_TEST_CASE(with_thousands_groups_digits_by_three) {
    BOOST_TEST(ctnn::with_thousands(0) == "0");
    BOOST_TEST(ctnn::with_thousands(7) == "7");
    BOOST_TEST(ctnn::with_thousands(999) == "999");
    BOOST_TEST(ctnn::with_thousands(1000) == "1,000");
    BOOST_TEST(ctnn::with_thousands(7850) == "7,850");
    BOOST_TEST(ctnn::with_thousands(65792) == "65,792");
    BOOST_TEST(ctnn::with_thousands(269322) == "269,322");
    BOOST_TEST(ctnn::with_thousands(1000000) == "1,000,000");
    BOOST_TEST(ctnn::with_thousands(1234567890) == "1,234,567,890");
}

// Keras prints Total = trainable + non-trainable; here 1,500 of which 1,200
// trainable leaves 300 non-trainable. One row: the '=' rule follows it.
BOOST_AUTO_TEST_CASE(totals_split_trainable_and_non_trainable) {
    const std::string text = ctnn::format_summary({{"dense_1 (Dense)", "(None, 2)", 1500}}, 1500, 1200);
    const std::vector<std::string> expected = {
        std::string(65, '_'),
        "Layer (type)" + spaces(17) + "Output Shape" + spaces(14) + "Param #" + spaces(3),
        std::string(65, '='),
        "dense_1 (Dense)" + spaces(14) + "(None, 2)" + spaces(17) + "1500" + spaces(6),
        std::string(65, '='),
        "Total params: 1,500",
        "Trainable params: 1,200",
        "Non-trainable params: 300",
        std::string(65, '_'),
    };
    const auto actual = lines_of(text);
    BOOST_TEST_REQUIRE(actual.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        BOOST_TEST_CONTEXT("line " << i) { BOOST_TEST(actual[i] == expected[i]); }
}

// Fields too long for their column are cut where Keras' print_row cuts them:
// a 40-character name keeps 28 characters and a space (the next field replaces
// the 29th); a 28-character shape starting at 29 is cut at 55, its 26th
// character then replaced by a space; an 11-digit count is cut at 65.
BOOST_AUTO_TEST_CASE(long_fields_are_cut_at_their_column) {
    const std::string name(40, 'x');
    const std::string shape = "(None, 1000, 1000, 1000, 10)";
    BOOST_TEST_REQUIRE(shape.size() == 28u);
    const std::vector<ctnn::SummaryRow> rows = {
        {name, "(None, 10)", 12},
        {"dense_2 (Dense)", shape, 0},
        {"dense_3 (Dense)", "(None, 1)", 12345678901},
    };
    const auto lines = lines_of(ctnn::format_summary(rows, 0, 0));
    BOOST_TEST_REQUIRE(lines.size() == 13u);
    BOOST_TEST(lines[3] == std::string(28, 'x') + " " + "(None, 10)" + spaces(16) + "12" + spaces(8));
    BOOST_TEST(lines[5] == "dense_2 (Dense)" + spaces(14) + "(None, 1000, 1000, 1000, " + " " + "0" + spaces(9));
    BOOST_TEST(lines[7] == "dense_3 (Dense)" + spaces(14) + "(None, 1)" + spaces(17) + "1234567890");
    for (const std::size_t i : {3u, 5u, 7u}) BOOST_TEST(lines[i].size() == 65u);
}

BOOST_AUTO_TEST_SUITE_END()
