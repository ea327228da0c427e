#define BOOST_TEST_MODULE plot_history
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>

#include "ctnn/io/plot_history.hpp"
#include "ctnn/io/png.hpp"
#include "support/temp_dir.hpp"

namespace {
ctnn::History sample() {
    ctnn::History h;
    for (std::size_t e = 0; e < 3; ++e) {
        h.epoch.push_back(e);
        h.record("loss", 1.0 / double(e + 1));
        h.record("accuracy", 0.5 + 0.1 * double(e));
        h.record("val_loss", 0.25);
    }
    return h;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(plot_history)

BOOST_AUTO_TEST_CASE(csv_has_a_header_and_one_exact_row_per_epoch) {
    const std::string csv = sample().to_csv();
    BOOST_TEST(csv ==
               "epoch,loss,accuracy,val_loss\n"
               "0,1,0.5,0.25\n"
               "1,0.5,0.59999999999999998,0.25\n"
               "2,0.33333333333333331,0.69999999999999996,0.25\n");
}

BOOST_AUTO_TEST_CASE(history_lookup) {
    const ctnn::History h = sample();
    BOOST_TEST(h["val_loss"].size() == 3u);
    BOOST_TEST(!h.contains("val_accuracy"));
    BOOST_CHECK_THROW(h["val_accuracy"], std::out_of_range);
}

BOOST_AUTO_TEST_CASE(renders_a_png_with_gnuplot) {
    const ctnn_test::TempDir tmp;
    const auto& dir = tmp.path;
    const auto png = dir / "training-curves.png";
    const bool drawn = ctnn::plot_history(sample(), png);
    BOOST_TEST(std::filesystem::exists(dir / "training-curves.csv"));
    if (!ctnn::gnuplot::available()) {
        BOOST_TEST(!drawn);
        BOOST_TEST(std::filesystem::exists(dir / "training-curves.gp"));
        return;
    }
    BOOST_TEST(drawn);
    const ctnn::Image img = ctnn::read_png(png);
    BOOST_TEST(img.width == 1000u);
    BOOST_TEST(img.height == 420u);
}

BOOST_AUTO_TEST_SUITE_END()
