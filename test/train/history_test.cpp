#define BOOST_TEST_MODULE train_history
#include <boost/test/unit_test.hpp>

// ctnn::History (train/history.hpp) on its own: record() per name, names in first-recorded
// order, lookup and its error, and to_csv() against text worked out by hand.

#include <cstddef>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctnn/train/history.hpp"
#include "support/sample_history.hpp"

BOOST_AUTO_TEST_SUITE(history)

BOOST_AUTO_TEST_CASE(record_appends_one_value_per_call_under_its_name) {
    ctnn::History h;
    h.record("loss", 0.75);
    h.record("accuracy", 0.5);
    h.record("loss", 0.5);
    h.record("accuracy", 0.625);
    h.record("loss", 0.25);
    BOOST_TEST_REQUIRE(h.history.size() == 2u);  // one entry per name, however often recorded
    BOOST_TEST(h["loss"] == (std::vector<double>{0.75, 0.5, 0.25}), boost::test_tools::per_element());
    BOOST_TEST(h["accuracy"] == (std::vector<double>{0.5, 0.625}), boost::test_tools::per_element());
    BOOST_TEST(h.epoch.empty());  // record() does not count epochs; fit() appends them
}

BOOST_AUTO_TEST_CASE(names_keep_the_order_they_were_first_recorded) {
    // Keras' dict order (loss, accuracy, val_loss, val_accuracy), not the sorted
    // order (accuracy, loss, val_accuracy, val_loss) that CSVLogger would use.
    ctnn::History h;
    for (int e = 0; e < 2; ++e) {
        h.record("loss", 1.0);
        h.record("accuracy", 0.5);
        h.record("val_loss", 2.0);
        h.record("val_accuracy", 0.25);
    }
    std::vector<std::string> names;
    for (const auto& [name, values] : h.history) names.push_back(name);
    BOOST_TEST(names == (std::vector<std::string>{"loss", "accuracy", "val_loss", "val_accuracy"}),
               boost::test_tools::per_element());
    for (const auto& name : names) BOOST_TEST(h.contains(name), name);
    // contains() matches whole names only, case-sensitively.
    BOOST_TEST(!h.contains("val"));
    BOOST_TEST(!h.contains("Loss"));
    BOOST_TEST(!h.contains("loss "));
}

BOOST_AUTO_TEST_CASE(unknown_metric_throws_out_of_range_naming_it) {
    ctnn::History h;
    BOOST_CHECK_THROW(h["loss"], std::out_of_range);  // empty history
    h.record("loss", 0.5);
    try {
        (void)h["val_acc"];
        BOOST_FAIL("expected std::out_of_range for an unknown metric");
    } catch (const std::out_of_range& e) {
        BOOST_TEST(std::string(e.what()).find("'val_acc'") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_CASE(csv_has_names_in_recorded_order_and_one_row_per_epoch_index) {
    // fit(initial_epoch = 1, epochs = 3) runs epochs 1 and 2; values exact in binary.
    ctnn::History h;
    h.epoch = {1, 2};
    h.record("loss", 0.5);
    h.record("accuracy", 0.75);
    h.record("loss", 0.25);
    h.record("accuracy", 0.875);
    BOOST_TEST(h.to_csv() ==
               "epoch,loss,accuracy\n"
               "1,0.5,0.75\n"
               "2,0.25,0.875\n");
}

BOOST_AUTO_TEST_CASE(csv_values_have_17_significant_digits_and_round_trip) {
    // By hand from the doubles nearest each literal:
    //   0.1     = 0.1000000000000000055511..  -> 0.10000000000000001
    //   2/3     = 0.6666666666666666296592..  -> 0.66666666666666663
    //   1e-7    = 9.99999999999999954748..e-8 -> 9.9999999999999995e-08
    //   1e21 is exact, and %g drops trailing zeros  -> 1e+21
    //   the smallest subnormal 4.94065645841246544..e-324 -> 4.9406564584124654e-324
    const std::vector<double> values = {0.1,  2.0 / 3.0, 1e-7, -1.5, 1e21, std::numeric_limits<double>::denorm_min(),
                                        std::numeric_limits<double>::infinity()};
    ctnn::History h;
    for (std::size_t e = 0; e < values.size(); ++e) {
        h.epoch.push_back(e);
        h.record("loss", values[e]);
    }
    const std::string csv = h.to_csv();
    BOOST_TEST(csv ==
               "epoch,loss\n"
               "0,0.10000000000000001\n"
               "1,0.66666666666666663\n"
               "2,9.9999999999999995e-08\n"
               "3,-1.5\n"
               "4,1e+21\n"
               "5,4.9406564584124654e-324\n"
               "6,inf\n");
    // Every value reads back bit for bit.
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);  // header
    for (std::size_t e = 0; e < values.size(); ++e) {
        BOOST_TEST_REQUIRE(static_cast<bool>(std::getline(in, line)));
        const std::string field = line.substr(line.find(',') + 1);
        BOOST_TEST(std::strtod(field.c_str(), nullptr) == values[e], "row " << e << ": " << field);
    }
    BOOST_TEST(!std::getline(in, line));  // no extra rows
}

BOOST_AUTO_TEST_CASE(csv_writes_na_where_a_name_has_no_value_never_a_number) {
    // A name first recorded in a later epoch (a callback's log) has fewer
    // values than epochs: CSVLogger writes NA for a missing key, and so does this.
    ctnn::History h;
    h.epoch = {0, 1};
    h.record("loss", 0.5);
    h.record("loss", 0.25);
    h.record("lr", 0.125);
    BOOST_TEST(h.to_csv() == "epoch,loss,lr\n0,0.5,0.125\n1,0.25,NA\n");
}

BOOST_AUTO_TEST_CASE(csv_without_epochs_is_the_header_alone) {
    ctnn::History h;
    BOOST_TEST(h.to_csv() == "epoch\n");
    h.record("loss", 0.5);  // a value but no epoch index: no row
    BOOST_TEST(h.to_csv() == "epoch,loss\n");
}

BOOST_AUTO_TEST_CASE(csv_has_a_header_and_one_exact_row_per_epoch) {
    const std::string csv = ctnn_test::sample_history().to_csv();
    BOOST_TEST(csv ==
               "epoch,loss,accuracy,val_loss\n"
               "0,1,0.5,0.25\n"
               "1,0.5,0.59999999999999998,0.25\n"
               "2,0.33333333333333331,0.69999999999999996,0.25\n");
}

BOOST_AUTO_TEST_CASE(history_lookup) {
    const ctnn::History h = ctnn_test::sample_history();
    BOOST_TEST(h["val_loss"].size() == 3u);
    BOOST_TEST(!h.contains("val_accuracy"));
    BOOST_CHECK_THROW(h["val_accuracy"], std::out_of_range);
}

BOOST_AUTO_TEST_SUITE_END()
