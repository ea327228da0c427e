#define BOOST_TEST_MODULE io_gnuplot
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>

#include "ctnn/io/gnuplot.hpp"
#include "ctnn/io/png.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

using ctnn_test::TempDir;

BOOST_AUTO_TEST_SUITE(gnuplot)

BOOST_AUTO_TEST_CASE(quote_doubles_single_quotes) {
    BOOST_TEST(ctnn::gnuplot::quote("a.dat") == "'a.dat'");
    BOOST_TEST(ctnn::gnuplot::quote("it's") == "'it''s'");
}

BOOST_AUTO_TEST_CASE(render_png_writes_the_image_or_explains_why_not) {
    if (!ctnn::gnuplot::available()) {
        BOOST_TEST_MESSAGE("gnuplot not on PATH: rendering not tested");
        return;
    }
    TempDir t;
    const fs::path png = t.path / "it's a plot.png";  // a quote and a space survive quoting
    ctnn::gnuplot::render_png(png, "set terminal png size 160,120\nplot x**2 notitle\n");
    const ctnn::Image img = ctnn::read_png(png);
    BOOST_TEST(img.width == 160u);
    BOOST_TEST(img.height == 120u);
    BOOST_TEST((ctnn_test::names_in(t.path) == std::set<std::string>{png.filename().string()}));  // no temporary

    // A broken script: an exception naming the file and quoting gnuplot, no PNG left behind.
    const fs::path bad = t.path / "bad.png";
    std::string msg;
    try {
        ctnn::gnuplot::render_png(bad, "set terminal png\nplot no_such_function(x)\n");
    } catch (const std::runtime_error& e) {
        msg = e.what();
    }
    BOOST_TEST(msg.find(bad.string()) != std::string::npos, msg);
    BOOST_TEST(msg.find("no_such_function") != std::string::npos, msg);
    BOOST_TEST(!fs::exists(bad));
    BOOST_TEST((ctnn_test::names_in(t.path) == std::set<std::string>{png.filename().string()}));
}

BOOST_AUTO_TEST_SUITE_END()
