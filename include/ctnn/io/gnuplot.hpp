#pragma once
// ctnn::gnuplot — render a plot to PNG by running the gnuplot program.
//
// Why an external program: plots (curves, axes, labels, fonts) are gnuplot's
// job and it does them well; ctnn does not carry a rasteriser. The price is a
// run-time dependency that may be missing, so `available()` lets a caller
// fall back to writing the script for the user to render later.
//
// Contract (POSIX: uses popen and mkstemp):
//   available()          true if a `gnuplot` executable is on PATH.
//   quote(text)          `text` as a gnuplot single-quoted string ('' for ').
//   render_png(png, script)
//     accepts: gnuplot commands that select a PNG terminal (`set terminal
//              pngcairo ...` or `set terminal png ...`) and plot; they must not
//              `set output` (render_png does) and may read data files by path.
//     guarantees: the script runs with output to a temporary beside `png`
//              (`png + ".tmp.<pid>.<n>"`, unique per call), which is
//              renamed to `png` only if gnuplot exits with status 0 and wrote
//              something, so a failed run never leaves a half-drawn `png`.
//              On failure throws std::runtime_error naming `png`, the exit
//              status and what gnuplot printed on stderr.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "ctnn/io/atomic_write.hpp"
#include "ctnn/io/shell.hpp"

namespace ctnn::gnuplot {

namespace detail {

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace detail

inline bool available() { return ctnn::detail::program_on_path("gnuplot"); }

inline std::string quote(std::string_view text) {
    std::string s = "'";
    for (char c : text) {
        s += c;
        if (c == '\'') s += '\'';
    }
    return s + "'";
}

inline void render_png(const std::filesystem::path& png, std::string_view script) {
    const std::string prefix = "ctnn::gnuplot::render_png: '" + png.string() + "': ";
    const std::filesystem::path tmp = ctnn::detail::unique_temp_path(png);

    // gnuplot's stderr goes to a private file so a failure can quote it.
    std::string errname = (std::filesystem::temp_directory_path() / "ctnn-gnuplot-XXXXXX").string();
    const int fd = ::mkstemp(errname.data());
    if (fd < 0) {
        const int err = errno;
        throw std::runtime_error(prefix + "cannot create a temporary file: " + std::strerror(err));
    }
    ::close(fd);
    const std::filesystem::path errfile = errname;
    std::error_code ignored;

    const std::string command = "gnuplot 2>" + ctnn::detail::shell_quote(errname);
    std::FILE* pipe = ::popen(command.c_str(), "w");
    if (!pipe) {
        const int err = errno;
        std::filesystem::remove(errfile, ignored);
        throw std::runtime_error(prefix + "cannot start gnuplot: " + std::strerror(err));
    }
    const std::string text =
        "set output " + quote(tmp.string()) + "\n" + std::string(script) + "\nunset output\n";
    std::fwrite(text.data(), 1, text.size(), pipe);
    const int status = ::pclose(pipe);

    const bool exited_ok = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    const bool wrote = std::filesystem::exists(tmp, ignored) && std::filesystem::file_size(tmp, ignored) > 0;
    if (!exited_ok || !wrote) {
        std::string why;
        if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 127)
            why = "gnuplot is not installed (not found on PATH)";
        else if (!exited_ok)
            why = "gnuplot failed (exit status " +
                  std::to_string(status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
        else
            why = "gnuplot wrote no image (does the script set a png terminal?)";
        std::string said = detail::read_text(errfile);
        while (!said.empty() && (said.back() == '\n' || said.back() == ' ')) said.pop_back();
        std::filesystem::remove(errfile, ignored);
        std::filesystem::remove(tmp, ignored);
        throw std::runtime_error(prefix + why + (said.empty() ? "" : ":\n" + said));
    }
    std::filesystem::remove(errfile, ignored);
    std::error_code ec;
    std::filesystem::rename(tmp, png, ec);
    if (ec) {
        std::filesystem::remove(tmp, ignored);
        throw std::runtime_error(prefix + "cannot rename '" + tmp.string() + "' into place: " + ec.message());
    }
}

}  // namespace ctnn::gnuplot
