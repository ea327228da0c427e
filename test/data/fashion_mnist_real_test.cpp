#define BOOST_TEST_MODULE fashion_mnist_real
#define BOOST_TEST_NO_MAIN  // main() below skips (exit 77) before any case runs when the data is absent
#include <boost/test/unit_test.hpp>

#include <iostream>

#include "ctnn/data/fashion_mnist.hpp"
#include "ctnn/data/label_counts.hpp"

// The real Fashion-MNIST ($CTNN_FASHION_MNIST_DIR, else Debian's
// /usr/share/datasets/fashion-mnist from the dataset-fashion-mnist package).

namespace {

const ctnn::fashion_mnist::Data& data() {
    static const ctnn::fashion_mnist::Data d = ctnn::fashion_mnist::load_data();
    return d;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fashion_mnist_real)

BOOST_AUTO_TEST_CASE(shapes_match_keras) {
    const auto& [train, test] = data();
    BOOST_TEST(train.x.rows() == 60000u);
    BOOST_TEST(train.y.rows() == 60000u);
    BOOST_TEST(test.x.rows() == 10000u);
    BOOST_TEST(test.y.rows() == 10000u);
}

BOOST_AUTO_TEST_CASE(classes_are_balanced) {
    const auto& [train, test] = data();
    BOOST_TEST(ctnn::format_label_counts(train.y) ==
               "{0: 6000, 1: 6000, 2: 6000, 3: 6000, 4: 6000, 5: 6000, 6: 6000, 7: 6000, 8: 6000, 9: 6000}");
    BOOST_TEST(ctnn::format_label_counts(test.y) ==
               "{0: 1000, 1: 1000, 2: 1000, 3: 1000, 4: 1000, 5: 1000, 6: 1000, 7: 1000, 8: 1000, 9: 1000}");
}

BOOST_AUTO_TEST_CASE(first_samples_are_ankle_boots) {
    const auto& [train, test] = data();
    BOOST_TEST(ctnn::fashion_mnist::class_names[train.y[0]] == "Ankle boot");
    BOOST_TEST(ctnn::fashion_mnist::class_names[test.y[0]] == "Ankle boot");
}

BOOST_AUTO_TEST_SUITE_END()

int main(int argc, char* argv[]) {
    if (!ctnn::fashion_mnist::data_available()) {
        std::cout << "SKIPPED: Fashion-MNIST not found at " << ctnn::fashion_mnist::data_dir().string()
                  << " (apt-get install dataset-fashion-mnist, or set CTNN_FASHION_MNIST_DIR)" << std::endl;
        return 77;  // ctest's SKIP_RETURN_CODE
    }
    return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
