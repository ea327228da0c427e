// ctnn::AlignedAllocator and aligned_vector (core/aligned_allocator.hpp): the promised alignment for
// many sizes and element types, use as std::vector's allocator, rebind, and equality (stateless).
#define BOOST_TEST_MODULE core_aligned_allocator
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "ctnn/core/aligned_allocator.hpp"

namespace {

using ctnn::aligned_vector;
using ctnn::AlignedAllocator;

bool aligned_to(const void* p, std::size_t alignment) {
    return reinterpret_cast<std::uintptr_t>(p) % alignment == 0;
}

// An element type with a larger alignment than the default operator new gives.
struct alignas(32) Wide {
    float v[8];
};

// allocate(n) for n = 1 .. 300 (and a few large n): aligned and writable in
// full (ASan checks the extent), then returned with the matching deallocate.
template <class T, std::size_t Alignment>
void check_allocations() {
    AlignedAllocator<T, Alignment> a;
    std::size_t misaligned = 0;
    for (std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, std::size_t{15},
                          std::size_t{16}, std::size_t{17}, std::size_t{63}, std::size_t{64}, std::size_t{65},
                          std::size_t{255}, std::size_t{784}, std::size_t{4097}, std::size_t{200960}}) {
        T* p = a.allocate(n);
        misaligned += !aligned_to(p, Alignment);
        for (std::size_t i = 0; i < n; ++i) ::new (static_cast<void*>(p + i)) T{};
        a.deallocate(p, n);
    }
    // Many live blocks at once, so they are not all the same recycled address.
    std::vector<std::pair<T*, std::size_t>> live;
    for (std::size_t n = 1; n <= 300; ++n) {
        live.emplace_back(a.allocate(n), n);
        misaligned += !aligned_to(live.back().first, Alignment);
    }
    for (auto [p, n] : live) a.deallocate(p, n);
    BOOST_TEST(misaligned == 0u);
}

// ---- compile-time facts -----------------------------------------------------------

static_assert(std::is_same_v<aligned_vector<float>, std::vector<float, AlignedAllocator<float, 64>>>);
static_assert(std::is_same_v<AlignedAllocator<float>, AlignedAllocator<float, 64>>);  // 64 by default
static_assert(std::is_same_v<AlignedAllocator<double>::value_type, double>);
// Rebinding keeps the alignment.
static_assert(std::is_same_v<std::allocator_traits<AlignedAllocator<float>>::rebind_alloc<double>,
                             AlignedAllocator<double, 64>>);
static_assert(std::is_same_v<std::allocator_traits<AlignedAllocator<float, 128>>::rebind_alloc<char>,
                             AlignedAllocator<char, 128>>);
// Stateless: every instance can free what another allocated.
static_assert(std::is_empty_v<AlignedAllocator<float>>);
static_assert(std::allocator_traits<AlignedAllocator<float>>::is_always_equal::value);
// Converting construction between element types (what rebinding needs).
static_assert(std::is_nothrow_constructible_v<AlignedAllocator<double>, const AlignedAllocator<float>&>);

}  // namespace

BOOST_AUTO_TEST_SUITE(aligned_allocator)

BOOST_AUTO_TEST_CASE(allocations_are_64_byte_aligned) {
    check_allocations<char, 64>();
    check_allocations<std::uint8_t, 64>();
    check_allocations<float, 64>();
    check_allocations<double, 64>();
    check_allocations<Wide, 64>();
}

BOOST_AUTO_TEST_CASE(other_power_of_two_alignments) {
    check_allocations<float, 4>();   // alignof(float): the smallest allowed
    check_allocations<float, 32>();
    check_allocations<float, 128>();
    check_allocations<char, 4096>();
    check_allocations<Wide, 32>();
}

BOOST_AUTO_TEST_CASE(a_vector_keeps_its_storage_aligned_as_it_grows) {
    // push_back reallocates many times; each new buffer is aligned and the
    // elements are carried over.
    aligned_vector<float> v;
    std::size_t misaligned = 0, reallocations = 0;
    const float* last = nullptr;
    for (int i = 0; i < 5000; ++i) {
        v.push_back(float(i));
        if (v.data() != last) {
            ++reallocations;
            last = v.data();
            misaligned += !aligned_to(v.data(), 64);
        }
    }
    BOOST_TEST(reallocations > 5u);  // the loop really exercised reallocation
    BOOST_TEST(misaligned == 0u);
    std::size_t wrong = 0;
    for (int i = 0; i < 5000; ++i) wrong += v[std::size_t(i)] != float(i);
    BOOST_TEST(wrong == 0u);

    // Sized, filled, copied, shrunk to fit: all aligned.
    const aligned_vector<std::uint8_t> bytes(784, 7);
    BOOST_TEST(aligned_to(bytes.data(), 64));
    const aligned_vector<std::uint8_t> copy = bytes;
    BOOST_TEST(aligned_to(copy.data(), 64));
    BOOST_TEST(copy == bytes);
    v.resize(3);
    v.shrink_to_fit();
    BOOST_TEST(aligned_to(v.data(), 64));
    BOOST_TEST(v[2] == 2.0f);
}

BOOST_AUTO_TEST_CASE(all_instances_compare_equal) {
    const AlignedAllocator<float> a, b;
    const AlignedAllocator<double> c(a);
    BOOST_TEST((a == b));
    BOOST_TEST(!(a != b));
    BOOST_TEST((a == c));  // across element types, same alignment
    BOOST_TEST((c == a));

    // Memory from one instance is freed through another (ASan would report a
    // mismatch of alignment or allocator otherwise).
    AlignedAllocator<float> x;
    float* p = x.allocate(100);
    const AlignedAllocator<float> y(AlignedAllocator<double>{});
    AlignedAllocator<float>(y).deallocate(p, 100);
}

BOOST_AUTO_TEST_CASE(equal_allocators_let_vectors_move_and_swap_buffers) {
    aligned_vector<double> a(100, 1.5), b(10, -2.0);
    const double* pa = a.data();
    const double* pb = b.data();
    std::swap(a, b);
    BOOST_TEST(a.data() == pb);
    BOOST_TEST(b.data() == pa);
    aligned_vector<double> c;
    c = std::move(b);  // takes the buffer, no copy
    BOOST_TEST(c.data() == pa);
    BOOST_TEST(c.size() == 100u);
    BOOST_TEST(c[99] == 1.5);
}

BOOST_AUTO_TEST_SUITE_END()
