#pragma once
// A tiny --name value flag reader shared by the examples.
//
// Every value is parsed strictly and checked against its allowed range, so a
// program can read all its flags before it does any work: a typo must not
// cost a training run. Errors are std::invalid_argument naming the flag, the
// value and what is allowed.
#include <unistd.h>  // access

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace examples {

// Throws unless `dir` is an existing directory this process may create files
// in; `what` says who wants it ("flag --save", "the current directory").
inline void require_writable_directory(const std::filesystem::path& dir, const std::string& what) {
    std::error_code ec;
    const auto status = std::filesystem::status(dir, ec);
    if (!std::filesystem::exists(status))
        throw std::invalid_argument(what + ": directory '" + dir.string() + "' does not exist");
    if (!std::filesystem::is_directory(status))
        throw std::invalid_argument(what + ": '" + dir.string() + "' is not a directory");
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        throw std::invalid_argument(what + ": cannot write in directory '" + dir.string() + "' (" +
                                    std::strerror(errno) + ")");
}

class Flags {
public:
    // `known` maps each flag (without "--") to its help text.
    Flags(int argc, char** argv, std::map<std::string, std::string> known) : known_(std::move(known)) {
        for (int i = 1; i < argc; ++i) {
            std::string a = argv[i];
            if (a == "--help" || a == "-h") {
                std::cout << "usage: " << argv[0] << " [flags]\n";
                for (const auto& [k, h] : known_) std::cout << "  --" << k << "  " << h << '\n';
                std::exit(0);
            }
            if (a.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument '" + a + "' (try --help)");
            a = a.substr(2);
            std::string value;
            const auto eq = a.find('=');
            if (eq != std::string::npos) {
                value = a.substr(eq + 1);
                a = a.substr(0, eq);
            }
            // The name first: a misspelt last flag is unknown, not short of a value.
            if (!known_.count(a)) throw std::invalid_argument("unknown flag --" + a + " (try --help)");
            if (eq == std::string::npos) {
                if (i + 1 >= argc) throw std::invalid_argument("flag --" + a + " needs a value");
                value = argv[++i];
            }
            values_[a] = value;
        }
    }

    bool has(const std::string& k) const { return values_.count(k) != 0; }

    std::string get(const std::string& k, const std::string& fallback) const {
        auto it = values_.find(k);
        return it == values_.end() ? fallback : it->second;
    }

    // An integer in [min, max]: no sign games, spaces or trailing characters
    // ("-1" for a count used to wrap to 2^64 - 1 in a size_t).
    long long get_int(const std::string& k, long long fallback, long long min, long long max) const {
        if (!has(k)) return fallback;
        const std::string& text = values_.at(k);
        long long v = 0;
        if (!parse(text, v) || v < min || v > max)
            throw std::invalid_argument("flag --" + k + " wants an integer " + range(min, max) + ", got '" + text +
                                        "'");
        return v;
    }

    // A count of something that must happen at least once (epochs, batch size).
    std::size_t get_count(const std::string& k, std::size_t fallback) const {
        return static_cast<std::size_t>(
            get_int(k, static_cast<long long>(fallback), 1, std::numeric_limits<long long>::max()));
    }

    // A seed: the same rule in every example, any unsigned 64-bit number.
    std::uint64_t get_seed(const std::string& k, std::uint64_t fallback) const {
        if (!has(k)) return fallback;
        const std::string& text = values_.at(k);
        std::uint64_t v = 0;
        if (!parse(text, v))
            throw std::invalid_argument("flag --" + k + " wants an integer from 0 to " +
                                        std::to_string(std::numeric_limits<std::uint64_t>::max()) + ", got '" +
                                        text + "'");
        return v;
    }

    // A fraction in [0, 1) (a dropout rate, a validation split).
    double get_fraction(const std::string& k, double fallback) const {
        if (!has(k)) return fallback;
        const std::string& text = values_.at(k);
        double v = 0;
        if (!parse(text, v) || !(v >= 0.0 && v < 1.0))
            throw std::invalid_argument("flag --" + k + " wants a number >= 0 and < 1, got '" + text + "'");
        return v;
    }

    // A set of integers in [min, max] written as "1-4,16": items separated by
    // commas, each a number or an ascending range a-b.
    std::set<long long> get_int_set(const std::string& k, const std::string& fallback, long long min,
                                    long long max) const {
        const std::string text = get(k, fallback);
        const auto bad = [&](const std::string& why) {
            return std::invalid_argument("flag --" + k + " wants numbers " + range(min, max) +
                                         " or ranges a-b separated by commas (e.g. 1-4,16), got '" + text +
                                         "': " + why);
        };
        std::set<long long> out;
        std::size_t start = 0;
        while (true) {
            const std::size_t comma = std::min(text.find(',', start), text.size());
            const std::string item = text.substr(start, comma - start);
            if (item.empty()) throw bad("empty item");
            const std::size_t dash = item.find('-');
            long long lo = 0, hi = 0;
            if (!parse(item.substr(0, dash), lo) ||
                !parse(dash == std::string::npos ? item : item.substr(dash + 1), hi))
                throw bad("'" + item + "' is not a number or a range a-b");
            if (lo < min || lo > max || hi < min || hi > max) throw bad("'" + item + "' is outside " + range(min, max));
            if (lo > hi) throw bad("'" + item + "' is a descending range");
            for (long long r = lo; r <= hi; ++r) out.insert(r);
            if (comma == text.size()) return out;
            start = comma + 1;
        }
    }

    // A file the program will write: its directory must exist and be
    // writable now, so a typo is reported before the work, not after it.
    // An empty fallback with the flag absent gives an empty path (no file).
    std::filesystem::path get_output_file(const std::string& k, const std::filesystem::path& fallback) const {
        const std::filesystem::path p = has(k) ? std::filesystem::path(values_.at(k)) : fallback;
        if (p.empty()) {
            if (has(k)) throw std::invalid_argument("flag --" + k + " wants a file name, got ''");
            return p;
        }
        std::error_code ec;
        if (std::filesystem::is_directory(p, ec))
            throw std::invalid_argument("flag --" + k + ": '" + p.string() + "' is a directory, not a file");
        require_writable_directory(p.has_parent_path() ? p.parent_path() : std::filesystem::path("."),
                                   "flag --" + k + " '" + p.string() + "'");
        if (std::filesystem::exists(p, ec) && ::access(p.c_str(), W_OK) != 0)
            throw std::invalid_argument("flag --" + k + ": cannot write '" + p.string() + "' (" +
                                        std::strerror(errno) + ")");
        return p;
    }

private:
    // The whole text must be the number (from_chars takes no spaces or '+').
    template <class T>
    static bool parse(std::string_view text, T& out) {
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
        return ec == std::errc{} && end == text.data() + text.size();
    }

    static std::string range(long long min, long long max) {
        if (max == std::numeric_limits<long long>::max()) return ">= " + std::to_string(min);
        return "from " + std::to_string(min) + " to " + std::to_string(max);
    }

    std::map<std::string, std::string> known_;
    std::map<std::string, std::string> values_;
};

}  // namespace examples
