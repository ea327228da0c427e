#pragma once
// ctnn::gradient_descent_1d — plain gradient descent on one scalar parameter.
//
// The chapter's illustration (Figure 1.3.7): minimise y = x^2 - x - 1 with
// dy/dx = 2x - 1 from x = -0.5 at learning rate 0.01; the first step lands on
// x = -0.48 and the walk ends at the minimum x = 0.5, y = -1.25. It is what
// SGD does to every weight, reduced to one weight so the path can be printed
// and plotted.
//
// Contract:
//   gradient_descent_1d(f, df, x0, learning_rate, max_steps, tolerance)
//     accepts: callables f(double) -> double and df(double) -> double (the
//              derivative of f); a positive learning rate.
//     guarantees: path.steps[k] is the point visited after k updates
//              x_{k+1} = x_k - learning_rate * df(x_k), with its value and
//              gradient; steps[0] is the start. The walk stops at the first
//              point with |df(x)| < tolerance (converged = true), at
//              max_steps updates, or at the first point whose x, y or gradient
//              is not finite (diverged = true; that point is recorded so
//              callers can show it).
#include <cmath>
#include <concepts>
#include <cstddef>
#include <vector>

namespace ctnn {

struct DescentStep {
    std::size_t step;
    double x;
    double y;
    double gradient;
};

struct DescentPath {
    std::vector<DescentStep> steps;
    bool converged = false;
    bool diverged = false;
    const DescentStep& last() const { return steps.back(); }
};

template <class F, class DF>
    requires std::invocable<F&, double> && std::invocable<DF&, double>
DescentPath gradient_descent_1d(F f, DF df, double x0, double learning_rate, std::size_t max_steps,
                                double tolerance = 1e-6) {
    DescentPath path;
    double x = x0;
    for (std::size_t k = 0;; ++k) {
        const double y = f(x), g = df(x);
        path.steps.push_back({k, x, y, g});
        if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(g)) {
            path.diverged = true;
            break;
        }
        if (std::abs(g) < tolerance) {
            path.converged = true;
            break;
        }
        if (k == max_steps) break;
        x -= learning_rate * g;
    }
    return path;
}

}  // namespace ctnn
