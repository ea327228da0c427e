#pragma once
// What a call throws, as text: message_of<E>(f) is the what() of the E that
// f() throws, or "" when f() returns (any other exception propagates);
// data_error_of(f) is message_of<ctnn::DataError>(f). contains(text, part)
// and quoted(path) ('<path>', as ctnn's messages quote a file) help check it.
#include <filesystem>
#include <string>

#include "ctnn/data/data_error.hpp"

namespace ctnn_test {

template <class E, class F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return "";
}

template <class F>
std::string data_error_of(F&& f) {
    return message_of<ctnn::DataError>(f);
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// (Appended piecewise: GCC 12's -Wrestrict misfires on "'" + std::string + "'".)
inline std::string quoted(const std::filesystem::path& p) {
    std::string q = "'";
    q += p.string();
    q += '\'';
    return q;
}

}  // namespace ctnn_test
