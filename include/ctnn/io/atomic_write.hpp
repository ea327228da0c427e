#pragma once
// ctnn::write_file_atomically — replace a file all at once, or not at all.
//
// Contract: write_file_atomically(path, bytes, who) writes `bytes` to
// `path + ".tmp.<pid>"` in the same directory (so the rename cannot cross a
// file system), fsyncs and closes it, renames it over `path`, then fsyncs
// the directory (best effort). Guarantees: on success `path` holds exactly
// `bytes`; on any failure (open, a short or failed write — a full disk, a
// file-size limit —, fsync, close, rename) the temporary file is removed,
// `path` keeps whatever it held before (byte for byte) and
// std::runtime_error is thrown naming `who`, the file and the OS reason.
// POSIX only (open/write/fsync/rename).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
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

inline std::filesystem::path temp_path_for(const std::filesystem::path& path) {
    std::filesystem::path tmp = path;
    tmp += ".tmp." + std::to_string(static_cast<long long>(::getpid()));
    return tmp;
}

}  // namespace detail

inline void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, std::string_view who) {
    const std::filesystem::path tmp = detail::temp_path_for(path);
    const auto fail = [&](const std::string& what, int err) {
        std::error_code ignored;
        std::filesystem::remove(tmp, ignored);
        throw std::runtime_error(std::string(who) + ": cannot write '" + path.string() + "': " + what +
                                 (err ? std::string(": ") + std::strerror(err) : std::string()) +
                                 " (any previous file is unchanged)");
    };
    detail::FdGuard fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
    if (fd.fd < 0) {
        const int err = errno;
        throw std::runtime_error(std::string(who) + ": cannot write '" + path.string() +
                                 "': cannot create temporary file '" + tmp.string() + "': " + std::strerror(err));
    }
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
