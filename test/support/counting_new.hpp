#pragma once
// Replaces the global operator new / delete with versions that count every
// allocation in ctnn_test::allocations, so a test can check that a call
// allocates nothing. Defines global functions: include it in exactly one
// translation unit of a test executable (each *_test.cpp is one).
#include <atomic>
#include <cstdlib>
#include <new>

namespace ctnn_test {
inline std::atomic<long> allocations{0};
}

[[gnu::noinline]] void* operator new(std::size_t n) {
    ++ctnn_test::allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc{};
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
