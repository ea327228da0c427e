#pragma once
// ctnn::Progbar — Keras' training progress line (keras.utils.Progbar).
//
// Contract: update(current, metrics) redraws the line; on a terminal the
// line is redrawn in place (at most every 50 ms and at the end), otherwise
// only the finished line is printed, once. verbose 1 gives
//   469/469 [==============================] - 1s 2ms/step - loss: 0.4213 - accuracy: 0.8712
// and verbose 2 gives Keras' one-line epoch summary
//   469/469 - 1s - loss: 0.4213 - accuracy: 0.8712 - 1s/epoch - 2ms/step
// Numbers follow Keras' formats: "%.4f" (or "%.4e" when |v| < 1e-3), times
// "%.0fs", step times in s, ms or us. With verbose 1 the time per step (and
// so the ETA) leaves out the first step, which carries one-time set-up, as
// Keras' _estimate_step_duration does; verbose 2 divides the whole time.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace ctnn {

class Progbar {
public:
    using Metrics = std::vector<std::pair<std::string, double>>;
    using Clock = std::chrono::steady_clock;

    // `start` is the time the first step began (now, unless a test says).
    Progbar(std::size_t target, int verbose, std::ostream& out, bool interactive, Clock::time_point start = Clock::now())
        : target_(target), verbose_(verbose), out_(out), interactive_(interactive), start_(start), last_draw_(start_) {}

    // Whether stdout is a terminal (in-place updates).
    static bool stdout_is_terminal() noexcept { return ::isatty(STDOUT_FILENO) == 1; }

    void update(std::size_t current, const Metrics& metrics) { update(current, metrics, Clock::now()); }
    // The same at a given time (tests).
    void update(std::size_t current, const Metrics& metrics, Clock::time_point now) {
        const bool done = current >= target_;
        if (verbose_ == 0) return;
        if (verbose_ == 1 && current == 1 && !done) after_first_step_ = now;
        if (verbose_ == 2) {
            if (done) out_ << summary_line(current, metrics, now) << '\n' << std::flush;
            return;
        }
        if (!interactive_) {
            if (done) out_ << bar_line(current, metrics, now) << '\n' << std::flush;
            return;
        }
        if (!done && now - last_draw_ < std::chrono::milliseconds(50)) return;
        last_draw_ = now;
        std::string line = bar_line(current, metrics, now);
        const std::size_t width = line.size();
        if (width < prev_width_) line.append(prev_width_ - width, ' ');
        prev_width_ = width;
        out_ << '\r' << line;
        if (done) out_ << '\n';
        out_ << std::flush;
    }

    static std::string format_value(double v) {
        char buf[64];
        std::snprintf(buf, sizeof buf, std::fabs(v) > 1e-3 ? "%.4f" : "%.4e", v);
        return buf;
    }
    // Keras' _format_time: "%.0fs/<unit>" from 1 s (or exactly 0), else ms, else us.
    static std::string format_time(double seconds, const char* unit) {
        char buf[64];
        if (seconds >= 1 || seconds == 0)
            std::snprintf(buf, sizeof buf, "%.0fs/%s", seconds, unit);
        else if (seconds >= 1e-3)
            std::snprintf(buf, sizeof buf, "%.0fms/%s", seconds * 1e3, unit);
        else
            std::snprintf(buf, sizeof buf, "%.0fus/%s", seconds * 1e6, unit);
        return buf;
    }
    static std::string format_step_time(double seconds_per_step) { return format_time(seconds_per_step, "step"); }
    static std::string format_eta(double eta) {
        char buf[64];
        const long e = static_cast<long>(eta);  // Python's %d truncates
        if (eta > 3600)
            std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", e / 3600, (e % 3600) / 60, e % 60);
        else if (eta > 60)
            std::snprintf(buf, sizeof buf, "%ld:%02ld", e / 60, e % 60);
        else
            std::snprintf(buf, sizeof buf, "%lds", e);
        return buf;
    }
    // " 47/469 [==>...........................]" with Keras' arithmetic.
    static std::string bar(std::size_t current, std::size_t target, std::size_t width = 30) {
        const int digits = static_cast<int>(std::log10(static_cast<double>(target))) + 1;
        char head[64];
        std::snprintf(head, sizeof head, "%*zu/%zu [", digits, current, target);
        std::string s = head;
        const std::size_t prog = static_cast<std::size_t>(static_cast<double>(width) * current / target);
        if (prog > 0) {
            s.append(prog - 1, '=');
            s += current < target ? '>' : '=';
        }
        s.append(width - std::min(prog, width), '.');
        return s + "]";
    }

private:
    double elapsed(Clock::time_point now) const {
        return std::chrono::duration<double>(now - start_).count();
    }
    static std::string metrics_text(const Metrics& metrics) {
        std::string s;
        for (const auto& [name, value] : metrics) s += " - " + name + ": " + format_value(value);
        return s;
    }
    std::string bar_line(std::size_t current, const Metrics& metrics, Clock::time_point now) const {
        const double t = elapsed(now);
        double per_step = current ? t / static_cast<double>(current) : 0.0;
        if (after_first_step_ && current > 1)
            per_step = std::chrono::duration<double>(now - *after_first_step_).count() / static_cast<double>(current - 1);
        std::string s = bar(current, target_);
        char buf[64];
        if (current < target_) {
            s += " - ETA: " + format_eta(per_step * static_cast<double>(target_ - current));
        } else {
            std::snprintf(buf, sizeof buf, " - %.0fs ", t);
            s += buf + format_step_time(per_step);
        }
        return s + metrics_text(metrics);
    }
    std::string summary_line(std::size_t current, const Metrics& metrics, Clock::time_point now) const {
        const double t = elapsed(now);
        char buf[96];
        std::snprintf(buf, sizeof buf, "%zu/%zu - %.0fs", current, target_, t);
        std::string s = buf + metrics_text(metrics);
        return s + " - " + format_time(t, "epoch") + " - " +
               format_step_time(current ? t / static_cast<double>(current) : 0.0);
    }

    std::size_t target_;
    int verbose_;
    std::ostream& out_;
    bool interactive_;
    Clock::time_point start_, last_draw_;
    std::optional<Clock::time_point> after_first_step_;  // verbose 1: when step 1 was reported
    std::size_t prev_width_ = 0;
};

}  // namespace ctnn
