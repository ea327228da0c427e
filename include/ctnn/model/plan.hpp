#pragma once
// ctnn execution plan — the fusion rewrite, decided by the compiler.
//
// Contract: plan_t<Stack> rewrites the flat layer list into steps:
//   Dense -> [activation] -> [Dropout]             one DenseStep (one pass
//   Dense -> Softmax                               over its output, forward
//                                                  and backward)
//   activation, Softmax, Dropout not after a Dense their own step; so is a
//                                                  Dropout after Softmax
//   Input, Flatten                                 no step (shape check, view)
// train_plan_t<Stack, Loss> appends the loss; Softmax + categorical
// crossentropy (and Sigmoid + binary crossentropy) become FusedLoss, whose
// gradient is p - y — unless a Dropout follows the output activation. Both are ordinary types: compare them with
// std::is_same_v or print them with Plan::to_string().
#include <boost/hana.hpp>
#include <cstddef>
#include <string>
#include <type_traits>

#include "ctnn/model/layer_traits.hpp"
#include "ctnn/model/stack.hpp"
#include "ctnn/train/losses.hpp"

namespace ctnn {

inline constexpr std::size_t no_layer = static_cast<std::size_t>(-1);

// Dense at position DenseAt (K -> N), activation Act taken from layer ActAt
// (== DenseAt when it is the Dense's own), Dropout at DropoutAt or no_layer.
template <std::size_t DenseAt, std::size_t K, std::size_t N, class Act, std::size_t ActAt, std::size_t DropoutAt>
struct DenseStep {
    static constexpr std::size_t in_width = K, out_width = N;
    static constexpr bool has_dropout = DropoutAt != no_layer;
    using activation = Act;
    static std::string to_string() {
        return "Dense(" + std::to_string(K) + "->" + std::to_string(N) + ")" +
               (std::is_same_v<Act, Linear> ? std::string{} : std::string("+") + Act::keras_name) +
               (has_dropout ? "+Dropout" : "");
    }
};
template <class>
inline constexpr bool is_dense_step_v = false;
template <std::size_t DenseAt, std::size_t K, std::size_t N, class Act, std::size_t ActAt, std::size_t DropoutAt>
inline constexpr bool is_dense_step_v<DenseStep<DenseAt, K, N, Act, ActAt, DropoutAt>> = true;

// A stand-alone element-wise activation or Softmax at position At, width W.
template <std::size_t At, std::size_t W, class Act>
struct ActivationStep {
    static constexpr std::size_t in_width = W, out_width = W;
    using activation = Act;
    static std::string to_string() { return std::string(Act::keras_name) + "(" + std::to_string(W) + ")"; }
};
// A stand-alone Dropout at position At, width W.
template <std::size_t At, std::size_t W>
struct DropoutStep {
    static constexpr std::size_t in_width = W, out_width = W;
    using activation = Linear;
    static std::string to_string() { return "Dropout(" + std::to_string(W) + ")"; }
};
// The loss after the last step; Fused when the gradient skips the output
// activation (Softmax + categorical crossentropy, Sigmoid + binary).
template <class Loss, bool Fused>
struct LossStep {
    using loss = Loss;
    static constexpr bool fused = Fused;
    static std::string to_string() { return std::string(fused ? "fused " : "") + std::string(Loss::name); }
};

template <class... Steps>
struct Plan {
    static constexpr std::size_t size = sizeof...(Steps);
    static std::string to_string() {
        std::string s;
        ((s += (s.empty() ? "" : " | ") + Steps::to_string()), ...);
        return s;
    }
};

namespace detail {

template <class S, std::size_t I>
constexpr Role role_at() {
    if constexpr (I < S::size) return layer_traits<typename S::template layer<I>>::role;
    else return Role::input;  // past the end: nothing to fuse
}

template <class S, std::size_t I, class... Done>
constexpr auto rewrite(Plan<Done...>) {
    if constexpr (I >= S::size) {
        return Plan<Done...>{};
    } else {
        using L = typename S::template layer<I>;
        constexpr Role role = layer_traits<L>::role;
        constexpr std::size_t W = S::template output_shape<I>::size;
        if constexpr (role == Role::producer) {
            using OwnAct = typename L::activation_type;
            constexpr Role next = role_at<S, I + 1>();
            constexpr bool takes_next = std::is_same_v<OwnAct, Linear> && (next == Role::elementwise || next == Role::rowwise);
            constexpr std::size_t act_at = takes_next ? I + 1 : I;
            using Act = std::conditional_t<takes_next, typename S::template layer<(takes_next ? I + 1 : I)>, OwnAct>;
            constexpr std::size_t after = takes_next ? I + 2 : I + 1;
            // Dropout after Softmax stays its own step: its backward needs the
            // un-dropped probabilities.
            constexpr bool drop = role_at<S, after>() == Role::dropout && !std::is_same_v<Act, Softmax>;
            constexpr std::size_t K = S::template input_shape<I>::size;
            using Step = DenseStep<I, K, L::units, Act, act_at, (drop ? after : no_layer)>;
            return rewrite<S, (drop ? after + 1 : after)>(Plan<Done..., Step>{});
        } else if constexpr (role == Role::elementwise || role == Role::rowwise) {
            return rewrite<S, I + 1>(Plan<Done..., ActivationStep<I, W, L>>{});
        } else if constexpr (role == Role::dropout) {
            return rewrite<S, I + 1>(Plan<Done..., DropoutStep<I, W>>{});
        } else {
            return rewrite<S, I + 1>(Plan<Done...>{});
        }
    }
}

template <class P, class Loss>
struct append_loss;
template <class... Steps, class Loss>
struct append_loss<Plan<Steps...>, Loss> {
    using last = typename decltype(+hana::back(hana::tuple_t<Steps...>))::type;
    using last_activation = typename last::activation;
    static constexpr bool last_drops = [] {
        if constexpr (requires { last::has_dropout; }) return last::has_dropout;
        else return false;
    }();
    // A Dropout after the output activation breaks the p - y shortcut.
    static constexpr bool fused =
        !last_drops && ((std::is_same_v<Loss, CategoricalCrossentropy> && std::is_same_v<last_activation, Softmax>) ||
                        (std::is_same_v<Loss, BinaryCrossentropy> && std::is_same_v<last_activation, Sigmoid>));
    using type = Plan<Steps..., LossStep<Loss, fused>>;
};

}  // namespace detail

template <class S>
using plan_t = decltype(detail::rewrite<S, 0>(Plan<>{}));

template <class S, class Loss>
using train_plan_t = typename detail::append_loss<plan_t<S>, Loss>::type;

}  // namespace ctnn
