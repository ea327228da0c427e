// ctnn::kernels::transpose against the definition dst[j][i] = src[i][j], on
// shapes around its 16 x 16 tile (1, 10, 15, 16, 17, 33, 48, 256, 784: whole
// tiles, which AVX-512 builds transpose in registers, next to ragged ones) and
// the Listing model's kernels (784 x 256, 256 x 256, 256 x 10).
#define BOOST_TEST_MODULE transpose
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <vector>

#include "ctnn/kernels/transpose.hpp"

namespace {

template <std::size_t R, std::size_t C>
void check() {
    std::vector<float> src(R * C), dst(R * C, -1.0f);
    for (std::size_t k = 0; k < src.size(); ++k) src[k] = float(k) * 0.5f + 1.0f;  // all distinct
    ctnn::kernels::transpose<R, C>(src.data(), dst.data());
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < R; ++i)
        for (std::size_t j = 0; j < C; ++j) wrong += dst[j * R + i] != src[i * C + j];
    BOOST_TEST_INFO(R << " x " << C);
    BOOST_TEST(wrong == 0u);
}

}  // namespace

BOOST_AUTO_TEST_CASE(small_and_ragged_shapes) {
    check<1, 1>();
    check<1, 17>();
    check<17, 1>();
    check<10, 15>();
    check<16, 16>();
    check<17, 33>();
    check<33, 16>();
    check<32, 48>();
    check<48, 33>();
    check<33, 48>();
}

BOOST_AUTO_TEST_CASE(listing_model_kernels) {
    check<784, 256>();
    check<256, 256>();
    check<256, 10>();
}
