#define BOOST_TEST_MODULE plot_model
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "ctnn/ctnn.hpp"
#include "ctnn/io/png.hpp"
#include "support/files.hpp"
#include "support/listing_model.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace {
using ctnn_test::Mlp;

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), {}};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(plot_model)

BOOST_AUTO_TEST_CASE(dot_of_the_listing_model_with_shapes) {
    Mlp m;
    const std::string dot = ctnn::model_to_dot(m.layer_info(), {.show_shapes = true});
    // One record node per layer with Keras 2.x's label '%s\n|{input:|output:}|{{%s}|{%s}}'
    // (vis_utils.model_to_dot): one row of three fields, chained top to bottom.
    const std::string expected =
        "digraph G {\n"
        "\tgraph [rankdir=TB, concentrate=true, dpi=96];\n"
        "\tnode [shape=record, fontname=\"Helvetica\"];\n"
        "\tlayer0 [label=\"dense_1_input: InputLayer\\n|{input:|output:}|{{(None, 784)}|{(None, 784)}}\"];\n"
        "\tlayer1 [label=\"dense_1: Dense\\n|{input:|output:}|{{(None, 784)}|{(None, 256)}}\"];\n"
        "\tlayer2 [label=\"activation_1: Activation\\n|{input:|output:}|{{(None, 256)}|{(None, 256)}}\"];\n"
        "\tlayer3 [label=\"dropout_1: Dropout\\n|{input:|output:}|{{(None, 256)}|{(None, 256)}}\"];\n"
        "\tlayer4 [label=\"dense_2: Dense\\n|{input:|output:}|{{(None, 256)}|{(None, 256)}}\"];\n"
        "\tlayer5 [label=\"activation_2: Activation\\n|{input:|output:}|{{(None, 256)}|{(None, 256)}}\"];\n"
        "\tlayer6 [label=\"dropout_2: Dropout\\n|{input:|output:}|{{(None, 256)}|{(None, 256)}}\"];\n"
        "\tlayer7 [label=\"dense_3: Dense\\n|{input:|output:}|{{(None, 256)}|{(None, 10)}}\"];\n"
        "\tlayer8 [label=\"activation_3: Activation\\n|{input:|output:}|{{(None, 10)}|{(None, 10)}}\"];\n"
        "\tlayer0 -> layer1;\n\tlayer1 -> layer2;\n\tlayer2 -> layer3;\n\tlayer3 -> layer4;\n"
        "\tlayer4 -> layer5;\n\tlayer5 -> layer6;\n\tlayer6 -> layer7;\n\tlayer7 -> layer8;\n"
        "}\n";
    BOOST_TEST(dot == expected);
}

BOOST_AUTO_TEST_CASE(dot_with_layer_activations_puts_the_activation_in_its_own_field) {
    // Keras' '{%s|%s}' % (label, activation_name) for every layer with an
    // activation (a Dense's own, "linear" when none, and Activation layers'),
    // then '{%s}|{input:|output:}|...' with shapes.
    Mlp m;
    const std::string plain = ctnn::model_to_dot(m.layer_info(), {.show_layer_activations = true});
    BOOST_TEST(plain.find("\tlayer1 [label=\"{dense_1: Dense|linear}\"];") != std::string::npos, plain);
    BOOST_TEST(plain.find("\tlayer2 [label=\"{activation_1: Activation|relu}\"];") != std::string::npos, plain);
    BOOST_TEST(plain.find("\tlayer8 [label=\"{activation_3: Activation|softmax}\"];") != std::string::npos, plain);
    BOOST_TEST(plain.find("\tlayer3 [label=\"dropout_1: Dropout\"];") != std::string::npos, plain);
    const std::string shaped =
        ctnn::model_to_dot(m.layer_info(), {.show_shapes = true, .show_layer_activations = true});
    BOOST_TEST(shaped.find("\tlayer2 [label=\"{{activation_1: Activation|relu}}|{input:|output:}|{{(None, 256)}|{(None, "
                           "256)}}\"];") != std::string::npos,
               shaped);
}

