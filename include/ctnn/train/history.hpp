#pragma once
// ctnn::History — what fit() returns (Keras' History.history).
//
// Contract: `history` maps a metric name ("loss", "accuracy", later
// "val_loss", ...) to one value per epoch, in the order epochs ran; `epoch`
// lists the epoch indices. Names keep the order in which they were first
// recorded (Keras' dict order), so printing is stable. to_csv() writes
// "epoch" and the names in that order (CSVLogger sorts them), one row per
// epoch; a name with fewer values than epochs gets "NA" cells, as CSVLogger
// writes for a missing key, never a made-up number.
#include <cstddef>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ctnn {

struct History {
    std::vector<std::size_t> epoch;
    std::vector<std::pair<std::string, std::vector<double>>> history;

    void record(const std::string& name, double value) {
        for (auto& [n, v] : history)
            if (n == name) {
                v.push_back(value);
                return;
            }
        history.push_back({name, {value}});
    }
    const std::vector<double>& operator[](const std::string& name) const {
        for (const auto& [n, v] : history)
            if (n == name) return v;
        throw std::out_of_range("ctnn::History: no metric named '" + name + "'");
    }
    // "epoch,loss,accuracy,..." then one row per epoch (values with 17
    // significant digits, so the file round-trips exactly; NA where a name
    // has no value for that row).
    std::string to_csv() const {
        std::string s = "epoch";
        for (const auto& [n, v] : history) s += "," + n;
        s += "\n";
        for (std::size_t e = 0; e < epoch.size(); ++e) {
            s += std::to_string(epoch[e]);
            for (const auto& [n, v] : history) {
                char buf[40];
                if (e < v.size())
                    std::snprintf(buf, sizeof buf, ",%.17g", v[e]);
                else
                    std::snprintf(buf, sizeof buf, ",NA");
                s += buf;
            }
            s += "\n";
        }
        return s;
    }
    bool contains(const std::string& name) const noexcept {
        for (const auto& [n, v] : history)
            if (n == name) return true;
        return false;
    }
};

}  // namespace ctnn
