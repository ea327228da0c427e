#pragma once
// ctnn::write_file_atomically — replace a file all at once, or not at all.
//
// Contract: write_file_atomically(path, bytes, who) writes `bytes` to a new
// temporary file `path + ".tmp.<pid>.<n>"` in the same directory (so the
// rename cannot cross a file system), fsyncs and closes it, renames it over
// `path`, then fsyncs the directory (best effort). <n> counts the calls of
// the process, and the temporary is created exclusively (O_EXCL): two
// threads writing the same path never share a temporary, and a name that is
// taken (a file left by a crashed process with the same pid) is skipped, never
// written or removed; after 100 taken names the call fails.
// Guarantees: on success `path` holds exactly `bytes` (when several threads
// write one path at once, the bytes of one of them); on any failure (open, a
// short or failed write — a full disk, a file-size limit —, fsync, close,
// rename) the temporary file is removed, `path` keeps whatever it held before
// (byte for byte) and std::runtime_error is thrown naming `who`, the file and
// the OS reason. Permissions: a replaced file keeps its permission bits (rwx
// for user, group, others; the temporary is fchmod'ed to them before the
// rename), so a private 0600 file stays private; a new file gets
// 0666 & ~umask. Thread-safe. POSIX only (open/write/fsync/rename).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace ctnn {

namespace detail {

// Closes a descriptor on scope exit unless released.
struct FdGuard {
    int fd = -1;
    FdGuard(const FdGuard&) = delete;
    FdGuard& operator=(const FdGuard&) = delete;
    explicit FdGuard(int f) noexcept : fd(f) {}
    ~FdGuard() {
        if (fd >= 0) ::close(fd);
    }
    int release() noexcept {
        const int f = fd;
        fd = -1;
        return f;
    }
};

// The <n> of the next temporary name; process-wide, so no two calls share one.
inline std::atomic<std::uint64_t> next_temp_index{0};
inline constexpr int temp_name_attempts = 100;

inline std::filesystem::path temp_path_for(const std::filesystem::path& path, std::uint64_t index) {
    std::filesystem::path tmp = path;
    tmp += ".tmp." + std::to_string(static_cast<long long>(::getpid())) + "." + std::to_string(index);
    return tmp;
}

// A temporary name beside `path` for a program that writes the file itself
// (gnuplot, Graphviz's dot) before it is renamed into place: unique per call
// in the process, as write_file_atomically's are.
inline std::filesystem::path unique_temp_path(const std::filesystem::path& path) {
    return temp_path_for(path, next_temp_index.fetch_add(1, std::memory_order_relaxed));
}

}  // namespace detail

inline void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, std::string_view who) {
    std::filesystem::path tmp;
    int opened = -1;
    for (int attempt = 0; attempt < detail::temp_name_attempts && opened < 0; ++attempt) {
        tmp = detail::unique_temp_path(path);
        opened = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (opened < 0 && errno != EEXIST) break;
    }
    if (opened < 0) {
        const int err = errno;
        throw std::runtime_error(std::string(who) + ": cannot write '" + path.string() +
                                 "': cannot create temporary file '" + tmp.string() + "': " + std::strerror(err) +
                                 (err == EEXIST ? " (" + std::to_string(detail::temp_name_attempts) +
                                                      " temporary names in a row were taken)"
                                                : std::string()));
    }
    detail::FdGuard fd(opened);
    const auto fail = [&](const std::string& what, int err) {
        std::error_code ignored;
        std::filesystem::remove(tmp, ignored);
        throw std::runtime_error(std::string(who) + ": cannot write '" + path.string() + "': " + what +
                                 (err ? std::string(": ") + std::strerror(err) : std::string()) +
                                 " (any previous file is unchanged)");
    };
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ::ssize_t n = ::write(fd.fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            fail("write failed after " + std::to_string(done) + " of " + std::to_string(bytes.size()) + " bytes", err);
        }
        if (n == 0) fail("write made no progress after " + std::to_string(done) + " bytes", 0);
        done += static_cast<std::size_t>(n);
    }
    // The rename replaces the old inode, and with it its mode: carry the old
    // permission bits over, or a restricted file would become world-readable.
    // (No set-id bits: they are not the user's restriction to keep.)
    struct stat old_stat {};
    if (::stat(path.c_str(), &old_stat) == 0 && S_ISREG(old_stat.st_mode) &&
        ::fchmod(fd.fd, old_stat.st_mode & 0777) != 0)
        fail("cannot give the temporary file the permissions of the file it replaces", errno);
    if (::fsync(fd.fd) != 0) fail("fsync failed", errno);
    if (::close(fd.release()) != 0) fail("close failed", errno);
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) fail("cannot rename '" + tmp.string() + "' into place: " + ec.message(), 0);
    // Make the rename itself durable; a failure here cannot undo it, so ignore it.
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    detail::FdGuard dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dfd.fd >= 0) (void)::fsync(dfd.fd);
}

}  // namespace ctnn
