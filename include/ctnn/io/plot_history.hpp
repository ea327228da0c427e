#pragma once
// ctnn::plot_history — training curves (loss and accuracy per epoch, train
// and validation) as a PNG, drawn by gnuplot.
//
// Contract: plot_history(history, "training-curves.png") writes the History
// as CSV next to the PNG (same name, ".csv") and renders two panels, loss and
// accuracy, with every recorded series (loss / val_loss, accuracy /
// val_accuracy). Returns false, leaving the CSV and a ".gp" script to render
// later, when gnuplot is not installed; throws std::runtime_error naming the
// file when writing or rendering fails.
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "ctnn/io/gnuplot.hpp"
#include "ctnn/train/history.hpp"

namespace ctnn {

inline bool plot_history(const History& history, const std::filesystem::path& png) {
    std::filesystem::path csv = png;
    csv.replace_extension(".csv");
    {
        std::ofstream out(csv, std::ios::trunc);
        if (!out) throw std::runtime_error("ctnn::plot_history: cannot write '" + csv.string() + "'");
        out << history.to_csv();
        if (!out.flush()) throw std::runtime_error("ctnn::plot_history: writing '" + csv.string() + "' failed");
    }
    // Column of each series in the CSV (column 1 is the epoch).
    const auto column = [&](const std::string& name) {
        for (std::size_t i = 0; i < history.history.size(); ++i)
            if (history.history[i].first == name) return static_cast<int>(i) + 2;
        return 0;
    };
    const auto panel = [&](const std::string& metric, const std::string& title) {
        std::string plot = "set title '" + title + "'\nset xlabel 'epoch'\nplot ";
        bool any = false;
        for (const std::string& name : {metric, "val_" + metric}) {
            if (const int c = column(name)) {
                plot += std::string(any ? ", " : "") + gnuplot::quote(csv.string()) + " using ($1+1):" +
                        std::to_string(c) + " with linespoints title '" + name + "'";
                any = true;
            }
        }
        return any ? plot + "\n" : std::string("set title '" + title + " (not recorded)'\nplot 0 notitle\n");
    };
    const std::string script = "set terminal pngcairo noenhanced size 1000,420\nset datafile separator ','\n"
                               "set key autotitle columnhead\nset grid\nset multiplot layout 1,2\n" +
                               panel("loss", "loss") +
                               // compile(..., {"acc"}) logs the metric as "acc", as Keras does.
                               panel(history.contains("acc") && !history.contains("accuracy") ? "acc" : "accuracy",
                                     "accuracy") +
                               "unset multiplot\n";
    if (!gnuplot::available()) {
        std::filesystem::path gp = png;
        gp.replace_extension(".gp");
        std::ofstream out(gp, std::ios::trunc);
        out << "set output " << gnuplot::quote(png.string()) << "\n" << script;
        return false;
    }
    gnuplot::render_png(png, script);
    return true;
}

}  // namespace ctnn
