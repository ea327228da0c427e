#pragma once
// ctnn_test::GuardedFloats — n floats that end exactly where an inaccessible
// (PROT_NONE) page begins, so reading or writing even one float past the last
// one faults: for kernels that promise never to touch memory past a column.
// POSIX (mmap). Include after <boost/test/unit_test.hpp>.
#include <boost/test/unit_test.hpp>

#include <cstddef>

#include <sys/mman.h>
#include <unistd.h>

namespace ctnn_test {

class GuardedFloats {
public:
    explicit GuardedFloats(std::size_t n) : n_(n) {
        const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
        const std::size_t data_bytes = (n * sizeof(float) + page - 1) / page * page;
        bytes_ = data_bytes + page;
        base_ = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        BOOST_TEST_REQUIRE((base_ != MAP_FAILED), "mmap of " << bytes_ << " bytes");
        char* guard = static_cast<char*>(base_) + data_bytes;
        BOOST_TEST_REQUIRE(::mprotect(guard, page, PROT_NONE) == 0, "mprotect of the guard page");
        data_ = reinterpret_cast<float*>(guard) - n;
    }
    ~GuardedFloats() { ::munmap(base_, bytes_); }
    GuardedFloats(const GuardedFloats&) = delete;
    GuardedFloats& operator=(const GuardedFloats&) = delete;

    float* data() noexcept { return data_; }
    std::size_t size() const noexcept { return n_; }
    float& operator[](std::size_t i) noexcept { return data_[i]; }

private:
    std::size_t n_;
    std::size_t bytes_ = 0;
    void* base_ = nullptr;
    float* data_ = nullptr;
};

}  // namespace ctnn_test
