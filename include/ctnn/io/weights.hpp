#pragma once
// ctnn::save_weights / ctnn::load_weights — a Sequential's weights in a file
// (format: docs/weights-format.md).
//
// Contract:
//   save_weights(model, path, include_optimizer = false)
//     writes every Dense's kernel (K x N, Keras' layout) then bias, in layer
//     order, under a header naming the model's architecture (the signature,
//     weights_signature<Model>()), with a zlib crc32 over the whole file.
//     include_optimizer adds the training state: the optimizer's name, step
//     count and every slot tensor, and the model's seed and step counter
//     (and its shuffle generator's state where the model exposes it).
//     Guarantees: atomic (io/atomic_write.hpp) — on failure `path` keeps its
//     previous contents and std::runtime_error names the file.
//   load_weights(model, path, restore_optimizer = true)
//     reads and verifies the whole file into memory first, then copies it into
//     the model; with restore_optimizer and a training-state section, also the
//     optimizer state (the model must already be compiled with the same kind
//     of optimizer: compile() afterwards would forget it) and, where the model
//     its training_state(): seed, step counter and shuffle generator.
//     Guarantees: a failed load throws ctnn::WeightFileError naming the file,
//     its kind() telling which check failed, and leaves the model — weights
//     and optimizer — exactly as it was.
//   Errors, in the order checked: missing, io (unreadable), not_weight_file
//   (bad magic), truncated, version, byte_order, dtype, corrupt (crc32
//   mismatch, inconsistent lengths, trailing bytes), architecture (the saved
//   and the expected layer lists both shown, the first difference marked),
//   optimizer (saved with another optimizer than the model's).
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "ctnn/io/atomic_write.hpp"
#include "ctnn/model/layer_traits.hpp"
#include "ctnn/model/sequential.hpp"
#include "ctnn/train/optimizer.hpp"

namespace ctnn {

class WeightFileError : public std::runtime_error {
public:
    enum class Kind { missing, io, not_weight_file, truncated, version, byte_order, dtype, corrupt, architecture, optimizer };
    WeightFileError(Kind kind, const std::filesystem::path& file, const std::string& what)
        : std::runtime_error("ctnn::load_weights: '" + file.string() + "': " + what), kind_(kind), file_(file) {}
    Kind kind() const noexcept { return kind_; }
    const std::filesystem::path& file() const noexcept { return file_; }

private:
    Kind kind_;
    std::filesystem::path file_;
};

namespace weights_format {
inline constexpr char magic[8] = {'C', 'T', 'N', 'N', 'W', 'G', 'T', '\0'};
inline constexpr std::uint32_t version = 1;
inline constexpr std::uint32_t byte_order_mark = 0x01020304u;  // stored little-endian: 04 03 02 01
inline constexpr std::uint32_t dtype_float32 = 1;
inline constexpr std::uint32_t flag_training_state = 1u;
inline constexpr std::size_t header_size = 56;
}  // namespace weights_format

namespace detail {

template <class M, class F>
void for_each_position(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) { (f.template operator()<I>(), ...); }(
        std::make_index_sequence<M::num_layers>{});
}

template <class L>
std::string activation_name_of() {
    if constexpr (is_dense_v<L>) return L::activation_type::keras_name;
    else if constexpr (requires { L::keras_name; }) return L::keras_name;
    else return {};
}

inline std::uint64_t fnv1a64(std::string_view s) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    return h;
}

