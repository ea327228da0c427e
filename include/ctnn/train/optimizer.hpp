#pragma once
// ctnn::Optimizer — an optimizer chosen at run time, with its state.
//
// Contract: holds one of SGD, RMSprop, Adam (built from the struct or from
// Keras' string names "sgd", "rmsprop", "adam" at Keras' defaults) and one
// state slot per parameter tensor. apply(slot, w, g, n) updates one tensor;
// prepare(slot, n) returns the same update as a value applicable range by
// range (the model fuses it into the weight-gradient product);
// finish_step() advances `iterations` (Keras' optimizer.iterations) after
// all tensors of a step are updated. The model's type does not depend on the
// optimizer, so a program can take it from a flag without recompiling.
// Serialization (io/weights.hpp): slot_count() / slot_state(i) read the
// state as plain data; restore_state(iterations, slots) validates all of it
// and then replaces the step count and every slot (strong guarantee).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "ctnn/train/adam.hpp"
#include "ctnn/train/rmsprop.hpp"
#include "ctnn/train/sgd.hpp"

namespace ctnn {

namespace detail {
// The arrays of an optimizer's state slot, in member order.
template <class S>
auto optimizer_slot_tensors(S& s) {
    using V = std::conditional_t<std::is_const_v<S>, const aligned_vector<float>, aligned_vector<float>>;
    if constexpr (std::is_same_v<std::remove_const_t<S>, SGD::Slot>) return std::array<V*, 1>{&s.velocity};
    else if constexpr (std::is_same_v<std::remove_const_t<S>, RMSprop::Slot>) return std::array<V*, 3>{&s.rms, &s.mg, &s.mom};
    else return std::array<V*, 3>{&s.m, &s.v, &s.vhat};
}
template <class S>
const char* optimizer_slot_kind() {
    if constexpr (std::is_same_v<S, SGD::Slot>) return SGD::name;
    else if constexpr (std::is_same_v<S, RMSprop::Slot>) return RMSprop::name;
    else return Adam::name;
}
}  // namespace detail

class Optimizer {
public:
    using Config = std::variant<SGD, RMSprop, Adam>;

    Optimizer() : Optimizer(Adam{}) {}
    Optimizer(SGD o) : config_(o) { o.validate(); }          // NOLINT: implicit, like Keras' optimizer=SGD()
    Optimizer(RMSprop o) : config_(o) { o.validate(); }      // NOLINT
    Optimizer(Adam o) : config_(o) { o.validate(); }         // NOLINT
    Optimizer(std::string_view keras_name) : config_(from_name(keras_name)) {}  // NOLINT: optimizer="adam"
    Optimizer(const char* keras_name) : Optimizer(std::string_view(keras_name)) {}  // NOLINT
    Optimizer(const std::string& keras_name) : Optimizer(std::string_view(keras_name)) {}  // NOLINT

    static Config from_name(std::string_view s) {
        if (s == "adam" || s == "Adam") return Adam{};
        if (s == "sgd" || s == "SGD") return SGD{};
        if (s == "rmsprop" || s == "RMSprop") return RMSprop{};
        throw std::invalid_argument("ctnn::Optimizer: unknown optimizer '" + std::string(s) +
                                    "' (known: sgd, rmsprop, adam)");
    }

    // This step's update of the tensor in `slot` (n elements), as a value
    // that can be applied to any range of it, from several threads on
    // disjoint ranges: update(offset, count, w + offset, g + offset). The
    // slot's state is sized here, so applying allocates nothing. It stays
    // valid until the next prepare or apply on any slot.
    struct TensorUpdate {
        std::variant<SGD::Step, RMSprop::Step, Adam::Step> step;
        void operator()(std::size_t offset, std::size_t count, float* w, const float* g) const noexcept {
            std::visit([&](const auto& s) { s(offset, count, w, g); }, step);
        }
    };
    TensorUpdate prepare(std::size_t slot, std::size_t n) {
        if (slots_.size() <= slot) slots_.resize(slot + 1);
        return std::visit(
            [&](const auto& opt) -> TensorUpdate {
                using Slot = typename std::decay_t<decltype(opt)>::Slot;
                if (!std::holds_alternative<Slot>(slots_[slot])) slots_[slot] = Slot{};
                return {opt.prepare(std::get<Slot>(slots_[slot]), n, iterations_)};
            },
            config_);
    }

    // Updates the whole tensor w (n elements) from its gradient g; OpenMP-
    // parallel above 32,768 elements (PyTorch's grain size).
    void apply(std::size_t slot, float* w, const float* g, std::size_t n) {
        const TensorUpdate update = prepare(slot, n);
        if (n <= 32768) {
            update(0, n, w, g);
            return;
        }
#pragma omp parallel
        {
            std::size_t begin = 0, end = n;
#if defined(_OPENMP)
            // Equal shares in whole cache lines.
            const std::size_t t = std::size_t(omp_get_thread_num()), T = std::size_t(omp_get_num_threads());
            const std::size_t lines = (n + 15) / 16;
            begin = std::min(n, lines * t / T * 16);
            end = std::min(n, lines * (t + 1) / T * 16);
#endif
            update(begin, end - begin, w + begin, g + begin);
        }
    }
    void finish_step() noexcept { ++iterations_; }

