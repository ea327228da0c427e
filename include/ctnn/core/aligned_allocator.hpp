#pragma once
// ctnn::AlignedAllocator — 64-byte aligned storage for std::vector.
//
// Contract: allocations are aligned to `Alignment` bytes (a power of two, at
// least alignof(T)), so vector loads of a row start never split a cache line.
#include <cstddef>
#include <new>
#include <vector>

namespace ctnn {

template <class T, std::size_t Alignment = 64>
struct AlignedAllocator {
    static_assert((Alignment & (Alignment - 1)) == 0 && Alignment >= alignof(T));
    using value_type = T;
    template <class U>
    struct rebind { using other = AlignedAllocator<U, Alignment>; };

    AlignedAllocator() noexcept = default;
    template <class U>
    AlignedAllocator(const AlignedAllocator<U, Alignment>&) noexcept {}

    T* allocate(std::size_t n) {
        return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{Alignment}));
    }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, std::align_val_t{Alignment}); }

    template <class U>
    bool operator==(const AlignedAllocator<U, Alignment>&) const noexcept { return true; }
};

template <class T>
using aligned_vector = std::vector<T, AlignedAllocator<T>>;

}  // namespace ctnn
