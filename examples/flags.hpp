#pragma once
// A tiny --name value flag reader shared by the examples.
#include <cstdlib>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>

namespace examples {

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
            if (const auto eq = a.find('='); eq != std::string::npos) {
                value = a.substr(eq + 1);
                a = a.substr(0, eq);
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                throw std::invalid_argument("flag --" + a + " needs a value");
            }
            if (!known_.count(a)) throw std::invalid_argument("unknown flag --" + a + " (try --help)");
            values_[a] = value;
        }
    }
    bool has(const std::string& k) const { return values_.count(k) != 0; }
    std::string get(const std::string& k, const std::string& fallback) const {
        auto it = values_.find(k);
        return it == values_.end() ? fallback : it->second;
    }
    long long integer(const std::string& k, long long fallback) const {
        if (!has(k)) return fallback;
        try {
            std::size_t used = 0;
            const long long v = std::stoll(values_.at(k), &used);
            if (used == values_.at(k).size()) return v;
        } catch (const std::exception&) {
        }
        throw std::invalid_argument("flag --" + k + " wants an integer, got '" + values_.at(k) + "'");
    }
    double real(const std::string& k, double fallback) const {
        if (!has(k)) return fallback;
        try {
            std::size_t used = 0;
            const double v = std::stod(values_.at(k), &used);
            if (used == values_.at(k).size()) return v;
        } catch (const std::exception&) {
        }
        throw std::invalid_argument("flag --" + k + " wants a number, got '" + values_.at(k) + "'");
    }

private:
    std::map<std::string, std::string> known_;
    std::map<std::string, std::string> values_;
};

}  // namespace examples
