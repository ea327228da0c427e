#define BOOST_TEST_MODULE examples_flags
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../examples/flags.hpp"
#include "support/error_message.hpp"
#include "support/temp_dir.hpp"

// examples/flags.hpp: every value the examples take is parsed strictly and
// range-checked, with an error naming the flag, the value and what is
// allowed — so a program can refuse bad input before it does any work.

namespace {

const std::map<std::string, std::string> known = {{"epochs", ""}, {"verbose", ""}, {"seed", ""},
                                                  {"rows", ""},   {"save", ""},    {"dropout", ""}};

examples::Flags parse(std::initializer_list<std::string> args) {
    std::vector<std::string> storage{"prog"};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    return examples::Flags(static_cast<int>(argv.size()), argv.data(), known);
}

// The message of the std::invalid_argument `f` throws ("" if none).
template <class F>
std::string error_of(F&& f) {
    return ctnn_test::message_of<std::invalid_argument>(f);
}

using ctnn_test::contains;

}  // namespace

BOOST_AUTO_TEST_CASE(unknown_last_flag_is_unknown_not_short_of_a_value) {
    const std::string e = error_of([] { parse({"--epochs", "1", "--verbos"}); });
    BOOST_TEST(contains(e, "unknown flag --verbos"), e);
    const std::string missing = error_of([] { parse({"--verbose"}); });
    BOOST_TEST(contains(missing, "flag --verbose needs a value"), missing);
}

BOOST_AUTO_TEST_CASE(negative_count_is_refused_with_flag_value_and_range) {
    // It used to wrap to 2^64 - 1 epochs in a size_t.
    const std::string e = error_of([] { parse({"--epochs", "-1"}).get_count("epochs", 20); });
    BOOST_TEST(contains(e, "--epochs"), e);
    BOOST_TEST(contains(e, "'-1'"), e);
    BOOST_TEST(contains(e, ">= 1"), e);
}

BOOST_AUTO_TEST_CASE(zero_count_is_refused) {
    const std::string e = error_of([] { parse({"--epochs=0"}).get_count("epochs", 20); });
    BOOST_TEST(contains(e, "--epochs wants an integer >= 1, got '0'"), e);
}

BOOST_AUTO_TEST_CASE(counts_and_defaults) {
    BOOST_TEST(parse({"--epochs", "3"}).get_count("epochs", 20) == 3u);
    BOOST_TEST(parse({}).get_count("epochs", 20) == 20u);
}

BOOST_AUTO_TEST_CASE(integers_are_parsed_strictly) {
    for (const char* bad : {" 3", "3 ", "3x", "", "+3", "1e3", "abc", "99999999999999999999"}) {
        const std::string e = error_of([&] { parse({"--epochs", bad}).get_count("epochs", 20); });
        BOOST_TEST(contains(e, "--epochs wants an integer"), "'" << bad << "': " << e);
    }
}

BOOST_AUTO_TEST_CASE(bounded_integer_names_its_range) {
    BOOST_TEST(parse({"--verbose", "2"}).get_int("verbose", 1, 0, 2) == 2);
    BOOST_TEST(parse({"--verbose", "0"}).get_int("verbose", 1, 0, 2) == 0);
    for (const char* bad : {"7", "-1", "3"}) {
        const std::string e = error_of([&] { parse({"--verbose", bad}).get_int("verbose", 1, 0, 2); });
        BOOST_TEST(contains(e, "flag --verbose wants an integer from 0 to 2, got '" + std::string(bad) + "'"), e);
    }
}

BOOST_AUTO_TEST_CASE(seed_is_any_unsigned_64_bit_number) {
    BOOST_TEST(parse({"--seed", "18446744073709551615"}).get_seed("seed", 0) == UINT64_MAX);
    BOOST_TEST(parse({}).get_seed("seed", 7) == 7u);
    for (const char* bad : {"-1", "18446744073709551616", " 1", "1.5"}) {
        const std::string e = error_of([&] { parse({"--seed", bad}).get_seed("seed", 0); });
        BOOST_TEST(contains(e, "flag --seed wants an integer from 0 to 18446744073709551615, got '" +
                                   std::string(bad) + "'"),
                   e);
    }
}

