#pragma once
// ctnn::detail::shell_quote / program_on_path — what the io that runs an
// external program (gnuplot, Graphviz's dot) needs from the shell.
//
// Contract (POSIX):
//   shell_quote(text)      `text` as one word for /bin/sh: single-quoted, each
//                          ' written as '\'' — any bytes survive, spaces and
//                          quotes included.
//   program_on_path(name)  true if a directory of $PATH holds an executable
//                          file `name` (access X_OK), as `command -v` finds it,
//                          without starting a shell; false without $PATH.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace ctnn::detail {

inline std::string shell_quote(std::string_view text) {
    std::string s = "'";
    for (char c : text) s += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return s + "'";
}

inline bool program_on_path(const char* name) {
    const char* path = std::getenv("PATH");
    if (!path) return false;
    const std::string_view dirs = path;
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string_view dir = dirs.substr(start, end - start);
        if (!dir.empty()) {
            const std::filesystem::path candidate = std::filesystem::path(dir) / name;
            std::error_code ec;
            if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0)
                return true;
        }
        start = end + 1;
    }
    return false;
}

}  // namespace ctnn::detail
