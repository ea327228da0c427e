#pragma once
// ctnn::plot_model — Keras' plot_model: the layer graph as a picture.
//
// Contract: plot_model(model, to_file, options) writes the model graph as
// Keras 2.x does with pydot (one record box per layer: "name: Class", and
// with show_shapes the input and output shapes), by emitting Graphviz DOT and
// running Graphviz's `dot`. The format follows to_file's extension (.png,
// .svg, .pdf, or .dot for the DOT text itself).
// Guarantees: the image is rendered to a temporary name and renamed, so a
// failed run never leaves half a file. Without a `dot` program it writes the
// DOT text next to the requested file (to_file with its extension replaced
// by ".dot": mlp-mnist.png -> mlp-mnist.dot), and the result
// says so (`rendered == false`, `message` tells how to render it);
// it never throws for a missing Graphviz. It throws std::runtime_error, naming
// the file, when a file cannot be written or dot fails (and removes what it
// rendered), and std::invalid_argument for an extension that is not a format
// name (letters, digits, '_', ':'), which would otherwise reach the shell.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctnn/io/atomic_write.hpp"
#include "ctnn/io/shell.hpp"
#include "ctnn/model/layer_info.hpp"

namespace ctnn {

struct PlotOptions {
    bool show_shapes = false;
    bool show_layer_names = true;
    bool show_layer_activations = false;
    std::string rankdir = "TB";
    int dpi = 96;
};

struct PlotResult {
    std::filesystem::path file;  // what was written: the image, or the .dot fallback
    bool rendered = false;       // false: Graphviz's dot was not found
    std::string message;
};

namespace detail {
inline std::string dot_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '{' || c == '}' || c == '|' || c == '<' || c == '>' || c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}
}  // namespace detail

// The DOT text of a layer list (what pydot would hand to Graphviz).
inline std::string model_to_dot(const std::vector<LayerInfo>& layers, const PlotOptions& opt = {}) {
    std::string dot = "digraph G {\n";
    dot += "\tgraph [rankdir=" + opt.rankdir + ", concentrate=true, dpi=" + std::to_string(opt.dpi) + "];\n";
    dot += "\tnode [shape=record, fontname=\"Helvetica\"];\n";
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const LayerInfo& l = layers[i];
        // Keras' vis_utils record labels: "name: Class", then with
        // show_layer_activations "{<label>|relu}", then with show_shapes
        // "<label>\n|{input:|output:}|{{in}|{out}}" (one row: name, the two
        // captions, the two shapes; "{<label>}|..." once the label has fields).
        std::string label = opt.show_layer_names ? detail::dot_escape(l.name) + ": " + detail::dot_escape(l.class_name)
                                                 : detail::dot_escape(l.class_name);
        const bool with_activation = opt.show_layer_activations && !l.activation.empty();
        if (with_activation) label = "{" + label + "|" + detail::dot_escape(l.activation) + "}";
        if (opt.show_shapes)
            label = (with_activation ? "{" + label + "}" : label + "\\n") + "|{input:|output:}|{{" +
                    detail::dot_escape(l.input_shape) + "}|{" + detail::dot_escape(l.output_shape) + "}}";
        dot += "\tlayer" + std::to_string(i) + " [label=\"" + label + "\"];\n";
    }
    for (std::size_t i = 1; i < layers.size(); ++i)
        dot += "\tlayer" + std::to_string(i - 1) + " -> layer" + std::to_string(i) + ";\n";
    return dot + "}\n";
}

template <class Model>
PlotResult plot_model(const Model& model, const std::filesystem::path& to_file = "model.png", const PlotOptions& opt = {}) {
    const std::string dot = model_to_dot(model.layer_info(), opt);
    std::string format = to_file.extension().string();
    if (!format.empty()) format = format.substr(1);
    // The extension becomes dot's -T argument: only a format name, never shell text.
    for (const char c : format)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':'))
            throw std::invalid_argument("ctnn::plot_model: '" + to_file.string() + "': the extension '" + format +
                                        "' is not a Graphviz output format (letters, digits, '_' and ':' only)");
    if (format == "dot" || format == "gv") {
        write_file_atomically(to_file, dot, "ctnn::plot_model");
        return {to_file, true, "wrote the DOT text to " + to_file.string()};
    }
    if (format.empty()) format = "png";
    if (!detail::program_on_path("dot")) {
        std::filesystem::path fallback = to_file;
        fallback.replace_extension(".dot");
        write_file_atomically(fallback, dot, "ctnn::plot_model");
        return {fallback, false,
                "Graphviz's dot was not found, so " + to_file.string() + " was not drawn; the graph is in " +
                    fallback.string() + " (install graphviz, then: dot -T" + format + " " + fallback.string() +
                    " -o " + to_file.string() + ")"};
    }
    std::filesystem::path src = detail::unique_temp_path(to_file);
    src += ".dot";
    const std::filesystem::path tmp = detail::unique_temp_path(to_file);
    write_file_atomically(src, dot, "ctnn::plot_model");
    const std::string cmd = "dot " + detail::shell_quote("-T" + format) + " " + detail::shell_quote(src.string()) +
                            " -o " + detail::shell_quote(tmp.string()) + " 2>&1";
    const int status = std::system(cmd.c_str());
    std::error_code ec;
    std::filesystem::remove(src, ec);
    if (status != 0 || !std::filesystem::exists(tmp) || std::filesystem::file_size(tmp, ec) == 0) {
        std::filesystem::remove(tmp, ec);
        throw std::runtime_error("ctnn::plot_model: Graphviz's dot failed to draw '" + to_file.string() + "'");
    }
    std::filesystem::rename(tmp, to_file, ec);
    if (ec) {
        std::error_code ignored;
        std::filesystem::remove(tmp, ignored);
        throw std::runtime_error("ctnn::plot_model: cannot write '" + to_file.string() + "': " + ec.message());
    }
    return {to_file, true, "wrote " + to_file.string()};
}

}  // namespace ctnn
