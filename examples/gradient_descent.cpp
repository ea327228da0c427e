// The chapter's gradient-descent illustration (Figure 1.3.7): minimise
// y = x^2 - x - 1, whose gradient is dy/dx = 2x - 1, by repeating
// x <- x - learning_rate * dy/dx from x = -0.5 with learning rate 0.01.
// The first step lands on x = -0.48; the walk ends at the minimum x = 0.5,
// y = -1.25, where the gradient "recommends no further change in x".
//
//     gradient_descent [--lr R] [--x0 X] [--steps N]
//
// Prints the path (every step up to 10, then every 50th, and the last), stops
// when |dy/dx| < 1e-6 or after N steps (default 10000), and draws the curve
// with the visited points into gradient-descent.png using gnuplot. Without
// gnuplot it writes gradient-descent.gp and gradient-descent.dat instead and
// says how to render them. Try --lr 0.9 (swings across the minimum) or
// --lr 1.1 (diverges), the chapter's warning about large learning rates.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "ctnn/io/gnuplot.hpp"
#include "ctnn/train/gradient_descent_1d.hpp"

namespace {

double f(double x) { return x * x - x - 1.0; }
double df(double x) { return 2.0 * x - 1.0; }

constexpr double tolerance = 1e-6;

struct Options {
    double lr = 0.01;
    double x0 = -0.5;
    std::size_t steps = 10000;
};

int usage(const char* argv0, const std::string& problem) {
    if (!problem.empty()) std::fprintf(stderr, "%s: %s\n", argv0, problem.c_str());
    std::fprintf(stderr,
                 "usage: %s [--lr R] [--x0 X] [--steps N]\n"
                 "  --lr R     learning rate, > 0 (default 0.01)\n"
                 "  --x0 X     starting point (default -0.5)\n"
                 "  --steps N  most updates to make (default 10000)\n",
                 argv0);
    return problem.empty() ? 0 : 2;
}

template <class T>
bool parse(std::string_view text, T& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

// One table row; %g keeps the chapter's round numbers round (-0.48, not -0.480000).
void print_step(const ctnn::DescentStep& s) {
    std::printf("%6zu  %12.8g  %12.8g  %12.4e\n", s.step, s.x, s.y, s.gradient);
}

// The points to draw: all of them, except that a diverging walk is cut to its
// first swings (later ones dwarf the curve until nothing else is visible).
constexpr std::size_t diverged_points_shown = 12;

std::size_t points_to_plot(const ctnn::DescentPath& path) {
    std::size_t n = 0;
    while (n < path.steps.size() && std::isfinite(path.steps[n].y)) ++n;
    return path.diverged ? std::min(n, diverged_points_shown) : n;
}

// gnuplot commands for the figure, reading the visited points from the file
// `data_literal` names (columns: step x y dy/dx).
std::string plot_script(const std::string& data_literal, const ctnn::DescentPath& path, const Options& o) {
    const std::size_t n = points_to_plot(path);
    // x-range: the drawn points and the minimum, with a margin.
    double lo = 0.5, hi = 0.5;
    for (std::size_t k = 0; k < n; ++k) {
        lo = std::min(lo, path.steps[k].x);
        hi = std::max(hi, path.steps[k].x);
    }
    const double margin = std::max(0.5, 0.15 * (hi - lo));
    const std::size_t last = n == 0 ? 0 : n - 1;
    const std::string what = path.diverged  ? "diverges; first " + std::to_string(n) + " points"
                             : path.converged ? std::to_string(path.last().step) + " steps"
                                              : "stopped after " + std::to_string(path.last().step) + " steps";
    char buf[2048];
    std::snprintf(buf, sizeof buf,
                  "set terminal pngcairo size 800,600 enhanced font 'sans,11'\n"
                  "set title 'Gradient descent on y = x^2 - x - 1 (x_0 = %g, learning rate %g: %s)'\n"
                  "set xlabel 'x'\n"
                  "set ylabel 'y'\n"
                  "set grid\n"
                  "set key top center\n"
                  "set samples 500\n"
                  "set xrange [%.17g:%.17g]\n"
                  "f(x) = x**2 - x - 1\n"
                  "set label 1 'minimum (0.5, -1.25)' at 0.5, -1.25 offset 0, -1.2 center\n"
                  "plot f(x) with lines lw 2 lc rgb '#1f77b4' title 'y = x^2 - x - 1', \\\n"
                  "     %s using 2:3 with linespoints pt 7 ps 0.5 lc rgb '#d62728' title 'visited x', \\\n"
                  "     %s every ::0::0 using 2:3 with points pt 7 ps 1.6 lc rgb 'black' title 'start', \\\n"
                  "     %s every ::%zu::%zu using 2:3 with points pt 6 ps 2.2 lw 2 lc rgb '#2ca02c' "
                  "title 'step %zu'\n",
                  o.x0, o.lr, what.c_str(), lo - margin, hi + margin, data_literal.c_str(), data_literal.c_str(),
                  data_literal.c_str(), last, last, last);
    return buf;
}

void write_data(const std::filesystem::path& p, const ctnn::DescentPath& path) {
    std::ofstream out(p);
    out << "# step x y dy/dx\n";
    char line[128];
    for (std::size_t k = 0, n = points_to_plot(path); k < n; ++k) {
        const auto& s = path.steps[k];
        std::snprintf(line, sizeof line, "%zu %.17g %.17g %.17g\n", s.step, s.x, s.y, s.gradient);
        out << line;
    }
    if (!out.flush()) throw std::runtime_error("cannot write '" + p.string() + "'");
}

// A data file in the temporary directory, removed when done.
struct TempFile {
    std::filesystem::path path;
    TempFile() {
        std::string name = (std::filesystem::temp_directory_path() / "ctnn-gradient-descent-XXXXXX").string();
        const int fd = ::mkstemp(name.data());
        if (fd < 0) throw std::runtime_error("cannot create a temporary data file in " + name);
        ::close(fd);
        path = name;
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        std::error_code ignored;
        std::filesystem::remove(path, ignored);
    }
};

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") return usage(argv[0], "");
        const bool known = arg == "--lr" || arg == "--x0" || arg == "--steps";
        if (!known) return usage(argv[0], "unknown argument '" + std::string(arg) + "'");
        if (i + 1 >= argc) return usage(argv[0], std::string(arg) + " needs a value");
        const std::string_view value = argv[++i];
        const bool ok = arg == "--lr"   ? parse(value, o.lr) && o.lr > 0 && std::isfinite(o.lr)
                        : arg == "--x0" ? parse(value, o.x0) && std::isfinite(o.x0)
                                        : parse(value, o.steps);
        if (!ok) return usage(argv[0], "bad value '" + std::string(value) + "' for " + std::string(arg));
    }