BOOST_AUTO_TEST_CASE(dot_without_shapes_or_names) {
    Mlp m;
    const std::string dot = ctnn::model_to_dot(m.layer_info(), {.show_layer_names = false, .rankdir = "LR"});
    BOOST_TEST(dot.find("rankdir=LR") != std::string::npos);
    BOOST_TEST(dot.find("\tlayer1 [label=\"Dense\"];") != std::string::npos);
    BOOST_TEST(dot.find("input:") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(png_is_rendered_when_graphviz_is_installed) {
    if (std::system("command -v dot >/dev/null 2>&1") != 0) {
        BOOST_TEST_MESSAGE("Graphviz's dot is not installed: rendering not checked here");
        return;
    }
    Mlp m;
    const ctnn_test::TempDir tmp;
    const auto png = tmp.path / "mlp-mnist.png";
    const ctnn::PlotResult r = ctnn::plot_model(m, png, {.show_shapes = true});
    BOOST_TEST(r.rendered);
    const ctnn::Image img = ctnn::read_png(png);
    BOOST_TEST(img.width > 100u);
    BOOST_TEST(img.height > img.width);  // nine boxes stacked top to bottom
    BOOST_TEST((ctnn_test::names_in(tmp.path) == std::set<std::string>{"mlp-mnist.png"}));  // no temporaries
}

BOOST_AUTO_TEST_CASE(without_dot_it_writes_the_dot_file_and_says_so) {
    Mlp m;
    const ctnn_test::TempDir tmp;
    const auto png = tmp.path / "no-graphviz.png";
    const ctnn::PlotResult r = [&] {
        const ctnn_test::ScopedEnv no_path("PATH", "/nonexistent");
        return ctnn::plot_model(m, png, {.show_shapes = true});
    }();
    BOOST_TEST(!r.rendered);
    BOOST_TEST(r.file == tmp.path / "no-graphviz.dot");  // the extension replaced, as the docs say
    BOOST_TEST(!std::filesystem::exists(png));
    BOOST_TEST(r.message.find("dot was not found") != std::string::npos);
    BOOST_TEST(slurp(r.file) == ctnn::model_to_dot(m.layer_info(), {.show_shapes = true}));
}

BOOST_AUTO_TEST_CASE(dot_extension_writes_the_text) {
    Mlp m;
    const ctnn_test::TempDir tmp;
    const auto file = tmp.path / "graph.dot";
    const ctnn::PlotResult r = ctnn::plot_model(m, file);
    BOOST_TEST(r.rendered);
    BOOST_TEST(slurp(file).rfind("digraph G {", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(an_extension_that_is_not_a_format_name_never_reaches_the_shell) {
    // The extension becomes dot's -T argument; it used to go to /bin/sh as it was.
    Mlp m;
    const ctnn_test::TempDir tmp;
    const auto file = tmp.path / "model.png;touch PWNED;true";
    try {
        ctnn::plot_model(m, file);
        BOOST_FAIL("expected std::invalid_argument");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("is not a Graphviz output format") != std::string::npos, e.what());
    }
    BOOST_TEST(!std::filesystem::exists("PWNED"));
    BOOST_TEST(!std::filesystem::exists(tmp.path / "PWNED"));
    BOOST_TEST(ctnn_test::names_in(tmp.path).empty());
}

BOOST_AUTO_TEST_CASE(a_failed_rename_throws_naming_the_file_and_leaves_no_temporary) {
    if (std::system("command -v dot >/dev/null 2>&1") != 0) {
        BOOST_TEST_MESSAGE("Graphviz's dot is not installed; skipped");
        return;
    }
    Mlp m;
    const ctnn_test::TempDir tmp;
    const auto file = tmp.path / "out.png";
    std::filesystem::create_directory(file);  // rendering works; replacing a directory does not
    try {
        ctnn::plot_model(m, file);
        BOOST_FAIL("expected std::runtime_error");
    } catch (const std::runtime_error& e) {
        const std::string msg = e.what();
        BOOST_TEST(msg.rfind("ctnn::plot_model: cannot write '" + file.string() + "'", 0) == 0u, msg);
    }
    BOOST_TEST((ctnn_test::names_in(tmp.path) == std::set<std::string>{"out.png"}));
}

BOOST_AUTO_TEST_CASE(unwritable_destination_names_the_file) {
    Mlp m;
    try {
        ctnn::plot_model(m, "/nonexistent-dir/x.dot");
        BOOST_FAIL("expected an exception");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(std::string(e.what()).find("/nonexistent-dir/x.dot") != std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
