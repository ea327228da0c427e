#pragma once
// ctnn callbacks — Keras' fit() callbacks with Keras' parameters and defaults.
//
// Contract: a Callback receives on_train_begin / on_epoch_begin /
// on_batch_end / on_epoch_end / on_train_end with Keras' `logs` ("loss",
// "accuracy", "val_loss", "val_accuracy"; on_batch_end gets the epoch's
// running means so far) and a ModelAccess through which it may stop training
// (seen after the current batch), read or set the learning rate, snapshot and
// restore the weights, save them, or add to the epoch's logs. Epochs are
// counted from 0 as in Keras (messages print epoch + 1). Provided:
//   EarlyStopping(monitor "val_loss", min_delta 0, patience 0, verbose 0,
//                 mode "auto", baseline none, restore_best_weights false)
//   ModelCheckpoint(filepath with {epoch:02d} / {val_loss:.4f} fields,
//                 monitor "val_loss", verbose 0, save_best_only false,
//                 save_weights_only false, mode "auto")
//   TerminateOnNaN()                      stop at a NaN or infinite batch loss
//   CSVLogger(filename, separator ',', append false)
//   LearningRateScheduler(schedule(epoch, lr) -> lr, verbose 0); logs "lr"
//   LambdaCallback                        user code per event
// Derive from Callback for your own.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ctnn {

// Ordered name -> value pairs, as Keras' logs dict.
struct Logs {
    std::vector<std::pair<std::string, double>> values;
    std::optional<double> get(const std::string& name) const {
        for (const auto& [n, v] : values)
            if (n == name) return v;
        return std::nullopt;
    }
    void set(const std::string& name, double v) {
        for (auto& [n, old] : values)
            if (n == name) {
                old = v;
                return;
            }
        values.push_back({name, v});
    }
};

// What a callback may do to the model being trained.
class ModelAccess {
public:
    virtual ~ModelAccess() = default;
    virtual void stop_training() = 0;
    virtual float learning_rate() const = 0;
    virtual void set_learning_rate(float lr) = 0;
    virtual std::vector<float> get_weights() const = 0;
    virtual void set_weights(const std::vector<float>& w) = 0;
    // Writes a weight file (with the optimizer state unless weights_only).
    virtual void save(const std::filesystem::path& file, bool weights_only) = 0;
    virtual std::ostream& out() = 0;
    // Adds (or replaces) a value in the epoch's logs, as a Keras callback
    // writes logs['lr']: callbacks after this one and History see it. Valid
    // only inside on_epoch_end; do not call it while iterating logs.values.
    virtual void set_epoch_log(const std::string& name, double value) = 0;
};

class Callback {
public:
    virtual ~Callback() = default;
    virtual void on_train_begin(ModelAccess&) {}
    virtual void on_epoch_begin(std::size_t /*epoch*/, ModelAccess&) {}
    virtual void on_batch_end(std::size_t /*batch*/, const Logs&, ModelAccess&) {}
    virtual void on_epoch_end(std::size_t /*epoch*/, const Logs&, ModelAccess&) {}
    virtual void on_train_end(ModelAccess&) {}
};

// The callbacks handed to fit: `.callbacks = {&early_stopping, &checkpoint}`.
// A fixed-capacity list of non-owning pointers (the callbacks outlive fit);
// no heap, so FitOptions stays a plain aggregate.
class CallbackList {
public:
    static constexpr std::size_t capacity = 16;
    CallbackList() = default;
    CallbackList(std::initializer_list<Callback*> callbacks) {  // NOLINT: braces read like Keras' list
        for (Callback* c : callbacks) push_back(c);
    }
    void push_back(Callback* c) {
        if (c == nullptr) throw std::invalid_argument("ctnn::fit: a callback pointer is null");
        if (count_ == capacity)
            throw std::invalid_argument("ctnn::fit: at most " + std::to_string(capacity) + " callbacks");
        items_[count_++] = c;
    }
    Callback* const* begin() const noexcept { return items_.data(); }
    Callback* const* end() const noexcept { return items_.data() + count_; }
    std::size_t size() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }

