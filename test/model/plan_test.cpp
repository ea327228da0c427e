// ctnn::plan_t / train_plan_t (model/plan.hpp): the fusion rewrite of a layer
// list into steps, and the loss fusion, as types and as printed text.
#define BOOST_TEST_MODULE model_plan
#include <boost/test/unit_test.hpp>

#include <string>
#include <type_traits>

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/dropout.hpp"
#include "ctnn/layers/flatten.hpp"
#include "ctnn/layers/input.hpp"
#include "ctnn/layers/softmax.hpp"
#include "ctnn/model/plan.hpp"
#include "ctnn/model/stack.hpp"
#include "ctnn/train/losses.hpp"
#include "support/listing_model.hpp"

// Expected plans are written out by hand from the rules in plan.hpp and
// docs/design.md: a Dense takes the activation that follows it when it has
// none of its own, then a Dropout (not after Softmax); what remains is its own
// step; Input and Flatten vanish; Softmax + categorical crossentropy and
// Sigmoid + binary crossentropy fuse unless a Dropout follows the activation.

namespace {

using ctnn::Dense;
using ctnn::Dropout;
using ctnn::Input;
using ctnn::ReLU;
using ctnn::Softmax;
using ctnn_test::Mlp;
using ctnn_test::MlpComposed;
using ctnn_test::MlpInputDim;

// The plans of a layer list, straight from plan.hpp and stack.hpp.
template <class... Ls>
using plan_of = ctnn::plan_t<ctnn::detail::Stack<Ls...>>;
template <class Loss, class... Ls>
using train_plan_of = ctnn::train_plan_t<ctnn::detail::Stack<Ls...>, Loss>;

using ctnn::ActivationStep;
using ctnn::BinaryCrossentropy;
using ctnn::CategoricalCrossentropy;
using ctnn::DropoutStep;
using ctnn::LossStep;
using ctnn::MeanSquaredError;
using ctnn::Plan;
using ctnn::Sigmoid;
using ctnn::Tanh;

// ---- the plan ------------------------------------------------------------------------
// Layer positions of Mlp: 0 Input, 1 Dense, 2 ReLU, 3 Dropout, 4 Dense, 5 ReLU,
// 6 Dropout, 7 Dense, 8 Softmax.
using ctnn::DenseStep;
using ctnn::no_layer;
using ListingPlan = ctnn::Plan<DenseStep<1, 784, 256, ReLU, 2, 3>,  //
                               DenseStep<4, 256, 256, ReLU, 5, 6>,  //
                               DenseStep<7, 256, 10, Softmax, 8, no_layer>>;
using ListingTrainPlan = ctnn::Plan<DenseStep<1, 784, 256, ReLU, 2, 3>,        //
                                    DenseStep<4, 256, 256, ReLU, 5, 6>,        //
                                    DenseStep<7, 256, 10, Softmax, 8, no_layer>,  //
                                    ctnn::LossStep<ctnn::CategoricalCrossentropy, true>>;
static_assert(std::is_same_v<Mlp::plan, ListingPlan>);
static_assert(std::is_same_v<Mlp::train_plan<ctnn::CategoricalCrossentropy>, ListingTrainPlan>);
static_assert(std::is_same_v<MlpComposed::plan, ListingPlan>);
static_assert(std::is_same_v<MlpComposed::train_plan<ctnn::CategoricalCrossentropy>, ListingTrainPlan>);
// With the activations owned by the Dense: positions 0 Dense, 1 Dropout, 2 Dense, 3 Dropout, 4 Dense.
static_assert(std::is_same_v<MlpInputDim::plan,
                             ctnn::Plan<DenseStep<0, 784, 256, ReLU, 0, 1>, DenseStep<2, 256, 256, ReLU, 2, 3>,
                                        DenseStep<4, 256, 10, Softmax, 4, no_layer>>>);
// Softmax with a loss other than categorical crossentropy is not fused.
static_assert(std::is_same_v<Mlp::train_plan<ctnn::MeanSquaredError>,
                             ctnn::Plan<DenseStep<1, 784, 256, ReLU, 2, 3>, DenseStep<4, 256, 256, ReLU, 5, 6>,
                                        DenseStep<7, 256, 10, Softmax, 8, no_layer>,
                                        ctnn::LossStep<ctnn::MeanSquaredError, false>>>);

// ---- the steps' own facts ------------------------------------------------------------

// The Listing's first step: 784 -> 256, ReLU, with its Dropout; the last: no Dropout.
using First = DenseStep<1, 784, 256, ReLU, 2, 3>;
static_assert(First::in_width == 784 && First::out_width == 256);
static_assert(First::has_dropout);
static_assert(std::is_same_v<First::activation, ReLU>);
static_assert(!DenseStep<7, 256, 10, Softmax, 8, no_layer>::has_dropout);
static_assert(ListingPlan::size == 3 && ListingTrainPlan::size == 4);
static_assert(ActivationStep<1, 12, Tanh>::in_width == 12 && ActivationStep<1, 12, Tanh>::out_width == 12);
static_assert(DropoutStep<1, 12>::in_width == 12 && DropoutStep<1, 12>::out_width == 12);
static_assert(LossStep<BinaryCrossentropy, true>::fused && !LossStep<BinaryCrossentropy, false>::fused);
static_assert(std::is_same_v<LossStep<MeanSquaredError, false>::loss, MeanSquaredError>);
static_assert(Plan<>::size == 0);

// ---- steps that stand alone ----------------------------------------------------------

// An activation before any Dense is its own step (position 1, width 4); the
// Dense after it has no activation: Linear, taken from its own position 2.
using ReluFirst = plan_of<Input<4>, ReLU, Dense<3>>;
static_assert(std::is_same_v<ReluFirst, Plan<ActivationStep<1, 4, ReLU>, DenseStep<2, 4, 3, ctnn::Linear, 2, no_layer>>>);

// A Dropout on the input is its own step.
using DropFirst = plan_of<Input<6>, Dropout, Dense<2, Softmax>>;
static_assert(std::is_same_v<DropFirst, Plan<DropoutStep<1, 6>, DenseStep<2, 6, 2, Softmax, 2, no_layer>>>);

// Input and Flatten make no step; the Dense after Flatten reads 2 * 3 = 6
// inputs and takes the Tanh at position 3.
using Flattened = plan_of<Input<2, 3>, ctnn::Flatten, Dense<4>, Tanh>;
static_assert(std::is_same_v<Flattened, Plan<DenseStep<2, 6, 4, Tanh, 3, no_layer>>>);

// A Dense with its own activation does not take the next one: the Sigmoid
// stands alone, and so does the Dropout after it (it follows no Dense).
using OwnThenSigmoid = plan_of<Input<5>, Dense<3, ReLU>, Sigmoid, Dropout>;
static_assert(std::is_same_v<OwnThenSigmoid, Plan<DenseStep<1, 5, 3, ReLU, 1, no_layer>, ActivationStep<2, 3, Sigmoid>,
                                                  DropoutStep<3, 3>>>);

// A Dense followed directly by a Dropout takes it, with Linear as its activation.
using LinearDrop = plan_of<Input<5>, Dense<3>, Dropout>;
static_assert(std::is_same_v<LinearDrop, Plan<DenseStep<1, 5, 3, ctnn::Linear, 1, 2>>>);

// A Dropout after Softmax stays its own step (Softmax's backward needs the
// un-dropped probabilities), whether Softmax is a layer or the Dense's own.
using SoftmaxDrop = plan_of<Input<8>, Dense<4>, Softmax, Dropout>;
static_assert(std::is_same_v<SoftmaxDrop, Plan<DenseStep<1, 8, 4, Softmax, 2, no_layer>, DropoutStep<3, 4>>>);
using OwnSoftmaxDrop = plan_of<Input<8>, Dense<4, Softmax>, Dropout>;
static_assert(std::is_same_v<OwnSoftmaxDrop, Plan<DenseStep<1, 8, 4, Softmax, 1, no_layer>, DropoutStep<2, 4>>>);

// ---- the loss step ---------------------------------------------------------------------

// Logistic regression: Sigmoid + binary crossentropy fuse (gradient p - y) ...
using Logistic = train_plan_of<BinaryCrossentropy, Input<3>, Dense<1, Sigmoid>>;
static_assert(std::is_same_v<Logistic, Plan<DenseStep<1, 3, 1, Sigmoid, 1, no_layer>, LossStep<BinaryCrossentropy, true>>>);
// ... and so does a stand-alone Softmax after a Dense with its own activation.
static_assert(std::is_same_v<train_plan_of<CategoricalCrossentropy, Input<4>, Dense<3, Tanh>, Softmax>,
                             Plan<DenseStep<1, 4, 3, Tanh, 1, no_layer>, ActivationStep<2, 3, Softmax>,
                                  LossStep<CategoricalCrossentropy, true>>>);
// The other pairings do not fuse: p - y is the gradient only for these two.
static_assert(std::is_same_v<train_plan_of<CategoricalCrossentropy, Input<3>, Dense<2, Sigmoid>>,
                             Plan<DenseStep<1, 3, 2, Sigmoid, 1, no_layer>, LossStep<CategoricalCrossentropy, false>>>);
static_assert(std::is_same_v<train_plan_of<BinaryCrossentropy, Input<3>, Dense<2, Softmax>>,
                             Plan<DenseStep<1, 3, 2, Softmax, 1, no_layer>, LossStep<BinaryCrossentropy, false>>>);
static_assert(std::is_same_v<train_plan_of<MeanSquaredError, Input<3>, Dense<1, Sigmoid>>,
                             Plan<DenseStep<1, 3, 1, Sigmoid, 1, no_layer>, LossStep<MeanSquaredError, false>>>);
// A Dropout after the output activation breaks the shortcut: the output is no
// longer sigmoid(z) / softmax(z).
static_assert(std::is_same_v<train_plan_of<BinaryCrossentropy, Input<3>, Dense<2, Sigmoid>, Dropout>,
                             Plan<DenseStep<1, 3, 2, Sigmoid, 1, 2>, LossStep<BinaryCrossentropy, false>>>);
static_assert(std::is_same_v<train_plan_of<CategoricalCrossentropy, Input<8>, Dense<4>, Softmax, Dropout>,
                             Plan<DenseStep<1, 8, 4, Softmax, 2, no_layer>, DropoutStep<3, 4>,
                                  LossStep<CategoricalCrossentropy, false>>>);

}  // namespace

