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
//              status and what gnuplot printed on stderr ("gnuplot is not
//              installed" when the shell cannot find it). A gnuplot that is
//              missing or exits before reading the whole script never kills
//              the caller with SIGPIPE: SIGPIPE is blocked for the calling
//              thread while it writes, any SIGPIPE that raised is discarded,
//              and the thread's signal mask is restored before returning.
#include <signal.h>
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

// Blocks SIGPIPE for the calling thread for one scope. Writing into the pipe
// of a gnuplot that has already exited (not installed, an `exit` in the
// script, a crash) raises SIGPIPE, whose default action kills the whole
// process; blocked, the write fails with EPIPE instead and pclose's exit
// status says what happened. On exit a SIGPIPE this scope raised is consumed
// (one that was pending before is left for its owner) and the mask restored.
// Thread-directed and per-thread, so other threads' handling is untouched.
class SigpipeBlock {
public:
    SigpipeBlock() {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        sigset_t pending;
        sigemptyset(&pending);
        was_pending_ = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
        active_ = pthread_sigmask(SIG_BLOCK, &pipe_, &old_) == 0;
    }
    ~SigpipeBlock() {
        if (!active_) return;
        const int saved_errno = errno;
        if (!was_pending_) {
            const timespec zero{0, 0};
            while (sigtimedwait(&pipe_, nullptr, &zero) == SIGPIPE) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
        errno = saved_errno;
    }
    SigpipeBlock(const SigpipeBlock&) = delete;
    SigpipeBlock& operator=(const SigpipeBlock&) = delete;

private:
    sigset_t pipe_{};
    sigset_t old_{};
    bool was_pending_ = false;
    bool active_ = false;
};

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
    const std::string text = "set output " + quote(tmp.string()) + "\n" + std::string(script) + "\nunset output\n";
    std::FILE* pipe = ::popen(command.c_str(), "w");
    if (!pipe) {
        const int err = errno;
        std::filesystem::remove(errfile, ignored);
        throw std::runtime_error(prefix + "cannot start gnuplot: " + std::strerror(err));
    }
    int status = -1;
    {
        // Blocked only after popen, so gnuplot does not inherit the mask. Both
        // the fwrite and the flush inside pclose can hit a closed pipe; a short
        // write (EPIPE: gnuplot is gone) is judged by the exit status below.
        const detail::SigpipeBlock no_sigpipe;
        (void)std::fwrite(text.data(), 1, text.size(), pipe);
        status = ::pclose(pipe);
    }

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
