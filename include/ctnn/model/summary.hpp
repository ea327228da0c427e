#pragma once
// ctnn summary text — Keras' model.summary() table for a Sequential.
//
// Contract: format_summary(rows, total, trainable) returns the table exactly
// as Keras 2.x prints a Sequential model (line length 65, columns ending at
// 29, 55 and 65, '_' rules between layers, '=' rules around them, totals with
// thousands separators), rows being (name (Class), "(None, N)", params).
#include <cstddef>
#include <string>
#include <vector>

namespace ctnn {

struct SummaryRow {
    std::string layer;  // "dense_1 (Dense)"
    std::string output_shape;  // "(None, 256)"
    std::size_t params = 0;
};

namespace detail {
// Keras' print_row: each field starts where the last ended (its last
// character replaced by a space), is cut at its column's end and padded to it.
inline std::string summary_row(const std::vector<std::string>& fields) {
    static constexpr std::size_t positions[] = {29, 55, 65};
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0 && !line.empty()) line.back() = ' ';
        line += fields[i];
        if (line.size() > positions[i]) line.resize(positions[i]);
        line.append(positions[i] - line.size(), ' ');
    }
    return line;
}
}  // namespace detail

inline std::string with_thousands(std::size_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

inline std::string format_summary(const std::vector<SummaryRow>& rows, std::size_t total, std::size_t trainable) {
    const std::string under(65, '_'), equals(65, '=');
    std::string s = under + "\n" + detail::summary_row({"Layer (type)", "Output Shape", "Param #"}) + "\n" + equals + "\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        s += detail::summary_row({rows[i].layer, rows[i].output_shape, std::to_string(rows[i].params)}) + "\n";
        s += (i + 1 < rows.size() ? under : equals) + "\n";
    }
    s += "Total params: " + with_thousands(total) + "\n";
    s += "Trainable params: " + with_thousands(trainable) + "\n";
    s += "Non-trainable params: " + with_thousands(total - trainable) + "\n";
    s += under + "\n";
    return s;
}

}  // namespace ctnn