inline std::uint32_t crc32_of(const unsigned char* p, std::size_t n) noexcept {
    uLong crc = ::crc32(0L, Z_NULL, 0);
    while (n > 0) {
        const uInt chunk = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
        crc = ::crc32(crc, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return static_cast<std::uint32_t>(crc);
}

// Little-endian encoding whatever the host's byte order.
class ByteWriter {
public:
    std::string bytes;
    void u32(std::uint32_t v) {
        for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
    }
    void u64(std::uint64_t v) {
        for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
    }
    void f32s(const float* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) u32(std::bit_cast<std::uint32_t>(p[i]));
    }
    void text32(std::string_view s) {
        u32(static_cast<std::uint32_t>(s.size()));
        bytes.append(s);
    }
};

// Bounds-checked little-endian decoding; running off the end is `corrupt`
// (lengths were already checked against the file size and the crc).
class ByteReader {
public:
    ByteReader(const unsigned char* p, std::size_t n, const std::filesystem::path& file) : p_(p), n_(n), file_(file) {}
    std::uint32_t u32() {
        need(4);
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= std::uint32_t{p_[pos_ + i]} << (8 * i);
        pos_ += 4;
        return v;
    }
    std::uint64_t u64() {
        need(8);
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v |= std::uint64_t{p_[pos_ + i]} << (8 * i);
        pos_ += 8;
        return v;
    }
    void f32s(float* out, std::size_t n) {
        if (n > (n_ - pos_) / 4) fail();
        for (std::size_t i = 0; i < n; ++i) out[i] = std::bit_cast<float>(u32());
    }
    std::string text32() {
        const std::uint32_t len = u32();
        need(len);
        std::string s(reinterpret_cast<const char*>(p_ + pos_), len);
        pos_ += len;
        return s;
    }
    std::size_t remaining() const noexcept { return n_ - pos_; }

private:
    void need(std::size_t k) const {
        if (k > n_ - pos_) fail();
    }
    [[noreturn]] void fail() const {
        throw WeightFileError(WeightFileError::Kind::corrupt, file_,
                              "the training-state section is malformed (runs past the payload)");
    }
    const unsigned char* p_;
    std::size_t n_;
    std::size_t pos_ = 0;
    const std::filesystem::path& file_;
};

// The first line where two signatures differ, marked in both lists.
inline std::string signature_diff(const std::string& saved, const std::string& expected) {
    const auto lines = [](const std::string& s) {
        std::vector<std::string> v;
        std::size_t start = 0;
        while (start <= s.size()) {
            const std::size_t end = s.find('\n', start);
            v.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
            if (end == std::string::npos) break;
            start = end + 1;
        }
        return v;
    };
    const auto a = lines(saved), b = lines(expected);
    std::size_t first = 0;
    while (first < a.size() && first < b.size() && a[first] == b[first]) ++first;
    const auto show = [&](const std::vector<std::string>& v) {
        std::string s;
        for (std::size_t i = 0; i < v.size(); ++i) s += (i == first ? "\n  > " : "\n    ") + v[i];
        if (first >= v.size()) s += "\n  > (end)";
        return s;
    };
    return "saved model:" + show(a) + "\nthis model:" + show(b);
}

// Optimizer slot s belongs to layer s / 2 (kernel when even, bias when odd),
// as Sequential's train step numbers them; 0 when that layer is no Dense.
template <class M>
std::size_t slot_tensor_size(std::size_t slot) {
    std::size_t size = 0;
    for_each_position<M>([&]<std::size_t I>() {
        using L = typename M::template layer_type<I>;
        if constexpr (is_dense_v<L>) {
            constexpr std::size_t K = M::template layer_input_shape<I>::size, N = L::units;
            if (slot == 2 * I) size = K * N;
            if (slot == 2 * I + 1) size = N;
        }
    });
    return size;
}

struct TrainingState {
    std::string optimizer_name;
    std::int64_t optimizer_iterations = 0;
    std::uint64_t seed = 0;
    std::uint64_t iterations = 0;
    bool has_rng_state = false;
    std::uint64_t rng_state = 0;
    std::vector<Optimizer::SlotState> slots;
};

}  // namespace detail

// The architecture as the weight file records it: one line per layer
// position, "<index> <Keras class> <input shape> -> <output shape>" plus the
// activation for a Dense or an activation layer. Dropout rates and
// regularizers are run-time values and not part of it.
template <class Model>
std::string weights_signature() {
    std::string s;
    detail::for_each_position<Model>([&]<std::size_t I>() {
        using L = typename Model::template layer_type<I>;
        if (!s.empty()) s += '\n';
        s += std::to_string(I) + " " + layer_traits<L>::class_name + " " + Model::template layer_input_shape<I>::to_string() +
             " -> " + Model::template layer_output_shape<I>::to_string();
        if (const std::string a = detail::activation_name_of<L>(); !a.empty()) s += " " + a;
    });
    return s;
}

