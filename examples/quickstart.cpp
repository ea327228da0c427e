// The README's fifteen lines, built with the project so they cannot rot.
#include <cstdio>

#include "ctnn/ctnn.hpp"
using namespace ctnn;

using Mlp = Sequential<Input<784>, Dense<256>, ReLU, Dropout, Dense<256>, ReLU, Dropout, Dense<10>, Softmax>;
static_assert(Mlp::param_count == 269'322);

int main() {
    auto [train, test] = mnist::load_data();
    auto x = train.x.reshape<784>().astype<float>() / 255.0f;
    Mlp model{Input<784>{}, Dense<256>{}, ReLU{}, Dropout{0.45}, Dense<256>{}, ReLU{}, Dropout{0.45}, Dense<10>{}, Softmax{}};
    model.summary();
    model.compile(categorical_crossentropy, Adam{}, {"accuracy"});
    model.fit(x, to_categorical<10>(train.y), {.epochs = 20, .batch_size = 128});
    auto [loss, acc] = model.evaluate(test.x.reshape<784>().astype<float>() / 255.0f, to_categorical<10>(test.y));
    std::printf("Test accuracy: %.1f%%\n", 100 * acc);
}
