#define BOOST_TEST_MODULE model_gradient
#include <boost/test/unit_test.hpp>

// Finite-difference gradient checks of the model's fused steps (the method:
// test/support/gradient_check.hpp): the Listing shape, every activation fused
// after a Dense (with and without a Dropout), the fused binary crossentropy
// next to stand-alone and dropped-out Sigmoids, and the optimizer step (SGD
// applies -lr * grad; the update fused into dW equals a separate pass).
// Every model's training plan is also checked, so each case is known to
// exercise the fused / stand-alone step it is named after.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ctnn/model/sequential.hpp"
#include "support/gradient_check.hpp"

namespace tt = boost::test_tools;
using namespace ctnn;
using namespace ctnn_test::gradient_check;

BOOST_AUTO_TEST_SUITE(gradient)

// ---- the Listing shape, scaled down: fused Dense+ReLU+Dropout and Softmax+CCE ------------

BOOST_AUTO_TEST_CASE(listing_shape_with_fused_softmax_crossentropy) {
    using M = Sequential<Input<12>, Dense<8>, ReLU, Dropout, Dense<6>, ReLU, Dropout, Dense<4>, Softmax>;
    BOOST_TEST(M::train_plan<CategoricalCrossentropy>::to_string() ==
               "Dense(12->8)+relu+Dropout | Dense(8->6)+relu+Dropout | Dense(6->4)+softmax | fused "
               "categorical_crossentropy");
    M m;
    m.layer<3>() = Dropout(0.25);
    m.layer<6>() = Dropout(0.25);
    run_case(m, categorical_crossentropy, Target::onehot, 1, 8);
}

// ---- every activation fused after a Dense, with and without a Dropout ---------------------

using FusedActivations = std::tuple<Linear, ReLU, ELU, SELU, Softplus, Sigmoid, Tanh>;

