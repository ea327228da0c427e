// ctnn::detail::shell_quote / program_on_path (io/shell.hpp): quoted words
// come back byte for byte from a real /bin/sh, and a program counts as on
// PATH only as an executable file in one of its directories.
#define BOOST_TEST_MODULE io_shell
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "ctnn/io/shell.hpp"
#include "support/files.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using ctnn::detail::program_on_path;
using ctnn::detail::shell_quote;

namespace {

// What /bin/sh makes of `printf %s <word>`: the word after the shell's quote removal.
std::string through_sh(const std::string& word) {
    const std::string cmd = "printf %s " + word;
    std::FILE* p = ::popen(cmd.c_str(), "r");
    BOOST_TEST_REQUIRE(p != nullptr);
    std::string out;
    char buf[256];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    const int status = ::pclose(p);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(shell)

BOOST_AUTO_TEST_CASE(quoted_words_survive_the_shell_unchanged) {
    BOOST_TEST(shell_quote("plain") == "'plain'");
    BOOST_TEST(shell_quote("it's") == "'it'\\''s'");  // by hand: close, escaped quote, reopen
    for (const std::string s : {"plain", "two words", "it's a plot.png", "'", "''", "$HOME `date` \\n *?[a]",
                                "tab\there", "semi;colon && echo hacked", "-n"}) {
        BOOST_TEST_CONTEXT("[" << s << "]") { BOOST_TEST(through_sh(shell_quote(s)) == s); }
    }
}

BOOST_AUTO_TEST_CASE(program_on_path_wants_an_executable_file_in_a_path_directory) {
    const ctnn_test::TempDir t;
    const fs::path bin = t.path / "bin", other = t.path / "other";
    fs::create_directories(bin);
    fs::create_directories(other);
    ctnn_test::write_string(bin / "tool", "#!/bin/sh\n");
    fs::permissions(bin / "tool", fs::perms::owner_all);
    ctnn_test::write_string(bin / "data", "not a program\n");
    fs::permissions(bin / "data", fs::perms::owner_read | fs::perms::owner_write);
    fs::create_directories(bin / "adir");  // a directory is not a program, whatever its x bit

    {
        const ctnn_test::ScopedEnv path("PATH", (other.string() + ":" + bin.string()).c_str());
        BOOST_TEST(program_on_path("tool"));    // found in the second directory
        BOOST_TEST(!program_on_path("data"));   // there, but not executable
        BOOST_TEST(!program_on_path("adir"));
        BOOST_TEST(!program_on_path("absent"));
    }
    {
        // Empty entries (leading, doubled, trailing ':') are skipped, not read as ".".
        const ctnn_test::ScopedEnv path("PATH", ("::" + other.string() + ":").c_str());
        const fs::path here = fs::current_path();
        fs::current_path(bin);
        const bool found = program_on_path("tool");
        fs::current_path(here);
        BOOST_TEST(!found);
    }
    {
        const ctnn_test::ScopedEnv path("PATH", nullptr);
        BOOST_TEST(!program_on_path("sh"));
    }
    {
        const ctnn_test::ScopedEnv path("PATH", "/usr/bin:/bin");
        BOOST_TEST(program_on_path("sh"));
    }
}

BOOST_AUTO_TEST_SUITE_END()
