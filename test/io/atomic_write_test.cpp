// ctnn::write_file_atomically: exact bytes, replaced by a rename; every failure names
// who and the file and leaves the old file byte for byte and no temporary behind.
#define BOOST_TEST_MODULE io_atomic_write
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include <grp.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctnn/io/atomic_write.hpp"
#include "support/error_message.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using ctnn_test::names_in;
using ctnn_test::read_string;
using ctnn_test::TempDir;
using ctnn_test::write_string;

namespace {

using ctnn_test::contains;
using ctnn_test::quoted;

constexpr const char* who = "test_who";

std::string error_of(const fs::path& path, const std::string& bytes) {
    return ctnn_test::message_of<std::runtime_error>([&] { ctnn::write_file_atomically(path, bytes, who); });
}


// Every byte value, NULs and newlines included, in an order that is not sorted.
std::string all_bytes(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 167 + 13) % 256);
    return s;
}

// Runs f() (which returns a string) in a forked child and returns that string,
// sent back through a pipe: for process-wide settings (a file-size limit,
// another user id) that must not outlive the check.
template <class F>
std::string in_child(F f) {
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    BOOST_TEST_REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        std::string out;
        try {
            out = f();
        } catch (const std::exception& e) {
            out = std::string("child threw: ") + e.what();
        }
        for (std::size_t done = 0; done < out.size();) {
            const ::ssize_t n = ::write(fds[1], out.data() + done, out.size() - done);
            if (n <= 0) ::_exit(3);
            done += static_cast<std::size_t>(n);
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string out;
    char buf[256];
    for (::ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        BOOST_TEST_REQUIRE(n > 0);
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    BOOST_TEST_REQUIRE(::waitpid(pid, &status, 0) == pid);
    BOOST_TEST_REQUIRE(WIFEXITED(status));
    BOOST_TEST_REQUIRE(WEXITSTATUS(status) == 0);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_file_holds_exactly_the_bytes_and_nothing_else_is_left) {
    TempDir t;
    const fs::path file = t.path / "out.bin";

    const std::string first = all_bytes(5000);
    ctnn::write_file_atomically(file, first, who);
    BOOST_TEST((read_string(file) == first));

    // Shorter bytes over a longer file: no tail of the old one survives.
    const std::string second = all_bytes(7).substr(3);
    ctnn::write_file_atomically(file, second, who);
    BOOST_TEST((read_string(file) == second));

    ctnn::write_file_atomically(file, "", who);
    BOOST_TEST(fs::file_size(file) == 0u);

    BOOST_TEST((names_in(t.path) == std::set<std::string>{"out.bin"}));
}

BOOST_AUTO_TEST_CASE(taken_temporary_names_are_skipped_never_written_or_removed) {
    // The temporary is "<path>.tmp.<pid>.<n>", created exclusively. Files left
    // at the next two names by an earlier process with this pid (one a file,
    // one a directory) are not ours: both stay as they are, and the write
    // goes through a third name.
    TempDir t;
    const fs::path file = t.path / "out.bin";
    write_string(file, "old");
    const std::uint64_t n = ctnn::detail::next_temp_index.load();
    const std::string stale = "out.bin.tmp." + std::to_string(::getpid()) + "." + std::to_string(n);
    const std::string stale_dir = "out.bin.tmp." + std::to_string(::getpid()) + "." + std::to_string(n + 1);
    write_string(t.path / stale, std::string(3000, 'x'));
    fs::create_directory(t.path / stale_dir);
    ctnn::write_file_atomically(file, "new", who);
    BOOST_TEST(read_string(file) == "new");
    BOOST_TEST(read_string(t.path / stale) == std::string(3000, 'x'));
    BOOST_TEST(fs::is_directory(t.path / stale_dir));
    BOOST_TEST((names_in(t.path) == std::set<std::string>{"out.bin", stale, stale_dir}));
}

BOOST_AUTO_TEST_CASE(one_hundred_taken_names_in_a_row_fail_before_touching_the_file) {
    TempDir t;
    const fs::path file = t.path / "out.bin";
    write_string(file, "old");
    const std::uint64_t n = ctnn::detail::next_temp_index.load();
    std::set<std::string> names{"out.bin"};
    for (std::uint64_t i = n; i < n + 100; ++i) {
        const std::string taken = "out.bin.tmp." + std::to_string(::getpid()) + "." + std::to_string(i);
        fs::create_directory(t.path / taken);
        names.insert(taken);
    }
    const std::string msg = error_of(file, "new");
    BOOST_TEST(contains(msg, who), msg);
    BOOST_TEST(contains(msg, quoted(file)), msg);
    BOOST_TEST(contains(msg, std::strerror(EEXIST)), msg);
    BOOST_TEST(contains(msg, "100 temporary names in a row were taken"), msg);
    BOOST_TEST(read_string(file) == "old");
    BOOST_TEST((names_in(t.path) == names));
}

BOOST_AUTO_TEST_CASE(threads_writing_one_path_at_once_never_share_a_temporary) {
    // Two threads replace the same file 100 times each with 256 KiB of their
    // own byte: every call succeeds, the file always holds one thread's bytes
    // whole, and no temporary is left.
    TempDir t;
    const fs::path file = t.path / "out.bin";
    const std::string a(256 * 1024, 'A'), b(256 * 1024, 'B');
    std::atomic<int> failures{0}, torn{0};
    auto writer = [&](const std::string& bytes) {
        for (int round = 0; round < 100; ++round) {
            try {
                ctnn::write_file_atomically(file, bytes, who);
            } catch (const std::exception&) {
                ++failures;
            }
            const std::string now = read_string(file);
            if (now != a && now != b) ++torn;
        }
    };
    std::thread ta(writer, std::cref(a)), tb(writer, std::cref(b));
    ta.join();
    tb.join();
    BOOST_TEST(failures.load() == 0);
    BOOST_TEST(torn.load() == 0);
    BOOST_TEST((names_in(t.path) == std::set<std::string>{"out.bin"}));
}

BOOST_AUTO_TEST_CASE(the_file_is_replaced_by_a_rename_never_written_in_place) {
    // Whoever holds the old file — a reader that opened it, a hard link — still
    // sees all of the old bytes; whoever opens the path afterwards, all of the
    // new ones. Writing into the file itself would show them new or cut bytes.
    TempDir t;
    const fs::path file = t.path / "model.bin";
    const std::string old_bytes = all_bytes(4096), new_bytes(1000, 'n');
    ctnn::write_file_atomically(file, old_bytes, who);
    fs::create_hard_link(file, t.path / "link");
    std::ifstream reader(file, std::ios::binary);
    BOOST_TEST_REQUIRE(reader.is_open());

    ctnn::write_file_atomically(file, new_bytes, who);
    const std::string seen{std::istreambuf_iterator<char>(reader), std::istreambuf_iterator<char>()};
    BOOST_TEST((seen == old_bytes));
    BOOST_TEST((read_string(t.path / "link") == old_bytes));
    BOOST_TEST((read_string(file) == new_bytes));
    BOOST_TEST((names_in(t.path) == std::set<std::string>{"link", "model.bin"}));
}

BOOST_AUTO_TEST_CASE(a_write_failing_part_way_keeps_the_old_file_and_removes_the_temporary) {
    TempDir t;
    const fs::path file = t.path / "model.bin";
    const std::string old_bytes = all_bytes(700);
    write_string(file, old_bytes);

    // A child with a 300-byte file-size limit: the write stops at 300 of 1000
    // bytes (EFBIG; SIGXFSZ ignored so it is an error, not a kill).
    const std::string msg = in_child([&] {
        std::signal(SIGXFSZ, SIG_IGN);
        const rlimit lim{300, 300};
        if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) return std::string("setrlimit failed");
        const std::string m = error_of(file, std::string(1000, 'z'));
        return m.empty() ? std::string("no exception: the limit did not bite") : m;
    });
    BOOST_TEST(contains(msg, who), msg);
    BOOST_TEST(contains(msg, quoted(file)), msg);
    BOOST_TEST(contains(msg, "write failed"), msg);
    BOOST_TEST(contains(msg, std::strerror(EFBIG)), msg);  // the OS reason
    BOOST_TEST((read_string(file) == old_bytes));
    BOOST_TEST((names_in(t.path) == std::set<std::string>{"model.bin"}));  // the temporary is gone
}

BOOST_AUTO_TEST_CASE(a_failed_rename_keeps_what_was_there_and_removes_the_temporary) {
    // The path is a non-empty directory: the temporary is written, the rename
    // over the directory fails.
    TempDir t;
    const fs::path target = t.path / "taken";
    write_string(target / "inside.txt", "keep me");
    const std::string msg = error_of(target, "bytes");
    BOOST_TEST(contains(msg, who), msg);
    BOOST_TEST(contains(msg, quoted(target)), msg);
    BOOST_TEST(contains(msg, "rename"), msg);
    BOOST_TEST(fs::is_directory(target));
    BOOST_TEST(read_string(target / "inside.txt") == "keep me");
    BOOST_TEST((names_in(target) == std::set<std::string>{"inside.txt"}));
    BOOST_TEST((names_in(t.path) == std::set<std::string>{"taken"}));
}

BOOST_AUTO_TEST_CASE(a_missing_directory_is_an_error_naming_the_file) {
    TempDir t;
    const fs::path file = t.path / "no" / "such" / "dir.bin";
    const std::string msg = error_of(file, "bytes");
    BOOST_TEST(contains(msg, who), msg);
    BOOST_TEST(contains(msg, quoted(file)), msg);
    BOOST_TEST(contains(msg, std::strerror(ENOENT)), msg);
    BOOST_TEST(names_in(t.path).empty());  // no directory was created
}

BOOST_AUTO_TEST_CASE(an_unwritable_directory_is_an_error_and_keeps_the_old_file) {
    TempDir t;
    const fs::path dir = t.path / "ro", file = dir / "model.bin";
    write_string(file, "old bytes");
    // Read and search for all (another user must reach `dir`), writable by none.
    fs::permissions(t.path, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                             fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    struct Restore {  // so that TempDir can remove the directory's contents
        fs::path dir;
        ~Restore() {
            std::error_code ignored;
            fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add, ignored);
        }
    } restore{dir};

    // Root writes anywhere: then the child runs as nobody (65534).
    const std::string msg = in_child([&] {
        if (::geteuid() == 0 && (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0))
            return std::string("cannot drop root");
        return error_of(file, "new bytes");
    });
    if (msg == "cannot drop root") {
        BOOST_WARN_MESSAGE(false, "running as root without CAP_SETUID: an unwritable directory cannot be tested");
        return;
    }
    BOOST_TEST(contains(msg, who), msg);
    BOOST_TEST(contains(msg, quoted(file)), msg);
    BOOST_TEST(contains(msg, std::strerror(EACCES)), msg);
    BOOST_TEST(read_string(file) == "old bytes");
    BOOST_TEST((names_in(dir) == std::set<std::string>{"model.bin"}));
}

BOOST_AUTO_TEST_CASE(a_bare_file_name_is_written_in_the_current_directory) {
    // No parent in the path: the temporary and the directory sync use ".".
    TempDir t;
    const fs::path before = fs::current_path();
    fs::current_path(t.path);
    struct Back {
        fs::path dir;
        ~Back() {
            std::error_code ignored;
            fs::current_path(dir, ignored);
        }
    } back{before};
    ctnn::write_file_atomically("plain.bin", "plain bytes", who);
    BOOST_TEST(read_string(t.path / "plain.bin") == "plain bytes");
    BOOST_TEST((names_in(t.path) == std::set<std::string>{"plain.bin"}));
}

namespace {
// The permission bits (rwx for user, group, others) of a file.
::mode_t mode_of(const fs::path& p) {
    struct stat st {};
    BOOST_TEST_REQUIRE(::stat(p.c_str(), &st) == 0, "stat " << p);
    return st.st_mode & 0777;
}
// Sets the process's umask for one scope.
struct ScopedUmask {
    ::mode_t old;
    explicit ScopedUmask(::mode_t m) : old(::umask(m)) {}
    ~ScopedUmask() { ::umask(old); }
};
}  // namespace

BOOST_AUTO_TEST_CASE(a_replaced_file_keeps_its_permissions_and_a_new_one_gets_the_umask_default) {
    // A private weight file must not become world-readable on the next save.
    TempDir t;
    const ScopedUmask umask(022);  // the usual default, which would give 0644
    for (const ::mode_t mode : {::mode_t{0600}, ::mode_t{0640}, ::mode_t{0604}, ::mode_t{0755}}) {
        const fs::path file = t.path / ("mode-" + std::to_string(mode) + ".bin");
        write_string(file, "old bytes");
        BOOST_TEST_REQUIRE(::chmod(file.c_str(), mode) == 0);
        ctnn::write_file_atomically(file, "new bytes", who);
        BOOST_TEST(read_string(file) == "new bytes");
        BOOST_TEST(mode_of(file) == mode, std::oct << "0" << mode << " became 0" << mode_of(file));
    }

    // No file before: 0666 & ~umask, as open(2) gives any new file.
    ctnn::write_file_atomically(t.path / "new-022.bin", "bytes", who);
    BOOST_TEST(mode_of(t.path / "new-022.bin") == ::mode_t{0644});
    {
        const ScopedUmask strict(077);
        ctnn::write_file_atomically(t.path / "new-077.bin", "bytes", who);
    }
    BOOST_TEST(mode_of(t.path / "new-077.bin") == ::mode_t{0600});
}
