#define BOOST_TEST_MODULE plot_history
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>

#include "ctnn/io/plot_history.hpp"
#include "ctnn/io/png.hpp"
#include "support/sample_history.hpp"
#include "support/temp_dir.hpp"

using ctnn_test::sample_history;

BOOST_AUTO_TEST_SUITE(plot_history)

BOOST_AUTO_TEST_CASE(renders_a_png_with_gnuplot) {
    const ctnn_test::TempDir tmp;
    const auto& dir = tmp.path;
    const auto png = dir / "training-curves.png";
    const bool drawn = ctnn::plot_history(sample_history(), png);
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
