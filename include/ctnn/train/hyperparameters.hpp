#pragma once
// ctnn::detail::require_non_negative — the check Keras' OptimizerV2 makes of
// its learning rate and legacy decay ("Expected lr >= 0"): a negative decay
// makes lr / (1 + decay * iterations) infinite at some step, and a negative
// learning rate climbs the loss.
//
// Contract: returns when both values are >= 0; otherwise (NaN included)
// throws std::invalid_argument naming the optimizer, the argument and the
// value.
#include <stdexcept>
#include <string>

namespace ctnn::detail {

inline void require_non_negative(const char* optimizer, float learning_rate, float decay) {
    const auto check = [&](const char* name, float value) {
        if (!(value >= 0.0f))
            throw std::invalid_argument(std::string("ctnn::") + optimizer + ": " + name + " must be >= 0, got " +
                                        std::to_string(value));
    };
    check("learning_rate", learning_rate);
    check("decay", decay);
}

}  // namespace ctnn::detail
