#define BOOST_TEST_MODULE io_export_header
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "ctnn/io/export_header.hpp"
#include "support/files.hpp"
#include "support/same_bits.hpp"
#include "support/temp_dir.hpp"

// The header's text, its exactness and its compile-time checks. That a
// consumer built against a header generated at build time predicts exactly
// what the in-memory model predicts is checked by examples/embedded_inference
// (its generator writes the expected outputs next to the weights; ctest runs it).

namespace fs = std::filesystem;

namespace {

using namespace ctnn_test;

using Small = ctnn::Sequential<ctnn::Input<8>, ctnn::Dense<16, ctnn::ReLU>, ctnn::Dropout, ctnn::Dense<4>, ctnn::Softmax>;

// The floats of the array `name` in the header text, parsed back.
std::vector<float> array_in(const std::string& h, const std::string& name) {
    const std::size_t at = h.find("inline constexpr float " + name + "[");
    BOOST_TEST_REQUIRE(at != std::string::npos, name);
    std::size_t p = h.find('{', at) + 1;
    const std::size_t end = h.find('}', p);
    std::vector<float> v;
    while (true) {
        const std::size_t q = h.find("0x", p);
        if (q == std::string::npos || q > end) break;
        const std::size_t start = (q > 0 && h[q - 1] == '-') ? q - 1 : q;
        char* stop = nullptr;
        v.push_back(std::strtof(h.c_str() + start, &stop));
        BOOST_TEST_REQUIRE(*stop == 'f');
        p = static_cast<std::size_t>(stop - h.c_str());
    }
    return v;
}

Small trained() {
    Small m;
    m.initialize(4);
    m.compile("categorical_crossentropy", ctnn::Adam{});
    ctnn::Generator g(1);
    std::vector<float> x(32 * 8), y(32 * 4, 0.0f);
    for (auto& v : x) v = g.uniform(-1.0f, 1.0f);
    for (std::size_t r = 0; r < 32; ++r) y[r * 4 + r % 4] = 1.0f;
    for (int s = 0; s < 20; ++s) m.train_on_batch(x.data(), y.data(), 32);
    return m;
}

// The compiler the test can call, or empty (then the compile cases skip).
std::string compiler() {
    if (const char* cxx = std::getenv("CXX"); cxx && *cxx) return cxx;
    return std::system("c++ --version >/dev/null 2>&1") == 0 ? "c++" : "";
}

#ifndef CTNN_SOURCE_DIR
#define CTNN_SOURCE_DIR "."
#endif

// Compiles (syntax only) a consumer of `header` declaring `model_type`;
// returns the exit status and leaves the diagnostics in `log`.
int compile_consumer(const TempDir& t, const std::string& model_type, std::string& log) {
    std::ofstream(t.path / "consumer.cpp") << "#include \"ctnn/ctnn.hpp\"\n#include \"small_weights.hpp\"\n"
                                           << "using Model = " << model_type << ";\n"
                                           << "void use(Model& m) { small_weights::load(m); }\n";
    const std::string cmd = compiler() + " -std=c++20 -fsyntax-only -I" CTNN_SOURCE_DIR "/include -I" +
                            t.path.string() + " " + (t.path / "consumer.cpp").string() + " > " +
                            (t.path / "log.txt").string() + " 2>&1";
    const int rc = std::system(cmd.c_str());
    log = read_string(t.path / "log.txt");
    return rc;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(io_export_header)

BOOST_AUTO_TEST_CASE(hex_float_literals_are_exact) {
    for (const float v : {0.0f, -0.0f, 1.0f, -1.5f, 0.1f, 3.14159265f, std::numeric_limits<float>::denorm_min(),
                          std::numeric_limits<float>::max(), -std::numeric_limits<float>::min()}) {
        const std::string s = ctnn::hex_float_literal(v);
        BOOST_TEST(s.back() == 'f');
        const float back = std::strtof(s.c_str(), nullptr);
        BOOST_TEST(std::memcmp(&back, &v, sizeof v) == 0, s);
    }
    BOOST_TEST(ctnn::hex_float_literal(1.5f) == "0x1.8p+0f");
    BOOST_CHECK_THROW(ctnn::hex_float_literal(std::numeric_limits<float>::quiet_NaN()), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(the_header_holds_every_weight_exactly) {
    const Small m = trained();
    const std::string h = ctnn::export_header_text(m, "small_weights");
    BOOST_TEST(h.find("namespace small_weights {") != std::string::npos);
    BOOST_TEST(h.find("inline constexpr std::size_t param_count = 212;") != std::string::npos);
    BOOST_TEST(h.find("\"0 InputLayer (None, 8) -> (None, 8)\\n1 Dense (None, 8) -> (None, 16) relu\\n2 Dropout") !=
               std::string::npos);
    BOOST_TEST(h.find("template <class Model>\nvoid load(Model& m)") != std::string::npos);
    const auto& p1 = m.params<1>();
    const auto& p3 = m.params<3>();
    BOOST_TEST(same_bits(array_in(h, "dense_1_kernel"), {p1.kernel.data(), 8 * 16}));
    BOOST_TEST(same_bits(array_in(h, "dense_1_bias"), {p1.bias.data(), 16}));
    BOOST_TEST(same_bits(array_in(h, "dense_2_kernel"), {p3.kernel.data(), 16 * 4}));
    BOOST_TEST(same_bits(array_in(h, "dense_2_bias"), {p3.bias.data(), 4}));
}

BOOST_AUTO_TEST_CASE(bad_names_and_non_finite_weights_are_refused) {
    Small m;
    BOOST_CHECK_THROW(ctnn::export_header_text(m, "9lives"), std::invalid_argument);
    BOOST_CHECK_THROW(ctnn::export_header_text(m, "my-model"), std::invalid_argument);
    BOOST_CHECK_THROW(ctnn::export_header_text(m, ""), std::invalid_argument);
    m.params<3>().bias[2] = std::numeric_limits<float>::infinity();
    try {
        (void)ctnn::export_header_text(m, "ok");
        BOOST_FAIL("expected std::invalid_argument");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("dense_2_bias[2]") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_CASE(written_atomically) {
    TempDir t;
    const Small m = trained();
    const fs::path file = t.path / "small_weights.hpp";
    std::ofstream(file) << "old";
    ctnn::export_header(m, file, "small_weights");
    BOOST_TEST((read_string(file) == ctnn::export_header_text(m, "small_weights")));
    for (const auto& e : fs::directory_iterator(t.path)) BOOST_TEST(e.path().filename() == "small_weights.hpp");
    BOOST_CHECK_THROW(ctnn::export_header(m, t.path / "missing" / "x.hpp", "x"), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(a_consumer_of_another_architecture_does_not_compile) {
    if (compiler().empty()) {
        BOOST_TEST_MESSAGE("skipped: no C++ compiler to call (set CXX)");
        return;
    }
    TempDir t;
    ctnn::export_header(trained(), t.path / "small_weights.hpp", "small_weights");
    std::string log;
    // The same architecture (with another dropout rate: a run-time value) compiles...
    const std::string same = "ctnn::Sequential<ctnn::Input<8>, ctnn::Dense<16, ctnn::ReLU>, ctnn::Dropout, "
                             "ctnn::Dense<4>, ctnn::Softmax>";
    BOOST_TEST(compile_consumer(t, same, log) == 0, log);
    // ...a different activation in layer 1 fails with the header's own message.
    const std::string other = "ctnn::Sequential<ctnn::Input<8>, ctnn::Dense<16, ctnn::Tanh>, ctnn::Dropout, "
                              "ctnn::Dense<4>, ctnn::Softmax>";
    BOOST_TEST(compile_consumer(t, other, log) != 0);
    BOOST_TEST(log.find("small_weights::load: layer 1 of the model differs from the exported "
                        "'1 Dense (None, 8) -> (None, 16) relu'") != std::string::npos,
               log);
}

BOOST_AUTO_TEST_SUITE_END()
