#pragma once
// Replaces the global operator new / delete with versions that count every
// allocation in ctnn_test::allocations and keep the largest single request in
// ctnn_test::largest_allocation, so a test can check that a call allocates
// nothing, or nothing sized from a file's header. Requests over 1 GiB are
// refused (std::bad_alloc), so such a regression fails the test instead of
// exhausting the machine. Defines global functions: include it in exactly one
// translation unit of a test executable (each *_test.cpp is one).
#include <atomic>
#include <cstdlib>
#include <new>

namespace ctnn_test {
inline std::atomic<long> allocations{0};
inline std::atomic<std::size_t> largest_allocation{0};
inline constexpr std::size_t allocation_limit = std::size_t{1} << 30;
}  // namespace ctnn_test

[[gnu::noinline]] void* operator new(std::size_t n) {
    ++ctnn_test::allocations;
    std::size_t seen = ctnn_test::largest_allocation.load();
    while (n > seen && !ctnn_test::largest_allocation.compare_exchange_weak(seen, n)) {
    }
    if (n <= ctnn_test::allocation_limit)
        if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc{};
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