BOOST_AUTO_TEST_SUITE(plan)

BOOST_AUTO_TEST_CASE(plan_prints_the_fused_steps) {
    BOOST_TEST(Mlp::plan::size == 3u);
    BOOST_TEST(Mlp::plan::to_string() ==
               "Dense(784->256)+relu+Dropout | Dense(256->256)+relu+Dropout | Dense(256->10)+softmax");
    BOOST_TEST(Mlp::train_plan<ctnn::CategoricalCrossentropy>::to_string() ==
               "Dense(784->256)+relu+Dropout | Dense(256->256)+relu+Dropout | Dense(256->10)+softmax"
               " | fused categorical_crossentropy");
}

// Each step prints as the plan.hpp format says: Dense(K->N), "+activation"
// unless Linear, "+Dropout"; a stand-alone activation as keras_name(W); a
// stand-alone Dropout as Dropout(W); the loss by Keras' name, "fused " first
// when fused; steps joined by " | ".
BOOST_AUTO_TEST_CASE(stand_alone_steps_print_their_width) {
    BOOST_TEST(ReluFirst::to_string() == "relu(4) | Dense(4->3)");
    BOOST_TEST(DropFirst::to_string() == "Dropout(6) | Dense(6->2)+softmax");
    BOOST_TEST(Flattened::to_string() == "Dense(6->4)+tanh");
    BOOST_TEST(OwnThenSigmoid::to_string() == "Dense(5->3)+relu | sigmoid(3) | Dropout(3)");
    BOOST_TEST(LinearDrop::to_string() == "Dense(5->3)+Dropout");
    BOOST_TEST(SoftmaxDrop::to_string() == "Dense(8->4)+softmax | Dropout(4)");
    BOOST_TEST(Plan<>::to_string() == "");
}

BOOST_AUTO_TEST_CASE(loss_step_prints_fused_only_when_fused) {
    BOOST_TEST(Logistic::to_string() == "Dense(3->1)+sigmoid | fused binary_crossentropy");
    BOOST_TEST((train_plan_of<MeanSquaredError, Input<3>, Dense<1, Sigmoid>>::to_string()) ==
               "Dense(3->1)+sigmoid | mean_squared_error");
    BOOST_TEST((train_plan_of<ctnn::MeanAbsoluteError, Input<3>, Dense<2>>::to_string()) ==
               "Dense(3->2) | mean_absolute_error");
}

BOOST_AUTO_TEST_SUITE_END()
