#define BOOST_TEST_MODULE mnist_real
#define BOOST_TEST_NO_MAIN  // main() below skips (exit 77) before any case runs when the data is absent
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <iostream>

#include "ctnn/data/label_counts.hpp"
#include "ctnn/data/mnist.hpp"
#include "ctnn/data/to_categorical.hpp"

// The real MNIST files ($CTNN_MNIST_DIR, else data/mnist, else the source
// tree's data/mnist; scripts/fetch-mnist puts them there). The expected counts
// are the ones the chapter prints.

namespace {

const ctnn::mnist::Data& data() {
    static const ctnn::mnist::Data d = ctnn::mnist::load_data();
    return d;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mnist_real)

BOOST_AUTO_TEST_CASE(shapes_match_keras) {
    const auto& [train, test] = data();
    BOOST_TEST(train.x.rows() == 60000u);
    BOOST_TEST(train.x.size() == 60000u * 28u * 28u);
    BOOST_TEST(train.y.rows() == 60000u);
    BOOST_TEST(test.x.rows() == 10000u);
    BOOST_TEST(test.y.rows() == 10000u);
}

BOOST_AUTO_TEST_CASE(label_counts_are_the_books) {
    const auto& [train, test] = data();
    BOOST_TEST(ctnn::format_label_counts(train.y) ==
               "{0: 5923, 1: 6742, 2: 5958, 3: 6131, 4: 5842, 5: 5421, 6: 5918, 7: 6265, 8: 5851, 9: 5949}");
    BOOST_TEST(ctnn::format_label_counts(test.y) ==
               "{0: 980, 1: 1135, 2: 1032, 3: 1010, 4: 982, 5: 892, 6: 958, 7: 1028, 8: 974, 9: 1009}");
    BOOST_TEST(ctnn::unique_counts(train.y).values.size() == 10u);  // num_labels = len(np.unique(y_train))
}

BOOST_AUTO_TEST_CASE(first_samples_are_the_well_known_ones) {
    const auto& [train, test] = data();
    BOOST_TEST(train.y[0] == 5);  // the famous first "5"
    BOOST_TEST(test.y[0] == 7);
    unsigned max_pixel = 0;
    for (const auto v : train.x.flat()) max_pixel = v > max_pixel ? v : max_pixel;
    BOOST_TEST(max_pixel == 255u);
    BOOST_TEST(train.x(0, 0) == 0);  // corners are background
}

BOOST_AUTO_TEST_CASE(one_hot_of_the_real_labels) {
    const auto y = ctnn::to_categorical<10>(data().train.y);
    BOOST_TEST(y.rows() == 60000u);
    BOOST_TEST(y(0, 5) == 1.0f);
    float total = 0;
    for (const float v : y.flat()) total += v;
    BOOST_TEST(total == 60000.0f);
}

BOOST_AUTO_TEST_SUITE_END()

int main(int argc, char* argv[]) {
    if (!ctnn::mnist::data_available()) {
        std::cout << "SKIPPED: MNIST not found at " << ctnn::mnist::data_dir().string()
                  << " (run scripts/fetch-mnist or set CTNN_MNIST_DIR)" << std::endl;
        return 77;  // ctest's SKIP_RETURN_CODE
    }
    return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
