#define BOOST_TEST_MODULE train_optimizer
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>

// ctnn::Optimizer (train/optimizer.hpp): choice by Keras name and its defaults, one slot per
// tensor, prepare() by ranges, parallel apply(), reset(), and reading / restoring its state.

#include <array>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "ctnn/train/optimizer.hpp"
#include "support/optimizer_steps.hpp"

using namespace ctnn_test::optimizer_steps;

BOOST_AUTO_TEST_SUITE(optimizer)

BOOST_AUTO_TEST_CASE(slots_are_independent_per_tensor) {
    // Two tensors through one Adam: each must see only its own moments.
    ctnn::Optimizer opt{ctnn::Adam{}};
    std::array<float, n> a, b;
    for (std::size_t i = 0; i < n; ++i) a[i] = b[i] = static_cast<float>(w0[i]);
    for (std::size_t s = 0; s < 3; ++s) {
        std::array<float, n> g, zero{};
        for (std::size_t i = 0; i < n; ++i) g[i] = static_cast<float>(grads[s][i]);
        opt.apply(0, a.data(), g.data(), n);
        opt.apply(1, b.data(), zero.data(), n);
        opt.finish_step();
    }
    const auto want = adam_ref(0.001, 0.9, 0.999, 1e-7, false, false);
    for (std::size_t i = 0; i < n; ++i) {
        BOOST_TEST(std::fabs((double(a[i]) - w0[i]) - (want[2][i] - w0[i])) <= 1e-4 * std::fabs(want[2][i] - w0[i]) + 2e-7);
        BOOST_TEST(double(b[i]) == w0[i]);  // zero gradient, zero moments: no step
    }
}

BOOST_AUTO_TEST_CASE(names_give_keras_defaults) {
    {
        const ctnn::Optimizer o("adam");
        BOOST_TEST(std::string(o.name()) == "Adam");
        const auto& a = std::get<ctnn::Adam>(o.config());
        BOOST_TEST(a.learning_rate == 0.001f);
        BOOST_TEST(a.beta_1 == 0.9f);
        BOOST_TEST(a.beta_2 == 0.999f);
        BOOST_TEST(a.epsilon == 1e-7f);
        BOOST_TEST(!a.amsgrad);
        BOOST_TEST(a.decay == 0.0f);
    }
    {
        const ctnn::Optimizer o("sgd");
        BOOST_TEST(std::string(o.name()) == "SGD");
        const auto& s = std::get<ctnn::SGD>(o.config());
        BOOST_TEST(s.learning_rate == 0.01f);
        BOOST_TEST(s.momentum == 0.0f);
        BOOST_TEST(!s.nesterov);
        BOOST_TEST(s.decay == 0.0f);
    }
    {
        const ctnn::Optimizer o(std::string("rmsprop"));
        BOOST_TEST(std::string(o.name()) == "RMSprop");
        const auto& r = std::get<ctnn::RMSprop>(o.config());
        BOOST_TEST(r.learning_rate == 0.001f);
        BOOST_TEST(r.rho == 0.9f);
        BOOST_TEST(r.momentum == 0.0f);
        BOOST_TEST(r.epsilon == 1e-7f);
        BOOST_TEST(!r.centered);
    }
    // The default-constructed Optimizer is Keras' compile() default, Adam.
    BOOST_TEST(std::string(ctnn::Optimizer{}.name()) == "Adam");
    // And the string-built ones behave as the structs do.
    check(run(ctnn::Optimizer("sgd")), sgd_ref(0.01, 0.0, false, 0.0));
    check(run(ctnn::Optimizer("rmsprop")), rmsprop_ref(0.001, 0.9, 0.0, 1e-7, false, false));
    check(run(ctnn::Optimizer("adam")), adam_ref(0.001, 0.9, 0.999, 1e-7, false, false));
}

using keras_optimizers = boost::mpl::list<ctnn::SGD, ctnn::RMSprop, ctnn::Adam>;

BOOST_AUTO_TEST_CASE_TEMPLATE(negative_learning_rate_or_decay_throws_naming_the_optimizer, O, keras_optimizers) {
    // Keras' OptimizerV2 raises ValueError for either; a negative decay would
    // make lr / (1 + decay * it) infinite at some step.
    O bad_decay;
    bad_decay.decay = -0.5f;
    BOOST_CHECK_EXCEPTION(ctnn::Optimizer{bad_decay}, std::invalid_argument, [](const std::invalid_argument& e) {
        return std::string(e.what()) == std::string("ctnn::") + O::name + ": decay must be >= 0, got -0.500000";
    });
    O bad_lr;
    bad_lr.learning_rate = -0.001f;
    BOOST_CHECK_THROW(ctnn::Optimizer{bad_lr}, std::invalid_argument);
    O zero;
    zero.learning_rate = 0.0f;
    BOOST_CHECK_NO_THROW(ctnn::Optimizer{zero});
}