BOOST_AUTO_TEST_CASE_TEMPLATE(activation_fused_after_dense, A, FusedActivations) {
    using M = Sequential<Input<5>, Dense<6>, A, Dense<3>, Softmax>;
    BOOST_TEST(M::plan::size == 2u);  // Dense+A | Dense+softmax
    M m;
    run_case(m, categorical_crossentropy, Target::onehot, 11);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(activation_and_dropout_fused_after_dense, A, FusedActivations) {
    using M = Sequential<Input<5>, Dense<6>, A, Dropout, Dense<3>, Softmax>;
    BOOST_TEST(M::plan::size == 2u);  // Dense+A+Dropout | Dense+softmax
    M m;
    m.template layer<3>() = Dropout(0.3);
    run_case(m, categorical_crossentropy, Target::onehot, 12);
}

BOOST_AUTO_TEST_CASE(elu_with_alpha_0_5_fused_with_dropout) {
    using M = Sequential<Input<5>, Dense<6>, ELU, Dropout, Dense<3>, Softmax>;
    M m;
    m.layer<2>().alpha = 0.5f;
    m.layer<3>() = Dropout(0.3);
    run_case(m, categorical_crossentropy, Target::onehot, 13);
}

// ---- binary crossentropy fused with a Sigmoid that is not the Dense's own ------------------

// Regression: as with the stand-alone Softmax (test/layers/softmax_test.cpp),
// the fused (p - t) / n is dL/dz, which the stand-alone Sigmoid step must not
// multiply by sigmoid'(z) again.
BOOST_AUTO_TEST_CASE(binary_crossentropy_fused_on_a_standalone_sigmoid) {
    // Sigmoid after a Dropout is a stand-alone step; BCE still fuses with it.
    using M = Sequential<Input<5>, Dense<6>, Tanh, Dense<3>, Dropout, Sigmoid>;
    BOOST_TEST(M::train_plan<BinaryCrossentropy>::to_string() ==
               "Dense(5->6)+tanh | Dense(6->3)+Dropout | sigmoid(3) | fused binary_crossentropy");
    M m;
    m.layer<4>() = Dropout(0.2);
    run_case(m, binary_crossentropy, Target::binary, 45);
}

// Regression: Dense -> Sigmoid -> Dropout is one DenseStep whose activation is
// Sigmoid; BCE must not fuse with it, since (p - t) / n ignores the dropout.
BOOST_AUTO_TEST_CASE(binary_crossentropy_sigmoid_then_dropout_at_the_output) {
    // Dropout after the output Sigmoid: the loss sees dropped probabilities,
    // so the (p - t) / n shortcut does not apply.
    using M = Sequential<Input<5>, Dense<6>, Tanh, Dense<3>, Sigmoid, Dropout>;
    M m;
    m.layer<5>() = Dropout(0.2);
    run_case(m, binary_crossentropy, Target::binary, 46);
}
// ---- the SGD step applies exactly -lr * grad ---------------------------------------------------

BOOST_AUTO_TEST_CASE(sgd_step_is_w_minus_lr_grad) {
    using M = Sequential<Input<6>, Dense<5>, ReLU, Dropout, Dense<4>, Tanh, Dense<3>, Softmax>;
    M m;
    m.layer<3>() = Dropout(0.3);
    prepare(m, 71);
    m.layer<4>().kernel_regularizer = L2(0.01f);
    const float lr = 0.05f;
    SGD sgd;
    sgd.learning_rate = lr;
    m.compile(categorical_crossentropy, sgd);
    const Data d = make_data<M>(6, Target::onehot, 72);
    const Evaluation before = m.compute_gradients(d.x.data(), d.y.data(), d.rows);
    std::vector<std::vector<float>> w_old, g;
    for_each_dense<M>([&]<std::size_t I>() {
        const auto& p = m.template params<I>();
        w_old.emplace_back(p.kernel.begin(), p.kernel.end());
        g.emplace_back(p.kernel_grad.begin(), p.kernel_grad.end());
        w_old.emplace_back(p.bias.begin(), p.bias.end());
        g.emplace_back(p.bias_grad.begin(), p.bias_grad.end());
    });
    const Evaluation step = m.train_on_batch(d.x.data(), d.y.data(), d.rows);
    BOOST_TEST(step.loss == before.loss, tt::tolerance(1e-6));  // same step, same mask
    BOOST_TEST(m.iterations() == 1);
    std::size_t t = 0, moved = 0;
    for_each_dense<M>([&]<std::size_t I>() {
        const auto& p = m.template params<I>();
        for (int part = 0; part < 2; ++part, ++t) {
            const auto& w_new = part == 0 ? p.kernel : p.bias;
            for (std::size_t i = 0; i < w_new.size(); ++i) {
                const double want = double(w_old[t][i]) - double(lr) * double(g[t][i]);
                moved += w_new[i] != w_old[t][i];
                BOOST_TEST_CONTEXT("layer " << I << (part ? " bias[" : " kernel[") << i << "]") {
                    BOOST_TEST(std::fabs(double(w_new[i]) - want) <= 1e-6 * std::fabs(want) + 1e-7);
                }
            }
        }
    });
    BOOST_TEST(moved > 0u);
}

// ---- the optimizer fused into the weight-gradient product -----------------------------------
// train_on_batch applies each Dense's update tile by tile inside its dW
// product (and the bias's after its reduction); it must equal a separate
// optimizer pass over the gradients compute_gradients stores, for every
// optimizer variant, with regularizers (whose gradient joins in the tile).
// No dropout here: compute_gradients does not advance the step, so the masks
// of the two models would differ after the first step.

BOOST_AUTO_TEST_CASE(fused_update_matches_a_separate_optimizer_pass) {
    using M = Sequential<Input<7>, Dense<40>, ReLU, Dense<19>, Tanh, Dense<3>, Softmax>;
    SGD momentum;
    momentum.momentum = 0.9f;
    momentum.nesterov = true;
    RMSprop centered;
    centered.centered = true;
    centered.momentum = 0.5f;
    Adam ams;
    ams.amsgrad = true;
    const std::vector<std::pair<std::string, Optimizer>> optimizers = {
        {"sgd", SGD{}}, {"sgd nesterov", momentum}, {"rmsprop", RMSprop{}}, {"rmsprop centered momentum", centered},
        {"adam", Adam{}}, {"adam amsgrad", ams}};
    for (const auto& [name, opt] : optimizers) {
        BOOST_TEST_CONTEXT(name) {
            M fused, separate;
            prepare(fused, 81);
            prepare(separate, 81);
            for (M* m : {&fused, &separate}) {
                m->layer<1>().kernel_regularizer = L1L2(0.01f, 0.02f);
                m->layer<1>().bias_regularizer = L2(0.03f);
                m->layer<3>().kernel_regularizer = L1(0.01f);
                m->compile(categorical_crossentropy, opt);
            }
            Optimizer by_hand = opt;
            for (int s = 0; s < 3; ++s) {
                const Data d = make_data<M>(13, Target::onehot, 82 + std::uint64_t(s));
                const Evaluation ef = fused.train_on_batch(d.x.data(), d.y.data(), d.rows);
                const Evaluation es = separate.compute_gradients(d.x.data(), d.y.data(), d.rows);
                BOOST_TEST(ef.loss == es.loss);
                for_each_dense<M>([&]<std::size_t I>() {
                    auto& p = separate.template params<I>();
                    by_hand.apply(2 * I, p.kernel.data(), p.kernel_grad.data(), p.kernel.size());
                    by_hand.apply(2 * I + 1, p.bias.data(), p.bias_grad.data(), p.bias.size());
                });
                by_hand.finish_step();
                for_each_dense<M>([&]<std::size_t I>() {
                    const auto& f = fused.template params<I>();
                    const auto& h = separate.template params<I>();
                    BOOST_TEST_CONTEXT("step " << s << " layer " << I) {
                        BOOST_TEST(f.kernel_grad == h.kernel_grad, tt::per_element());
                        BOOST_TEST(f.kernel == h.kernel, tt::per_element());
                        BOOST_TEST(f.bias == h.bias, tt::per_element());
                    }
                });
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