template <class... Ls>
void save_weights(const Sequential<Ls...>& model, const std::filesystem::path& path, bool include_optimizer = false) {
    using M = Sequential<Ls...>;
    namespace wf = weights_format;
    const std::string signature = weights_signature<M>();
    detail::ByteWriter payload;
    payload.bytes.reserve(M::param_count * 4);
    detail::for_each_position<M>([&]<std::size_t I>() {
        if constexpr (is_dense_v<typename M::template layer_type<I>>) {
            const auto& p = model.template params<I>();
            payload.f32s(p.kernel.data(), p.kernel.size());
            payload.f32s(p.bias.data(), p.bias.size());
        }
    });
    if (include_optimizer) {
        const Optimizer& opt = model.optimizer();
        payload.text32(opt.name());
        payload.u64(static_cast<std::uint64_t>(opt.iterations()));
        const auto training = model.training_state();
        payload.u64(training.seed);
        payload.u64(training.iteration);
        payload.u32(1);  // the shuffle generator's state follows
        payload.u64(training.generator);
        payload.u32(static_cast<std::uint32_t>(opt.slot_count()));
        for (std::size_t s = 0; s < opt.slot_count(); ++s) {
            const Optimizer::SlotState st = opt.slot_state(s);
            payload.text32(st.kind);
            payload.u32(static_cast<std::uint32_t>(st.tensors.size()));
            for (const auto& t : st.tensors) {
                payload.u64(t.size());
                payload.f32s(t.data(), t.size());
            }
        }
    }
    detail::ByteWriter file;
    file.bytes.reserve(wf::header_size + signature.size() + payload.bytes.size() + 4);
    file.bytes.append(wf::magic, sizeof wf::magic);
    file.u32(wf::version);
    file.u32(wf::byte_order_mark);
    file.u32(wf::dtype_float32);
    file.u32(include_optimizer ? wf::flag_training_state : 0u);
    file.u64(detail::fnv1a64(signature));
    file.u64(M::param_count);
    file.u64(signature.size());
    file.u64(payload.bytes.size());
    file.bytes += signature;
    file.bytes += payload.bytes;
    file.u32(detail::crc32_of(reinterpret_cast<const unsigned char*>(file.bytes.data()), file.bytes.size()));
    write_file_atomically(path, file.bytes, "ctnn::save_weights");
}

