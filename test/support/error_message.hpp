#pragma once
// What a call throws, as text: message_of<E>(f) is the what() of the E that
// f() throws, or "" when f() returns (any other exception propagates);
// data_error_of(f) is message_of<ctnn::DataError>(f).
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

}  // namespace ctnn_test
