#define BOOST_TEST_MODULE io_gnuplot
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>

#include "ctnn/io/gnuplot.hpp"
#include "ctnn/io/png.hpp"
#include "support/error_message.hpp"
#include "support/files.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

using ctnn_test::TempDir;

namespace {

using ctnn_test::contains;
using ctnn_test::quoted;

// SIGPIPE at its default action (kill the process) for one scope, whatever
// the test runner inherited, so a write into a dead gnuplot's pipe would be
// fatal here if render_png let it through.
struct DefaultSigpipe {
    struct sigaction old {};
    DefaultSigpipe() {
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        ::sigaction(SIGPIPE, &dfl, &old);
    }
    ~DefaultSigpipe() { ::sigaction(SIGPIPE, &old, nullptr); }
};

bool sigpipe_blocked() {
    sigset_t mask;
    sigemptyset(&mask);
    ::pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    return sigismember(&mask, SIGPIPE) == 1;
}

bool sigpipe_pending() {
    sigset_t pending;
    sigemptyset(&pending);
    ::sigpending(&pending);
    return sigismember(&pending, SIGPIPE) == 1;
}

// A script far larger than a pipe's buffer (64 KiB on Linux): the write
// cannot finish before the reader is gone, so a dead gnuplot always means EPIPE.
std::string large_script() {
    std::string s = "set terminal png size 160,120\n";
    while (s.size() < (1u << 20)) s += "# a comment line to make the script longer than any pipe buffer\n";
    return s + "plot x**2 notitle\n";
}

std::string render_error(const fs::path& png, const std::string& script) {
    return ctnn_test::message_of<std::runtime_error>([&] { ctnn::gnuplot::render_png(png, script); });
}

}  // namespace

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

BOOST_AUTO_TEST_CASE(a_missing_gnuplot_is_the_documented_error_never_a_sigpipe_death) {
    // PATH holds only an empty directory: the shell popen starts cannot find
    // gnuplot and exits 127 while render_png is still writing the script.
    TempDir t;
    const fs::path empty = t.path / "empty-bin", out = t.path / "out";
    fs::create_directories(empty);
    fs::create_directories(out);
    const DefaultSigpipe dfl;
    const ctnn_test::ScopedEnv path("PATH", empty.c_str());
    BOOST_TEST(!ctnn::gnuplot::available());
    const bool blocked_before = sigpipe_blocked();
    for (const std::string& script : {large_script(), std::string("set terminal png\nplot x notitle\n")}) {
        for (int i = 0; i < 10; ++i) {  // the small script races the shell's exit: try it several times
            const fs::path png = out / "plot.png";
            const std::string msg = render_error(png, script);
            BOOST_TEST(contains(msg, quoted(png)), msg);
            BOOST_TEST(contains(msg, "gnuplot is not installed (not found on PATH)"), msg);
            BOOST_TEST(ctnn_test::names_in(out).empty());  // neither the image nor a temporary
        }
    }
    // The thread's signal state is as it was: SIGPIPE not left blocked, none left pending.
    BOOST_TEST(sigpipe_blocked() == blocked_before);
    BOOST_TEST(!sigpipe_pending());
}

BOOST_AUTO_TEST_CASE(a_gnuplot_that_exits_at_once_is_a_clear_error) {
    // A stand-in "gnuplot" that reads nothing, complains and exits 1.
    TempDir t;
    const fs::path bin = t.path / "bin", out = t.path / "out";
    fs::create_directories(out);
    const fs::path fake =
        ctnn_test::write_string(bin / "gnuplot", "#!/bin/sh\necho 'fake gnuplot: giving up' >&2\nexit 1\n");
    BOOST_TEST_REQUIRE(::chmod(fake.c_str(), 0755) == 0);
    const DefaultSigpipe dfl;
    const ctnn_test::ScopedEnv path("PATH", bin.c_str());
    BOOST_TEST(ctnn::gnuplot::available());
    const fs::path png = out / "plot.png";
    const std::string msg = render_error(png, large_script());
    BOOST_TEST(contains(msg, quoted(png)), msg);
    BOOST_TEST(contains(msg, "gnuplot failed (exit status 1)"), msg);
    BOOST_TEST(contains(msg, "fake gnuplot: giving up"), msg);  // what it said on stderr
    BOOST_TEST(ctnn_test::names_in(out).empty());
    BOOST_TEST(!sigpipe_pending());
}

BOOST_AUTO_TEST_SUITE_END()
