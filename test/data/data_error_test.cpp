// ctnn::DataError (data/data_error.hpp): what() is "<source>: <problem>", the
// two parts come back as given, and it is a std::runtime_error.
#define BOOST_TEST_MODULE data_data_error
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <type_traits>

#include "ctnn/data/data_error.hpp"

BOOST_AUTO_TEST_SUITE(data_error)

static_assert(std::is_base_of_v<std::runtime_error, ctnn::DataError>);

BOOST_AUTO_TEST_CASE(what_is_source_colon_problem) {
    const ctnn::DataError e("data/mnist/train-labels-idx1-ubyte", "label 11 at index 5 is not in 0..9");
    BOOST_TEST(std::string(e.what()) == "data/mnist/train-labels-idx1-ubyte: label 11 at index 5 is not in 0..9");
    BOOST_TEST(e.source() == "data/mnist/train-labels-idx1-ubyte");
    BOOST_TEST(e.problem() == "label 11 at index 5 is not in 0..9");
}

BOOST_AUTO_TEST_CASE(caught_as_runtime_error_with_the_same_text) {
    try {
        throw ctnn::DataError("x.gz", "truncated: header says 60000 images, file holds 3");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(std::string(e.what()) == "x.gz: truncated: header says 60000 images, file holds 3");
        return;
    }
    BOOST_FAIL("DataError was not caught as std::runtime_error");
}

BOOST_AUTO_TEST_CASE(parts_are_copies_not_views) {
    // The caller's strings may die before the exception is caught.
    ctnn::DataError* e = nullptr;
    {
        std::string source = "dir/file";
        std::string problem = "bad magic 0x00000000";
        e = new ctnn::DataError(source, problem);
        source.assign(8, '#');
        problem.assign(20, '#');
    }
    BOOST_TEST(e->source() == "dir/file");
    BOOST_TEST(e->problem() == "bad magic 0x00000000");
    BOOST_TEST(std::string(e->what()) == "dir/file: bad magic 0x00000000");
    delete e;
}

BOOST_AUTO_TEST_SUITE_END()
