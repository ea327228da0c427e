#pragma once
// ctnn::DataError — a data file could not be used.
//
// Contract: what() reads "<source>: <problem>", where <source> is the file (or
// directory) as the caller named it and <problem> says what is wrong in terms
// a user can act on ("truncated: header says ...", "bad magic ..."). source()
// and problem() return the two parts so callers can re-word or re-route them.
// Every failure of the data layer on bad input is a DataError; it never
// crashes and never allocates what a corrupt header asks for.
#include <stdexcept>
#include <string>
#include <string_view>

namespace ctnn {

class DataError : public std::runtime_error {
public:
    DataError(std::string_view source, std::string_view problem)
        : std::runtime_error(std::string(source) + ": " + std::string(problem)),
          source_(source),
          problem_(problem) {}

    const std::string& source() const noexcept { return source_; }
    const std::string& problem() const noexcept { return problem_; }

private:
    std::string source_;
    std::string problem_;
};

}  // namespace ctnn