BOOST_AUTO_TEST_CASE(unknown_name_throws_naming_it) {
    try {
        ctnn::Optimizer o("adagrad_typo");
        BOOST_FAIL("no exception for an unknown optimizer name");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("adagrad_typo") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(prepare_updates_range_by_range_and_apply_splits_large_tensors) {
    // prepare(): one step's update applied as [1, n) and then [0, 1) follows the hand rule.
    {
        ctnn::Optimizer opt{ctnn::Adam{}};
        std::array<float, n> w;
        for (std::size_t i = 0; i < n; ++i) w[i] = static_cast<float>(w0[i]);
        std::array<std::array<float, n>, 3> got{};
        for (std::size_t s = 0; s < 3; ++s) {
            std::array<float, n> g;
            for (std::size_t i = 0; i < n; ++i) g[i] = static_cast<float>(grads[s][i]);
            const ctnn::Optimizer::TensorUpdate update = opt.prepare(0, n);
            update(1, n - 1, w.data() + 1, g.data() + 1);
            update(0, 1, w.data(), g.data());
            opt.finish_step();
            got[s] = w;
        }
        check(got, adam_ref(0.001, 0.9, 0.999, 1e-7, false, false));
    }
    // apply() above 32,768 elements splits the tensor between threads: every
    // element, in whichever share it falls, follows the hand rule. Element i
    // starts at w0[i % n] with gradients grads[.][i % n]; 40,003 is not a
    // multiple of the 16-element shares.
    {
        constexpr std::size_t big = 40003;
        ctnn::Optimizer opt{ctnn::Adam{.amsgrad = true}};
        std::vector<float> w(big), g(big);
        for (std::size_t i = 0; i < big; ++i) w[i] = static_cast<float>(w0[i % n]);
        const auto want = adam_ref(0.001, 0.9, 0.999, 1e-7, true, false);
        for (std::size_t s = 0; s < 3; ++s) {
            for (std::size_t i = 0; i < big; ++i) g[i] = static_cast<float>(grads[s][i % n]);
            opt.apply(0, w.data(), g.data(), big);
            opt.finish_step();
            std::size_t wrong = 0, first = big;
            for (std::size_t i = 0; i < big; ++i) {
                const double dg = double(w[i]) - w0[i % n], dw = want[s][i % n] - w0[i % n];
                if (!(std::fabs(dg - dw) <= 1e-4 * std::fabs(dw) + 2e-7)) {
                    if (wrong++ == 0) first = i;
                }
            }
            BOOST_TEST(wrong == 0u, "step " << s + 1 << ": " << wrong << " elements off the rule, first " << first);
        }
    }
}

BOOST_AUTO_TEST_CASE(reset_forgets_the_state_and_set_learning_rate_changes_the_next_step) {
    ctnn::Optimizer opt{ctnn::SGD{.momentum = 0.9f}};
    float w = 1.0f;
    const float g = 1.0f;
    opt.apply(0, &w, &g, 1);  // v = -0.01, w = 0.99
    opt.finish_step();
    BOOST_TEST(double(w) == 0.99, boost::test_tools::tolerance(1e-6));
    opt.reset();
    BOOST_TEST(opt.iterations() == 0);
    BOOST_TEST(opt.slot_count() == 0u);
    opt.set_learning_rate(0.1f);
    BOOST_TEST(opt.learning_rate() == 0.1f);
    BOOST_TEST(std::get<ctnn::SGD>(opt.config()).learning_rate == 0.1f);
    BOOST_TEST(std::get<ctnn::SGD>(opt.config()).momentum == 0.9f);  // the rest of the config stays
    // Fresh velocity: v = -0.1, w = 0.99 - 0.1 = 0.89 (the old one would give 0.99 - 0.009 - 0.1 = 0.881).
    opt.apply(0, &w, &g, 1);
    BOOST_TEST(double(w) == 0.89, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(slot_state_reads_the_moments_and_restore_state_resumes_from_them) {
    // Two Adam steps on slot 1 (slot 0 never used). By hand, per element:
    //   m2 = b1 (1 - b1) g1 + (1 - b1) g2,  v2 = b2 (1 - b2) g1^2 + (1 - b2) g2^2
    // with b1 = 0.9, b2 = 0.999 as the floats the library holds (1 - 0.999f is
    // 0.00099998712.., 1.3e-5 below 0.001: more than the tolerance).
    const double b1 = double(0.9f), b2 = double(0.999f);
    Vec m2, v2;
    for (std::size_t i = 0; i < n; ++i) {
        m2[i] = b1 * ((1 - b1) * grads[0][i]) + (1 - b1) * grads[1][i];
        v2[i] = b2 * ((1 - b2) * grads[0][i] * grads[0][i]) + (1 - b2) * grads[1][i] * grads[1][i];
    }
    {
        ctnn::Optimizer opt{ctnn::Adam{}};
        std::array<float, n> w;
        for (std::size_t i = 0; i < n; ++i) w[i] = static_cast<float>(w0[i]);
        for (std::size_t s = 0; s < 2; ++s) {
            std::array<float, n> g;
            for (std::size_t i = 0; i < n; ++i) g[i] = static_cast<float>(grads[s][i]);
            opt.apply(1, w.data(), g.data(), n);
            opt.finish_step();
        }
        BOOST_TEST_REQUIRE(opt.slot_count() == 2u);
        const ctnn::Optimizer::SlotState unused = opt.slot_state(0);
        BOOST_TEST(unused.kind.empty());
        BOOST_TEST(unused.tensors.empty());
        const ctnn::Optimizer::SlotState st = opt.slot_state(1);
        BOOST_TEST(st.kind == "Adam");
        BOOST_TEST_REQUIRE(st.tensors.size() == 3u);  // m, v, vhat
        BOOST_TEST_REQUIRE(st.tensors[0].size() == n);
        BOOST_TEST_REQUIRE(st.tensors[1].size() == n);
        BOOST_TEST(st.tensors[2].empty());  // no amsgrad, no vhat
        for (std::size_t i = 0; i < n; ++i) {
            BOOST_TEST(double(st.tensors[0][i]) == m2[i], boost::test_tools::tolerance(1e-5));
            BOOST_TEST(double(st.tensors[1][i]) == v2[i], boost::test_tools::tolerance(1e-5));
        }
        BOOST_CHECK_THROW(opt.slot_state(2), std::out_of_range);
    }
    // A fresh optimizer given that state by hand (step count 2, m2, v2) takes
    // step 3 from the step-2 weights exactly as an uninterrupted run would.
    const auto want = adam_ref(0.001, 0.9, 0.999, 1e-7, false, false);
    ctnn::Optimizer::SlotState st{"Adam", {{}, {}, {}}};
    for (std::size_t i = 0; i < n; ++i) {
        st.tensors[0].push_back(static_cast<float>(m2[i]));
        st.tensors[1].push_back(static_cast<float>(v2[i]));
    }
    ctnn::Optimizer opt{ctnn::Adam{}};
    opt.restore_state(2, {st});
    BOOST_TEST(opt.iterations() == 2);
    std::array<float, n> w, g;
    for (std::size_t i = 0; i < n; ++i) {
        w[i] = static_cast<float>(want[1][i]);
        g[i] = static_cast<float>(grads[2][i]);
    }
    opt.apply(0, w.data(), g.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
        const double dg = double(w[i]) - want[1][i], dw = want[2][i] - want[1][i];
        BOOST_TEST(std::fabs(dg - dw) <= 1e-4 * std::fabs(dw) + 2e-7, "w[" << i << "]: " << w[i] << " vs " << want[2][i]);
    }
}

BOOST_AUTO_TEST_CASE(restore_state_rejects_a_bad_state_and_changes_nothing) {
    ctnn::Optimizer opt{ctnn::SGD{.momentum = 0.9f}};
    std::array<float, 2> w{1.0f, 1.0f};
    const std::array<float, 2> g{1.0f, 1.0f};
    opt.apply(0, w.data(), g.data(), 2);  // v = 0.9 * 0 - 0.01 * 1 = -0.01, w = 0.99
    opt.finish_step();
    using S = ctnn::Optimizer::SlotState;
    const S good{"SGD", {{0.5f, 0.5f}}};
    const std::vector<std::vector<S>> bad = {
        {good, S{"SGD", {}}},                        // SGD has 1 tensor, not 0
        {good, S{"Adam", {{1.0f, 2.0f}, {1.0f}, {}}}},  // tensors of different lengths
        {good, S{"Adam", {{1.0f, 2.0f}, {}, {}}}},      // m without v
        {good, S{"", {{1.0f}}}},                     // an unused slot with tensors
        {good, S{"Adagrad", {{1.0f}}}},              // unknown kind
    };
    const auto unchanged = [&] {
        BOOST_TEST(opt.iterations() == 1);
        BOOST_TEST_REQUIRE(opt.slot_count() == 1u);
        const S st = opt.slot_state(0);
        BOOST_TEST(st.kind == "SGD");
        BOOST_TEST_REQUIRE(st.tensors.size() == 1u);
        BOOST_TEST(st.tensors[0] == (std::vector<float>{-0.01f, -0.01f}), boost::test_tools::per_element());
    };
    BOOST_CHECK_THROW(opt.restore_state(-1, {good}), std::invalid_argument);
    unchanged();
    for (std::size_t k = 0; k < bad.size(); ++k) {
        BOOST_TEST_CONTEXT("bad state " << k) {
            BOOST_CHECK_THROW(opt.restore_state(5, bad[k]), std::invalid_argument);
            unchanged();
        }
    }
    try {
        opt.restore_state(5, bad.back());
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("'Adagrad'") != std::string::npos, e.what());
    }
    // The good state alone is taken: v = 0.9 * 0.5 - 0.01 = 0.44, w = 0.99 + 0.44 = 1.43.
    opt.restore_state(5, {good});
    BOOST_TEST(opt.iterations() == 5);
    opt.apply(0, w.data(), g.data(), 2);
    BOOST_TEST(double(w[0]) == 1.43, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(double(w[1]) == 1.43, boost::test_tools::tolerance(1e-6));
    // Every slot is replaced, so restoring no slots leaves none.
    opt.restore_state(0, {});
    BOOST_TEST(opt.iterations() == 0);
    BOOST_TEST(opt.slot_count() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
