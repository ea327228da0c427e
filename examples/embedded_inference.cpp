// embedded_inference: a trained network compiled into the program — no file
// is read at run time.
//
// At build time, examples/embedded/export_tiny_model trains a tiny classifier
// and writes tiny_model.hpp with ctnn::export_header (plus tiny_probes.hpp:
// probe inputs and the exact outputs of the trained model). This program
// states its own model type; tiny::load() copies the weights in and, at
// compile time, refuses a type whose layers differ from the exported ones.
// It checks its outputs bit for bit against the trained model's, then
// reports batch-1 latency: the median over 201 runs of the time per call of
// 1000 consecutive predict_one calls. Exit status 1 if an output differs.
//
//     embedded_inference          (no arguments: everything is compiled in)
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <span>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "tiny_model.hpp"   // generated: namespace tiny (weights, signature, load)
#include "tiny_probes.hpp"  // generated: namespace tiny_probes

using Tiny = ctnn::Sequential<ctnn::Input<16>, ctnn::Dense<32, ctnn::ReLU>, ctnn::Dense<32, ctnn::ReLU>,
                              ctnn::Dense<4>, ctnn::Softmax>;

int main(int argc, char** argv) {
    // It takes no arguments; one given is a mistake worth saying, not ignoring.
    if (argc > 1) {
        const bool help = std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0;
        if (!help) std::fprintf(stderr, "embedded_inference: unexpected argument '%s'\n", argv[1]);
        std::fprintf(help ? stdout : stderr,
                     "usage: %s   (no arguments: the model and its probes are compiled in)\n", argv[0]);
        return help ? 0 : 2;
    }
    Tiny model;
    tiny::load(model);  // a compile error if Tiny were not the exported architecture
    std::printf("model (%zu parameters, compiled in):\n%s\n\n", tiny::param_count, tiny::signature);

    bool exact = true;
    std::size_t correct = 0;
    for (std::size_t p = 0; p < tiny_probes::count; ++p) {
        const std::array<float, 4> out = model.predict_one(std::span<const float, 16>(tiny_probes::inputs[p]));
        const bool same = std::memcmp(out.data(), tiny_probes::expected[p], sizeof out) == 0;
        const auto cls = static_cast<std::size_t>(std::max_element(out.begin(), out.end()) - out.begin());
        exact = exact && same;
        correct += cls == tiny_probes::labels[p];
        std::printf("probe %zu: class %zu (true %zu)  p = [%.4f %.4f %.4f %.4f]  %s\n", p, cls, tiny_probes::labels[p],
                    double(out[0]), double(out[1]), double(out[2]), double(out[3]),
                    same ? "== trained model" : "DIFFERS from the trained model");
    }
    std::printf("%zu of %zu probes classified right\n\n", correct, tiny_probes::count);

    // Batch-1 latency.
    constexpr int calls = 1000, runs = 201;
    volatile float sink = 0.0f;
    std::vector<double> per_call(runs);
    std::span<const float, 16> x(tiny_probes::inputs[0]);
    for (int i = 0; i < calls; ++i) sink = sink + model.predict_one(x)[0];  // warm up
    for (int r = 0; r < runs; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < calls; ++i) sink = sink + model.predict_one(x)[0];
        per_call[r] = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / calls;
    }
    std::nth_element(per_call.begin(), per_call.begin() + runs / 2, per_call.end());
    std::printf("batch-1 latency: median %.0f ns per predict_one (%d runs of %d calls)\n", per_call[runs / 2], runs,
                calls);
    if (!exact) {
        std::fprintf(stderr, "embedded_inference: outputs differ from the trained model's\n");
        return 1;
    }
    return 0;
}