    std::int64_t iterations() const noexcept { return iterations_; }
    const char* name() const noexcept {
        return std::visit([](const auto& o) { return o.name; }, config_);
    }
    float learning_rate() const noexcept {
        return std::visit([](const auto& o) { return o.learning_rate; }, config_);
    }
    void set_learning_rate(float lr) noexcept {
        std::visit([lr](auto& o) { o.learning_rate = lr; }, config_);
    }
    const Config& config() const noexcept { return config_; }
    // Forget the moments and the step count (a fresh compile()).
    void reset() {
        slots_.clear();
        iterations_ = 0;
    }

    // ---- state as plain data (saving and resuming) ------------------------------
    // One slot: `kind` names the optimizer whose state it holds ("SGD",
    // "RMSprop", "Adam"; "" for a slot never used) and `tensors` its arrays in
    // the Slot's member order — SGD: velocity; RMSprop: rms, mg, mom; Adam:
    // m, v, vhat — each empty when that optimizer setting never needed it.
    struct SlotState {
        std::string kind;
        std::vector<std::vector<float>> tensors;
    };
    std::size_t slot_count() const noexcept { return slots_.size(); }
    SlotState slot_state(std::size_t slot) const {
        if (slot >= slots_.size()) throw std::out_of_range("ctnn::Optimizer::slot_state: no slot " + std::to_string(slot));
        return std::visit(
            [](const auto& s) -> SlotState {
                using S = std::decay_t<decltype(s)>;
                if constexpr (std::is_same_v<S, std::monostate>) {
                    return {};
                } else {
                    SlotState out{detail::optimizer_slot_kind<S>(), {}};
                    for (const auto* t : detail::optimizer_slot_tensors(s)) out.tensors.emplace_back(t->begin(), t->end());
                    return out;
                }
            },
            slots_[slot]);
    }
    // Replaces the step count and all slots. Requires every kind to be "" or
    // a known optimizer's with its number of tensors, and the tensors of one
    // slot to be empty or of one length; otherwise throws
    // std::invalid_argument and changes nothing. An Adam slot restored into
    // an amsgrad Adam without vhat gets vhat = 0 (as a fresh slot would).
    void restore_state(std::int64_t iterations, const std::vector<SlotState>& slots) {
        if (iterations < 0) throw std::invalid_argument("ctnn::Optimizer::restore_state: negative iterations");
        std::vector<AnySlot> restored(slots.size());
        for (std::size_t i = 0; i < slots.size(); ++i) restored[i] = slot_from_state(i, slots[i]);
        if (const Adam* a = std::get_if<Adam>(&config_); a && a->amsgrad)
            for (auto& s : restored)
                if (auto* as = std::get_if<Adam::Slot>(&s); as && as->vhat.size() != as->m.size())
                    as->vhat.assign(as->m.size(), 0.0f);
        slots_ = std::move(restored);
        iterations_ = iterations;
    }

private:
    using AnySlot = std::variant<std::monostate, SGD::Slot, RMSprop::Slot, Adam::Slot>;

    template <class S>
    static AnySlot fill_slot(std::size_t index, const SlotState& st) {
        S s;
        auto tensors = detail::optimizer_slot_tensors(s);
        if (st.tensors.size() != tensors.size())
            throw std::invalid_argument("ctnn::Optimizer::restore_state: slot " + std::to_string(index) + " (" +
                                        st.kind + ") has " + std::to_string(st.tensors.size()) + " tensors, expected " +
                                        std::to_string(tensors.size()));
        std::size_t n = 0;
        for (const auto& t : st.tensors) {
            if (!t.empty() && n != 0 && t.size() != n)
                throw std::invalid_argument("ctnn::Optimizer::restore_state: slot " + std::to_string(index) +
                                            " has tensors of different lengths");
            if (!t.empty()) n = t.size();
        }
        if constexpr (std::is_same_v<S, Adam::Slot>)
            if (st.tensors[0].empty() != st.tensors[1].empty())
                throw std::invalid_argument("ctnn::Optimizer::restore_state: Adam slot " + std::to_string(index) +
                                            " has only one of m and v");
        for (std::size_t k = 0; k < tensors.size(); ++k) tensors[k]->assign(st.tensors[k].begin(), st.tensors[k].end());
        return s;
    }
    static AnySlot slot_from_state(std::size_t index, const SlotState& st) {
        if (st.kind.empty()) {
            if (!st.tensors.empty())
                throw std::invalid_argument("ctnn::Optimizer::restore_state: unused slot " + std::to_string(index) +
                                            " carries tensors");
            return std::monostate{};
        }
        if (st.kind == SGD::name) return fill_slot<SGD::Slot>(index, st);
        if (st.kind == RMSprop::name) return fill_slot<RMSprop::Slot>(index, st);
        if (st.kind == Adam::name) return fill_slot<Adam::Slot>(index, st);
        throw std::invalid_argument("ctnn::Optimizer::restore_state: slot " + std::to_string(index) +
                                    " has unknown kind '" + st.kind + "' (known: SGD, RMSprop, Adam)");
    }

    Config config_;
    std::vector<AnySlot> slots_;
    std::int64_t iterations_ = 0;
};

}  // namespace ctnn
