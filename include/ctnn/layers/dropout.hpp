#pragma once
// ctnn::Dropout — inverted dropout, active only in training.
//
// Contract: `rate` (run-time, in [0, 1)) is the fraction of units zeroed in
// training; survivors are scaled by 1 / (1 - rate) so inference is the
// identity (Keras' Dropout). A rate outside [0, 1) throws
// std::invalid_argument, at construction and at every later assignment
// (`model.layer<I>().rate = 0.3`): a DropoutRate checks each value it takes.
// (tf.keras 2.x accepts rate 1 in the constructor, then tf.nn.dropout refuses
// it once fit runs — "rate ... in the range [0, 1)"; ctnn refuses it at once,
// with that range.) The mask is a counter-based draw keyed by the seed,
// the training step and the layer, so backward regenerates it instead of
// storing it, and it does not depend on the thread count.
// Fused into the preceding Dense step when it follows a Dense (or a Dense's
// activation): no separate pass over memory.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "ctnn/core/random.hpp"

namespace ctnn {

// A dropout rate: a float in [0, 1) that refuses any other value it is given,
// so threshold() and scale() below are always defined.
class DropoutRate {
public:
    constexpr DropoutRate(double r = 0.5) : value_(checked(r)) {}  // NOLINT: reads as a number
    constexpr DropoutRate& operator=(double r) {
        value_ = checked(r);
        return *this;
    }
    constexpr operator float() const noexcept { return value_; }  // NOLINT: used as a number

private:
    static constexpr float checked(double r) {
        const float f = static_cast<float>(r);
        // Checked after the conversion too: a double just below 1 rounds to
        // 1.0f, whose scale would be infinite.
        if (!(r >= 0.0 && r < 1.0 && f < 1.0f))
            throw std::invalid_argument("ctnn::Dropout: rate must be in [0, 1), got " + std::to_string(r) +
                                        (r < 1.0 && f == 1.0f ? " (1 as a float)" : ""));
        return f;
    }
    float value_;
};

struct Dropout {
    DropoutRate rate{0.5};

    Dropout() = default;
    constexpr Dropout(double r) : rate(r) {}  // NOLINT: Dropout(0.45) reads like Keras

    // Units whose draw is below `threshold` are dropped.
    std::uint32_t threshold() const noexcept {
        return static_cast<std::uint32_t>(static_cast<double>(float(rate)) * 4294967296.0);
    }
    float scale() const noexcept { return 1.0f / (1.0f - float(rate)); }
};

// The per-(step, layer) key of a dropout mask.
constexpr std::uint32_t dropout_key(std::uint64_t seed, std::uint64_t step, std::uint64_t layer) noexcept {
    return static_cast<std::uint32_t>(splitmix64(splitmix64(seed ^ (layer << 48)) + step));
}

}  // namespace ctnn
