#pragma once
// A three-epoch History with loss, accuracy and val_loss, values chosen so
// their CSV text can be written out by hand (history_test, plot_history_test).
#include <cstddef>

#include "ctnn/train/history.hpp"

namespace ctnn_test {

inline ctnn::History sample_history() {
    ctnn::History h;
    for (std::size_t e = 0; e < 3; ++e) {
        h.epoch.push_back(e);
        h.record("loss", 1.0 / double(e + 1));
        h.record("accuracy", 0.5 + 0.1 * double(e));
        h.record("val_loss", 0.25);
    }
    return h;
}

}  // namespace ctnn_test