private:
    std::array<Callback*, capacity> items_{};
    std::size_t count_ = 0;
};

namespace detail {
// Keras' mode "auto": maximise accuracies, minimise everything else.
inline bool monitor_maximises(const std::string& monitor, const std::string& mode) {
    if (mode == "max") return true;
    if (mode == "min") return false;
    if (mode != "auto") throw std::invalid_argument("ctnn: mode must be 'auto', 'min' or 'max', got '" + mode + "'");
    return monitor.find("acc") != std::string::npos;
}
}  // namespace detail

namespace detail {
// Python's repr(float): the shortest digits that read back to the same value,
// in positional notation for 1e-4 <= |v| < 1e16 (with at least one digit after
// the point) and in scientific notation otherwise ("1e-05", "1.5e+16").
inline std::string python_float_repr(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    char buf[64];
    const auto end = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific).ptr;
    std::string s(buf, end);  // "-d.ddde+XX", shortest round trip
    std::string sign;
    if (s[0] == '-') sign = "-", s.erase(0, 1);
    const std::size_t e = s.find('e');
    const int exponent = std::stoi(s.substr(e + 1));
    std::string digits;
    for (char c : s.substr(0, e))
        if (c != '.') digits += c;
    if (exponent < -4 || exponent >= 16) {
        std::string mantissa = digits.substr(0, 1);
        if (digits.size() > 1) mantissa += "." + digits.substr(1);
        char exp[16];
        std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        return sign + mantissa + exp;
    }
    if (exponent < 0) return sign + "0." + std::string(std::size_t(-exponent - 1), '0') + digits;
    const std::size_t int_digits = std::size_t(exponent) + 1;
    if (digits.size() <= int_digits) return sign + digits + std::string(int_digits - digits.size(), '0') + ".0";
    return sign + digits.substr(0, int_digits) + "." + digits.substr(int_digits);
}

// One replacement field's value under a Python format spec
// "[sign][0][width][.precision][type]" (type d, f, F, e, E, g, G or none).
// Anything else is refused by name rather than handed to printf.
inline std::string format_field(const std::string& pattern, const std::string& name, const std::string& spec,
                                double value, bool is_int) {
    const auto refuse = [&](const std::string& why) {
        return std::invalid_argument("ctnn::ModelCheckpoint: field '{" + name + (spec.empty() ? "" : ":" + spec) +
                                     "}' in '" + pattern + "': " + why +
                                     " (supported: [sign][0][width][.precision][type], type one of d f F e E g G)");
    };
    std::size_t i = 0;
    std::string flags;
    if (i < spec.size() && (spec[i] == '+' || spec[i] == '-' || spec[i] == ' ')) {
        if (spec[i] != '-') flags += spec[i];
        ++i;
    }
    if (i < spec.size() && spec[i] == '0') flags += '0', ++i;
    const auto number = [&](const char* what) {
        const std::size_t from = i;
        while (i < spec.size() && spec[i] >= '0' && spec[i] <= '9') ++i;
        if (i - from > 3) throw refuse(std::string(what) + " has more than 3 digits");
        return i == from ? -1 : std::stoi(spec.substr(from, i - from));
    };
    const int width = number("the width");
    int precision = -1;
    if (i < spec.size() && spec[i] == '.') {
        ++i;
        precision = number("the precision");
        if (precision < 0) throw refuse("'.' without a precision");
    }
    char type = 0;
    if (i < spec.size()) type = spec[i++];
    if (i != spec.size() || (type != 0 && std::string_view("dfFeEgG").find(type) == std::string_view::npos))
        throw refuse("unsupported format spec '" + spec + "'");
    if (type == 'd' && !is_int) throw refuse("'d' formats integers and " + name + " is a float (use .Nf)");
    if (type == 'd' && precision >= 0) throw refuse("precision not allowed with 'd'");

    std::string text;
    if (type == 0 && precision < 0) {
        // Python's str(): the integer, or repr of the float.
        text = is_int ? std::to_string(static_cast<long long>(value)) : python_float_repr(value);
        if (text[0] != '-' && (flags.find('+') != std::string::npos || flags.find(' ') != std::string::npos))
            text.insert(0, 1, flags.find('+') != std::string::npos ? '+' : ' ');
    } else {
        std::string format = "%";
        for (char f : flags)
            if (f != '0') format += f;
        if (precision >= 0) format += "." + std::to_string(precision);
        // Python's empty type with a precision is 'g' that keeps ".0" on whole numbers.
        const char conversion = type == 0 ? 'g' : type;
        char buf[1400];  // fits %.999f of the largest double: 309 digits, the point, 999 decimals, a sign
        if (conversion == 'd')
            std::snprintf(buf, sizeof buf, (format + "lld").c_str(), static_cast<long long>(value));
        else
            std::snprintf(buf, sizeof buf, (format + conversion).c_str(), value);
        text = buf;
        if (type == 0 && std::isfinite(value) && text.find_first_of(".e") == std::string::npos) text += ".0";
    }
    // Numbers align right; '0' pads with zeros after the sign, as Python does.
    if (width > 0 && text.size() < std::size_t(width)) {
        const std::size_t pad = std::size_t(width) - text.size();
        if (flags.find('0') != std::string::npos)
            text.insert(text[0] == '-' || text[0] == '+' || text[0] == ' ' ? 1 : 0, pad, '0');
        else
            text.insert(0, pad, ' ');
    }
    return text;
}
}  // namespace detail