BOOST_AUTO_TEST_CASE(fraction_is_in_zero_one) {
    BOOST_TEST(parse({"--dropout", "0.45"}).get_fraction("dropout", 0) == 0.45);
    BOOST_TEST(parse({"--dropout", "0"}).get_fraction("dropout", 0.5) == 0.0);
    for (const char* bad : {"1", "-0.1", "nan", "0.5x", " 0.5", "inf"}) {
        const std::string e = error_of([&] { parse({"--dropout", bad}).get_fraction("dropout", 0); });
        BOOST_TEST(contains(e, "flag --dropout wants a number >= 0 and < 1"), "'" << bad << "': " << e);
    }
}

BOOST_AUTO_TEST_CASE(int_set_parses_lists_and_ranges) {
    BOOST_TEST((parse({"--rows", "1-4,16"}).get_int_set("rows", "1-18", 1, 18) == std::set<long long>{1, 2, 3, 4, 16}));
    BOOST_TEST(parse({}).get_int_set("rows", "1-18", 1, 18).size() == 18u);
    BOOST_TEST((parse({"--rows", "3,3,2-3"}).get_int_set("rows", "", 1, 18) == std::set<long long>{2, 3}));
}

BOOST_AUTO_TEST_CASE(int_set_refuses_malformed_items) {
    // These used to end in a bare "stoul", or ("1x") to run row 1.
    for (const char* bad : {"abc", "1-", "-1", ",,", "1x", "", "1,", "0", "19", "4-2", "1--3", " 1"}) {
        const std::string e = error_of([&] { parse({"--rows", bad}).get_int_set("rows", "1-18", 1, 18); });
        BOOST_TEST(contains(e, "flag --rows wants numbers from 1 to 18"), "'" << bad << "': " << e);
        BOOST_TEST(contains(e, "got '" + std::string(bad) + "'"), e);
    }
}

BOOST_AUTO_TEST_CASE(output_file_in_a_missing_directory_is_refused_up_front) {
    const ctnn_test::TempDir tmp;
    const std::string path = (tmp.path / "no-such-dir" / "w.ctnnw").string();
    const std::string e = error_of([&] { parse({"--save", path}).get_output_file("save", ""); });
    BOOST_TEST(contains(e, "flag --save"), e);
    BOOST_TEST(contains(e, "does not exist"), e);
    BOOST_TEST(!std::filesystem::exists(tmp.path / "no-such-dir"));
}

BOOST_AUTO_TEST_CASE(output_file_that_is_a_directory_or_empty_is_refused) {
    const ctnn_test::TempDir tmp;
    const std::string e = error_of([&] { parse({"--save", tmp.path.string()}).get_output_file("save", ""); });
    BOOST_TEST(contains(e, "is a directory"), e);
    const std::string empty = error_of([] { parse({"--save="}).get_output_file("save", ""); });
    BOOST_TEST(contains(empty, "flag --save wants a file name"), empty);
}

BOOST_AUTO_TEST_CASE(output_file_in_a_read_only_directory_is_refused) {
    if (::geteuid() == 0) {
        BOOST_TEST_MESSAGE("running as root: permissions do not stop root, nothing to check");
        return;
    }
    const ctnn_test::TempDir tmp;
    const auto ro = tmp.path / "ro";
    std::filesystem::create_directory(ro);
    std::filesystem::permissions(ro, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    const std::string e = error_of([&] { parse({"--save", (ro / "w.ctnnw").string()}).get_output_file("save", ""); });
    std::filesystem::permissions(ro, std::filesystem::perms::owner_all);
    BOOST_TEST(contains(e, "cannot write in directory"), e);
}

BOOST_AUTO_TEST_CASE(good_output_file_is_accepted_and_not_created) {
    const ctnn_test::TempDir tmp;
    const auto path = tmp.path / "w.ctnnw";
    BOOST_TEST(parse({"--save", path.string()}).get_output_file("save", "") == path);
    BOOST_TEST(!std::filesystem::exists(path));
    BOOST_TEST(parse({}).get_output_file("save", "").empty());
}

BOOST_AUTO_TEST_CASE(missing_directory_is_named) {
    const ctnn_test::TempDir tmp;
    const std::string e = error_of([&] { examples::require_writable_directory(tmp.path / "gone", "the PNGs"); });
    BOOST_TEST(contains(e, "the PNGs: directory '" + (tmp.path / "gone").string() + "' does not exist"), e);
    BOOST_TEST(error_of([&] { examples::require_writable_directory(tmp.path, "x"); }).empty());
}
