#define BOOST_TEST_MODULE allocation
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#include "ctnn/ctnn.hpp"

// Design promise (sequential.hpp): after the first batch of a given size,
// train_on_batch and predict_on_batch allocate nothing. Every global
// operator new / delete is replaced by a counting version; the Listing 1.3.2
// model (784-256-256-10, Adam, batch 128) is warmed up, then the count must
// not move across further steps.

namespace {
// The helpers are kept out of line so that GCC does not inline free() next to
// a visible `new` and warn (-Wmismatched-new-delete) about a pairing that is,
// here, deliberate.
std::atomic<std::size_t> g_allocations{0};
std::atomic<std::size_t> g_deallocations{0};

[[gnu::noinline]] void* counted_alloc(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    return nullptr;
}
[[gnu::noinline]] void* counted_aligned_alloc(std::size_t n, std::align_val_t al) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    std::size_t a = static_cast<std::size_t>(al);
    if (a < sizeof(void*)) a = sizeof(void*);
    void* p = nullptr;
    if (::posix_memalign(&p, a, n ? n : 1) != 0) return nullptr;
    return p;
}
[[gnu::noinline]] void counted_free(void* p) noexcept {
    if (!p) return;
    g_deallocations.fetch_add(1, std::memory_order_relaxed);
    std::free(p);
}
}  // namespace

// ---- replaceable global allocation functions (all of [new.delete]) ----------
void* operator new(std::size_t n) {
    if (void* p = counted_alloc(n)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
    if (void* p = counted_alloc(n)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new(std::size_t n, std::align_val_t al) {
    if (void* p = counted_aligned_alloc(n, al)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t al) {
    if (void* p = counted_aligned_alloc(n, al)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
    return counted_aligned_alloc(n, al);
}
void* operator new[](std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
    return counted_aligned_alloc(n, al);
}
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_free(p); }

namespace {

using Mlp = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<256>, ctnn::ReLU, ctnn::Dropout, ctnn::Dense<256>, ctnn::ReLU,
                             ctnn::Dropout, ctnn::Dense<10>, ctnn::Softmax>;
constexpr std::size_t batch = 128;

struct Batch {
    std::vector<float> x = std::vector<float>(batch * 784);
    std::vector<float> y = std::vector<float>(batch * 10, 0.0f);
    Batch() {
        ctnn::Generator g(42);
        for (auto& v : x) v = g.uniform(0.0f, 1.0f);
        for (std::size_t r = 0; r < batch; ++r) y[r * 10 + g.below(10)] = 1.0f;
    }
};

std::size_t allocations() { return g_allocations.load(std::memory_order_relaxed); }

}  // namespace

BOOST_AUTO_TEST_SUITE(allocation)

BOOST_AUTO_TEST_CASE(the_counter_counts) {
    // Explicit calls of the allocation functions: a new-expression may be
    // elided (Clang does), a call of ::operator new may not.
    const std::size_t before = allocations();
    void* p = ::operator new(16);
    void* q = ::operator new[](20, std::align_val_t{64});
    void* r = ::operator new(8, std::nothrow);
    BOOST_TEST(allocations() - before == 3u);
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(q) % 64 == 0u);
    ::operator delete(r, std::nothrow);
    ::operator delete[](q, std::align_val_t{64});
    ::operator delete(p, 16);
}

BOOST_AUTO_TEST_CASE(train_on_batch_allocates_nothing_after_warm_up) {
    const Batch b;
    Mlp model;
    model.layer<3>() = ctnn::Dropout(0.45);
    model.layer<6>() = ctnn::Dropout(0.45);
    model.compile(ctnn::categorical_crossentropy, "adam", {"accuracy"});
    // Warm up: buffers sized for this batch, Adam's moments created, the
    // OpenMP thread team started. The first step does allocate: that proves
    // the counter sees the model's allocations.
    const std::size_t first = allocations();
    model.train_on_batch(b.x.data(), b.y.data(), batch);
    BOOST_TEST(allocations() > first);
    model.train_on_batch(b.x.data(), b.y.data(), batch);

    const std::size_t before = allocations();
    double loss = 0.0;
    for (int i = 0; i < 3; ++i) loss += model.train_on_batch(b.x.data(), b.y.data(), batch).loss;
    const std::size_t after = allocations();
    BOOST_TEST(after - before == 0u);
    BOOST_TEST(loss > 0.0);
    BOOST_TEST(model.iterations() == 5);

    // A smaller batch fits in the buffers already there.
    const std::size_t before_small = allocations();
    model.train_on_batch(b.x.data(), b.y.data(), 96);
    BOOST_TEST(allocations() - before_small == 0u);
}

BOOST_AUTO_TEST_CASE(predict_on_batch_allocates_nothing_after_warm_up) {
    const Batch b;
    Mlp model;
    std::vector<float> out(batch * 10);  // preallocated output
    model.predict_on_batch(b.x.data(), batch, out.data());
    model.predict_on_batch(b.x.data(), batch, out.data());

    const std::size_t before = allocations();
    for (int i = 0; i < 3; ++i) model.predict_on_batch(b.x.data(), batch, out.data());
    BOOST_TEST(allocations() - before == 0u);
    float s = 0.0f;
    for (std::size_t j = 0; j < 10; ++j) s += out[j];
    BOOST_TEST(s == 1.0f, boost::test_tools::tolerance(1e-5f));
}

BOOST_AUTO_TEST_CASE(training_then_predicting_allocates_nothing) {
    const Batch b;
    Mlp model;
    model.compile(ctnn::categorical_crossentropy, ctnn::Adam{});
    std::vector<float> out(batch * 10);
    model.train_on_batch(b.x.data(), b.y.data(), batch);
    model.predict_on_batch(b.x.data(), batch, out.data());
    model.train_on_batch(b.x.data(), b.y.data(), batch);
    model.predict_on_batch(b.x.data(), batch, out.data());

    const std::size_t before = allocations();
    for (int i = 0; i < 3; ++i) {
        model.train_on_batch(b.x.data(), b.y.data(), batch);
        model.predict_on_batch(b.x.data(), batch, out.data());
    }
    BOOST_TEST(allocations() - before == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