// Python's str.format for a checkpoint path, as Keras applies it:
// "{epoch:02d}" (the 1-based epoch, an integer), "{val_loss:.4f}" (any log
// value, a float), "{{" and "}}" for braces. A field naming no log value, an
// unsupported spec or a stray brace throws std::invalid_argument naming the
// field and the pattern.
inline std::string format_filepath(const std::string& pattern, std::size_t epoch, const Logs& logs) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '}') {
            if (i + 1 < pattern.size() && pattern[i + 1] == '}') {
                out += '}', ++i;
                continue;
            }
            throw std::invalid_argument("ctnn::ModelCheckpoint: single '}' in '" + pattern + "' (write '}}' for a brace)");
        }
        if (c != '{') {
            out += c;
            continue;
        }
        if (i + 1 < pattern.size() && pattern[i + 1] == '{') {
            out += '{', ++i;
            continue;
        }
        const std::size_t close = pattern.find('}', i);
        if (close == std::string::npos) throw std::invalid_argument("ctnn::ModelCheckpoint: unclosed '{' in '" + pattern + "'");
        const std::string field = pattern.substr(i + 1, close - i - 1);
        const std::size_t colon = field.find(':');
        const std::string name = field.substr(0, colon);
        const std::string spec = colon == std::string::npos ? "" : field.substr(colon + 1);
        if (name.empty() || name.find_first_of("{!") != std::string::npos)
            throw std::invalid_argument("ctnn::ModelCheckpoint: field '{" + field + "}' in '" + pattern +
                                        "' must name 'epoch' or a log value");
        if (name == "epoch") {
            out += detail::format_field(pattern, name, spec, static_cast<double>(epoch), true);
        } else if (auto v = logs.get(name)) {
            out += detail::format_field(pattern, name, spec, *v, false);
        } else {
            throw std::invalid_argument("ctnn::ModelCheckpoint: '" + pattern + "' names '" + name +
                                        "', which is not in the logs");
        }
        i = close;
    }
    return out;
}

struct EarlyStoppingOptions {
    std::string monitor = "val_loss";
    double min_delta = 0.0;
    std::size_t patience = 0;
    int verbose = 0;
    std::string mode = "auto";
    std::optional<double> baseline{};
    bool restore_best_weights = false;
};