template <class... Ls>
void load_weights(Sequential<Ls...>& model, const std::filesystem::path& path, bool restore_optimizer = true) {
    using M = Sequential<Ls...>;
    using K = WeightFileError::Kind;
    namespace wf = weights_format;
    const auto error = [&](K kind, const std::string& what) { return WeightFileError(kind, path, what); };

    // ---- read everything ----------------------------------------------------------
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw error(K::missing, "no such file (expected a ctnn weight file written by ctnn::save_weights)");
    if (std::filesystem::is_directory(path, ec)) throw error(K::io, "is a directory, not a weight file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw error(K::io, std::string("cannot open: ") + std::strerror(errno));
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw error(K::io, "read failed");
    const std::size_t size = bytes.size();

    // ---- header ---------------------------------------------------------------------
    const std::size_t magic_seen = std::min(size, sizeof wf::magic);
    if (size == 0 || std::memcmp(bytes.data(), wf::magic, magic_seen) != 0)
        throw error(K::not_weight_file, size == 0 ? "empty file, not a ctnn weight file"
                                                  : "not a ctnn weight file (it does not start with \"CTNNWGT\\0\")");
    if (size < wf::header_size)
        throw error(K::truncated, "truncated: " + std::to_string(size) + " bytes, shorter than the " +
                                      std::to_string(wf::header_size) + "-byte header");
    detail::ByteReader head(bytes.data() + sizeof wf::magic, wf::header_size - sizeof wf::magic, path);
    const std::uint32_t version = head.u32();
    const std::uint32_t bom = head.u32();
    const std::uint32_t dtype = head.u32();
    const std::uint32_t flags = head.u32();
    const std::uint64_t sig_hash = head.u64();
    const std::uint64_t saved_params = head.u64();
    const std::uint64_t sig_len = head.u64();
    const std::uint64_t payload_len = head.u64();
    if (version != wf::version)
        throw error(K::version, "format version " + std::to_string(version) + "; this build of ctnn reads version " +
                                    std::to_string(wf::version));
    if (bom != wf::byte_order_mark)
        throw error(K::byte_order, bom == 0x04030201u ? "written in big-endian byte order; ctnn weight files are little-endian"
                                                      : "unknown byte-order mark (damaged header?)");
    if (dtype != wf::dtype_float32)
        throw error(K::dtype, "weights of dtype code " + std::to_string(dtype) + "; this build reads float32 (code 1) only");
    if (sig_len > size || payload_len > size || wf::header_size + sig_len + payload_len + 4 > size)
        throw error(K::truncated, "truncated: the header announces " +
                                      (sig_len > size || payload_len > size
                                           ? std::string("more bytes than the file holds")
                                           : std::to_string(wf::header_size + sig_len + payload_len + 4) + " bytes") +
                                      ", the file has " + std::to_string(size));
    const std::size_t expected_size = wf::header_size + sig_len + payload_len + 4;
    if (size > expected_size)
        throw error(K::corrupt, std::to_string(size - expected_size) + " unexpected bytes after the checksum");
    {
        detail::ByteReader tail(bytes.data() + size - 4, 4, path);
        const std::uint32_t stored = tail.u32();
        const std::uint32_t actual = detail::crc32_of(bytes.data(), size - 4);
        if (stored != actual) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "checksum mismatch (stored crc32 %08x, computed %08x)", stored, actual);
            throw error(K::corrupt, std::string(buf) + ": the file is damaged");
        }
    }
    const std::string saved_sig(reinterpret_cast<const char*>(bytes.data() + wf::header_size), sig_len);
    if (detail::fnv1a64(saved_sig) != sig_hash) throw error(K::corrupt, "the signature does not match its hash");

    // ---- architecture -----------------------------------------------------------------
    const std::string expected_sig = weights_signature<M>();
    if (saved_sig != expected_sig || saved_params != M::param_count)
        throw error(K::architecture, "the file holds weights of a different architecture (" +
                                         std::to_string(saved_params) + " parameters; this model has " +
                                         std::to_string(M::param_count) + ")\n" +
                                         detail::signature_diff(saved_sig, expected_sig));
    const bool has_state = (flags & wf::flag_training_state) != 0;
    if ((flags & ~wf::flag_training_state) != 0) throw error(K::corrupt, "unknown flags in the header");
    if (payload_len < M::param_count * 4 || (!has_state && payload_len != M::param_count * 4))
        throw error(K::corrupt, "payload of " + std::to_string(payload_len) + " bytes does not fit " +
                                    std::to_string(M::param_count) + " float32 parameters");

    // ---- decode into buffers ------------------------------------------------------------
    const unsigned char* payload = bytes.data() + wf::header_size + sig_len;
    std::vector<float> weights(M::param_count);
    detail::ByteReader(payload, M::param_count * 4, path).f32s(weights.data(), weights.size());
    detail::TrainingState state;
    const bool apply_state = has_state && restore_optimizer;
    if (apply_state) {
        detail::ByteReader r(payload + M::param_count * 4, payload_len - M::param_count * 4, path);
        state.optimizer_name = r.text32();
        state.optimizer_iterations = static_cast<std::int64_t>(r.u64());
        state.seed = r.u64();
        state.iterations = r.u64();
        state.has_rng_state = r.u32() != 0;
        state.rng_state = r.u64();
        const std::uint32_t slots = r.u32();
        if (slots > 2 * M::num_layers)
            throw error(K::corrupt, "the training state has " + std::to_string(slots) + " optimizer slots; at most " +
                                        std::to_string(2 * M::num_layers) + " fit this model");
        for (std::uint32_t s = 0; s < slots; ++s) {
            Optimizer::SlotState st;
            st.kind = r.text32();
            const std::uint32_t tensors = r.u32();
            if (tensors > 8) throw error(K::corrupt, "optimizer slot " + std::to_string(s) + " claims " + std::to_string(tensors) + " tensors");
            const std::size_t want = detail::slot_tensor_size<M>(s);
            for (std::uint32_t t = 0; t < tensors; ++t) {
                const std::uint64_t n = r.u64();
                if (n != 0 && n != want)
                    throw error(K::corrupt, "optimizer slot " + std::to_string(s) + " holds a tensor of " +
                                                std::to_string(n) + " values; the parameter it belongs to has " +
                                                std::to_string(want));
                std::vector<float> v(static_cast<std::size_t>(n));
                r.f32s(v.data(), v.size());
                st.tensors.push_back(std::move(v));
            }
            state.slots.push_back(std::move(st));
        }
        if (r.remaining() != 0) throw error(K::corrupt, "unexpected bytes after the training state");
        const std::string model_opt = model.optimizer().name();
        if (state.optimizer_name != model_opt)
            throw error(K::optimizer, "saved with optimizer " + state.optimizer_name + " but this model is compiled with " +
                                          model_opt + " (compile it with " + state.optimizer_name +
                                          " first, or load with restore_optimizer = false)");
    }  // else: skipped on request (the checksum covered it all the same)

    // ---- commit: only now touch the model ------------------------------------------------
    if (apply_state) {
        try {
            model.optimizer().restore_state(state.optimizer_iterations, state.slots);  // validates, then replaces
        } catch (const std::invalid_argument& e) {
            throw error(K::corrupt, std::string("bad optimizer state: ") + e.what());
        }
    }
    std::size_t at = 0;
    detail::for_each_position<M>([&]<std::size_t I>() {
        if constexpr (is_dense_v<typename M::template layer_type<I>>) {
            auto& p = model.template params<I>();
            std::copy_n(weights.data() + at, p.kernel.size(), p.kernel.begin());
            at += p.kernel.size();
            std::copy_n(weights.data() + at, p.bias.size(), p.bias.begin());
            at += p.bias.size();
        }
    });
    if (apply_state)
        model.set_training_state({state.seed, state.iterations,
                                  state.has_rng_state ? state.rng_state : model.training_state().generator});
}

}  // namespace ctnn
