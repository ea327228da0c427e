#pragma once
// ctnn::Optimizer — an optimizer chosen at run time, with its state.
//
// Contract: holds one of SGD, RMSprop, Adam (built from the struct or from
// Keras' string names "sgd", "rmsprop", "adam" at Keras' defaults) and one
// state slot per parameter tensor. apply(slot, w, g, n) updates one tensor;
// finish_step() advances `iterations` (Keras' optimizer.iterations) after
// all tensors of a step are updated. The model's type does not depend on the
// optimizer, so a program can take it from a flag without recompiling.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ctnn/train/adam.hpp"
#include "ctnn/train/rmsprop.hpp"
#include "ctnn/train/sgd.hpp"

namespace ctnn {

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

    void apply(std::size_t slot, float* w, const float* g, std::size_t n) {
        if (slots_.size() <= slot) slots_.resize(slot + 1);
        std::visit(
            [&](const auto& opt) {
                using Slot = typename std::decay_t<decltype(opt)>::Slot;
                if (!std::holds_alternative<Slot>(slots_[slot])) slots_[slot] = Slot{};
                opt.update(std::get<Slot>(slots_[slot]), w, g, n, iterations_);
            },
            config_);
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

private:
    using AnySlot = std::variant<std::monostate, SGD::Slot, RMSprop::Slot, Adam::Slot>;
    Config config_;
    std::vector<AnySlot> slots_;
    std::int64_t iterations_ = 0;
};

}  // namespace ctnn