class EarlyStopping : public Callback {
public:
    explicit EarlyStopping(EarlyStoppingOptions o = {}) : o_(std::move(o)) {
        maximise_ = detail::monitor_maximises(o_.monitor, o_.mode);
        min_delta_ = maximise_ ? std::fabs(o_.min_delta) : -std::fabs(o_.min_delta);
    }
    void on_train_begin(ModelAccess&) override {
        wait_ = 0;
        stopped_epoch_ = 0;
        best_epoch_ = 0;
        best_ = maximise_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        best_weights_.clear();
    }
    void on_epoch_end(std::size_t epoch, const Logs& logs, ModelAccess& m) override {
        const auto current = logs.get(o_.monitor);
        if (!current) {
            m.out() << "WARNING: Early stopping conditioned on metric `" << o_.monitor
                    << "` which is not available.\n";
            return;
        }
        if (o_.restore_best_weights && best_weights_.empty()) best_weights_ = m.get_weights();
        ++wait_;
        if (improves(*current, best_)) {
            best_ = *current;
            best_epoch_ = epoch;
            if (o_.restore_best_weights) best_weights_ = m.get_weights();
            // Keras: restart the wait only when both the best and the baseline are beaten.
            if (!o_.baseline || improves(*current, *o_.baseline)) {
                wait_ = 0;
                return;
            }
        }
        if (wait_ >= o_.patience && epoch > 0) {
            stopped_epoch_ = epoch;
            m.stop_training();
            if (o_.restore_best_weights && !best_weights_.empty()) {
                if (o_.verbose > 0)
                    m.out() << "Restoring model weights from the end of the best epoch: " << best_epoch_ + 1 << ".\n";
                m.set_weights(best_weights_);
            }
        }
    }
    void on_train_end(ModelAccess& m) override {
        if (stopped_epoch_ > 0 && o_.verbose > 0) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "Epoch %05zu: early stopping\n", stopped_epoch_ + 1);
            m.out() << buf;
        }
    }
    std::size_t stopped_epoch() const noexcept { return stopped_epoch_; }
    std::size_t best_epoch() const noexcept { return best_epoch_; }
    double best() const noexcept { return best_; }

private:
    bool improves(double value, double reference) const {
        return maximise_ ? value - min_delta_ > reference : value - min_delta_ < reference;
    }
    EarlyStoppingOptions o_;
    bool maximise_ = false;
    double min_delta_ = 0;
    std::size_t wait_ = 0, stopped_epoch_ = 0, best_epoch_ = 0;
    double best_ = 0;
    std::vector<float> best_weights_;
};

struct ModelCheckpointOptions {
    std::string monitor = "val_loss";
    int verbose = 0;
    bool save_best_only = false;
    bool save_weights_only = false;
    std::string mode = "auto";
};

class ModelCheckpoint : public Callback {
public:
    explicit ModelCheckpoint(std::string filepath, ModelCheckpointOptions o = {})
        : filepath_(std::move(filepath)), o_(std::move(o)) {
        maximise_ = detail::monitor_maximises(o_.monitor, o_.mode);
        best_ = maximise_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    }
    void on_epoch_end(std::size_t epoch, const Logs& logs, ModelAccess& m) override {
        const std::string file = format_filepath(filepath_, epoch + 1, logs);
        char buf[512];
        if (o_.save_best_only) {
            const auto current = logs.get(o_.monitor);
            if (!current) {
                m.out() << "WARNING: Can save best model only with " << o_.monitor << " available, skipping.\n";
                return;
            }
            if (maximise_ ? *current > best_ : *current < best_) {
                if (o_.verbose > 0) {
                    std::snprintf(buf, sizeof buf, "\nEpoch %05zu: %s improved from %0.5f to %0.5f, saving model to %s\n",
                                  epoch + 1, o_.monitor.c_str(), best_, *current, file.c_str());
                    m.out() << buf;
                }
                best_ = *current;
                m.save(file, o_.save_weights_only);
            } else if (o_.verbose > 0) {
                std::snprintf(buf, sizeof buf, "\nEpoch %05zu: %s did not improve from %0.5f\n", epoch + 1,
                              o_.monitor.c_str(), best_);
                m.out() << buf;
            }
            return;
        }
        if (o_.verbose > 0) {
            std::snprintf(buf, sizeof buf, "\nEpoch %05zu: saving model to %s\n", epoch + 1, file.c_str());
            m.out() << buf;
        }
        m.save(file, o_.save_weights_only);
    }

private:
    std::string filepath_;
    ModelCheckpointOptions o_;
    bool maximise_ = false;
    double best_ = 0;
};

