#pragma once
// ctnn_test::lines_of(text) — the lines of a printed text, without their '\n'.
#include <sstream>
#include <string>
#include <vector>

namespace ctnn_test {

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace ctnn_test