    const ctnn::DescentPath path = ctnn::gradient_descent_1d(f, df, o.x0, o.lr, o.steps, tolerance);

    std::printf("Gradient descent on y = x^2 - x - 1, dy/dx = 2x - 1, from x = %g with learning rate %g\n", o.x0,
                o.lr);
    std::printf("%6s  %12s  %12s  %12s\n", "step", "x", "y", "dy/dx");
    for (const auto& s : path.steps)
        if (s.step <= 10 || s.step % 50 == 0 || &s == &path.last()) print_step(s);

    const auto& end = path.last();
    if (path.converged)
        std::printf("Converged after %zu steps (|dy/dx| < %g): x = %.6g, y = %.6g\n", end.step, tolerance, end.x,
                    end.y);
    else if (path.diverged)
        std::printf("Diverged after %zu steps: the learning rate is too large for this curve\n", end.step);
    else
        std::printf("Stopped after %zu steps without converging (|dy/dx| = %.3g): x = %.6g, y = %.6g\n", end.step,
                    std::abs(end.gradient), end.x, end.y);

    try {
        const std::filesystem::path png = "gradient-descent.png";
        if (ctnn::gnuplot::available()) {
            TempFile data;
            write_data(data.path, path);
            ctnn::gnuplot::render_png(png, plot_script(ctnn::gnuplot::quote(data.path.string()), path, o));
            std::printf("Wrote %s\n", std::filesystem::absolute(png).c_str());
        } else {
            // Leave everything needed to render later, next to where the PNG would be.
            const std::filesystem::path data = "gradient-descent.dat", script = "gradient-descent.gp";
            write_data(data, path);
            std::ofstream out(script);
            out << "set output " << ctnn::gnuplot::quote(png.string()) << "\n"
                << plot_script(ctnn::gnuplot::quote(data.string()), path, o);
            if (!out.flush()) throw std::runtime_error("cannot write '" + script.string() + "'");
            std::printf(
                "gnuplot is needed to render %s and was not found on PATH.\n"
                "Wrote %s and %s instead; install gnuplot (Debian: apt-get install gnuplot-nox) and run\n"
                "    gnuplot %s\n"
                "in this directory to draw the figure.\n",
                png.c_str(), std::filesystem::absolute(script).c_str(), std::filesystem::absolute(data).c_str(),
                script.c_str());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gradient_descent: %s\n", e.what());
        return 1;
    }
    return 0;
}