class TerminateOnNaN : public Callback {
public:
    void on_batch_end(std::size_t batch, const Logs& logs, ModelAccess& m) override {
        const auto loss = logs.get("loss");
        if (loss && !std::isfinite(*loss)) {
            m.out() << "Batch " << batch << ": Invalid loss, terminating training\n";
            m.stop_training();
            terminated_ = true;
        }
    }
    bool terminated() const noexcept { return terminated_; }

private:
    bool terminated_ = false;
};

class CSVLogger : public Callback {
public:
    explicit CSVLogger(std::filesystem::path filename, char separator = ',', bool append = false)
        : file_(std::move(filename)), sep_(separator), append_(append) {}
    void on_train_begin(ModelAccess&) override {
        const bool had = append_ && std::filesystem::exists(file_) && std::filesystem::file_size(file_) > 0;
        out_.open(file_, append_ ? std::ios::app : std::ios::trunc);
        if (!out_) throw std::runtime_error("ctnn::CSVLogger: cannot open '" + file_.string() + "' for writing");
        header_written_ = had;
    }
    void on_epoch_end(std::size_t epoch, const Logs& logs, ModelAccess&) override {
        // Keras writes the keys sorted, after "epoch".
        auto values = logs.values;
        std::sort(values.begin(), values.end());
        if (!header_written_) {
            out_ << "epoch";
            for (const auto& [n, v] : values) out_ << sep_ << n;
            out_ << '\n';
            header_written_ = true;
        }
        out_ << epoch;
        for (const auto& [n, v] : values) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.17g", v);
            out_ << sep_ << buf;
        }
        out_ << '\n' << std::flush;
    }
    void on_train_end(ModelAccess&) override { out_.close(); }

private:
    std::filesystem::path file_;
    char sep_;
    bool append_;
    bool header_written_ = false;
    std::ofstream out_;
};

class LearningRateScheduler : public Callback {
public:
    using Schedule = std::function<float(std::size_t epoch, float lr)>;
    explicit LearningRateScheduler(Schedule schedule, int verbose = 0) : schedule_(std::move(schedule)), verbose_(verbose) {}
    // Keras logs the learning rate of the epoch as "lr".
    void on_epoch_end(std::size_t, const Logs&, ModelAccess& m) override {
        m.set_epoch_log("lr", static_cast<double>(m.learning_rate()));
    }
    void on_epoch_begin(std::size_t epoch, ModelAccess& m) override {
        const float lr = schedule_(epoch, m.learning_rate());
        if (!std::isfinite(lr)) throw std::invalid_argument("ctnn::LearningRateScheduler: the schedule returned a non-finite learning rate");
        m.set_learning_rate(lr);
        if (verbose_ > 0) {
            char buf[128];
            std::snprintf(buf, sizeof buf, "\nEpoch %05zu: LearningRateScheduler setting learning rate to %g.\n", epoch + 1,
                          static_cast<double>(lr));
            m.out() << buf;
        }
    }

private:
    Schedule schedule_;
    int verbose_;
};

// User code per event, like keras.callbacks.LambdaCallback.
struct LambdaCallback : Callback {
    std::function<void(std::size_t, ModelAccess&)> epoch_begin;
    std::function<void(std::size_t, const Logs&, ModelAccess&)> epoch_end;
    std::function<void(std::size_t, const Logs&, ModelAccess&)> batch_end;
    std::function<void(ModelAccess&)> train_end;
    void on_epoch_begin(std::size_t e, ModelAccess& m) override {
        if (epoch_begin) epoch_begin(e, m);
    }
    void on_epoch_end(std::size_t e, const Logs& l, ModelAccess& m) override {
        if (epoch_end) epoch_end(e, l, m);
    }
    void on_batch_end(std::size_t b, const Logs& l, ModelAccess& m) override {
        if (batch_end) batch_end(b, l, m);
    }
    void on_train_end(ModelAccess& m) override {
        if (train_end) train_end(m);
    }
};

}  // namespace ctnn
