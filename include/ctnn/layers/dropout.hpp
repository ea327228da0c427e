#pragma once
// ctnn::Dropout — inverted dropout, active only in training.
//
// Contract: `rate` (run-time, in [0, 1)) is the fraction of units zeroed in
// training; survivors are scaled by 1 / (1 - rate) so inference is the
// identity (Keras' Dropout). Construction with a rate outside [0, 1) throws
// std::invalid_argument. (tf.keras 2.x accepts rate 1 in the constructor,
// then tf.nn.dropout refuses it once fit runs — "rate ... in the range
// [0, 1)"; ctnn refuses it at once, with that range.) The mask is a counter-based draw keyed by the seed,
// the training step and the layer, so backward regenerates it instead of
// storing it, and it does not depend on the thread count.
// Fused into the preceding Dense step when it follows a Dense (or a Dense's
// activation): no separate pass over memory.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "ctnn/core/random.hpp"

namespace ctnn {

struct Dropout {
    float rate = 0.5f;

    Dropout() = default;
    constexpr Dropout(double r) : rate(static_cast<float>(r)) {  // NOLINT: Dropout(0.45) reads like Keras
        // Checked after the conversion too: a double just below 1 rounds to
        // 1.0f, whose scale() would be infinite.
        if (!(r >= 0.0 && r < 1.0 && rate < 1.0f))
            throw std::invalid_argument("ctnn::Dropout: rate must be in [0, 1), got " + std::to_string(r) +
                                        (r < 1.0 && rate == 1.0f ? " (1 as a float)" : ""));
    }

    // Units whose draw is below `threshold` are dropped.
    std::uint32_t threshold() const noexcept {
        return static_cast<std::uint32_t>(static_cast<double>(rate) * 4294967296.0);
    }
    float scale() const noexcept { return 1.0f / (1.0f - rate); }
};

// The per-(step, layer) key of a dropout mask.
constexpr std::uint32_t dropout_key(std::uint64_t seed, std::uint64_t step, std::uint64_t layer) noexcept {
    return static_cast<std::uint32_t>(splitmix64(splitmix64(seed ^ (layer << 48)) + step));
}

}  // namespace ctnn
