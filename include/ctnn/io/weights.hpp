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
//     count and every slot tensor, and the model's training_state() (seed,
//     step counter and shuffle generator state).
//     Guarantees: atomic (io/atomic_write.hpp) — on failure `path` keeps its
//     previous contents and std::runtime_error names the file.
//   load_weights(model, path, restore_optimizer = true)
//     accepts: a regular file (a FIFO, device or directory is refused unread;
//     it is opened non-blocking, so a FIFO cannot hang it) of at most the
//     size a weight file of this model can have (header, signature, weights and
//     the largest training state; see detail::max_weight_file_size). A larger
//     file is refused after its 56-byte header is read, with both sizes named.
//     Then it reads and verifies the whole file in memory and copies it into
//     the model; with restore_optimizer and a training-state section, also the
//     optimizer state (the model must already be compiled with the same kind
//     of optimizer: compile() afterwards would forget it) and the model's own
//     training state (Sequential::set_training_state: seed, step counter and
//     shuffle generator), so dropout masks and fit()'s shuffling continue.
//     Guarantees: a failed load throws ctnn::WeightFileError naming the file,
//     its kind() telling which check failed, and leaves the model — weights
//     and optimizer — exactly as it was.
//   Errors, in the order checked: missing; io (unreadable, not a regular
//   file); not_weight_file (bad magic); truncated (shorter than the header);
//   corrupt or architecture when larger than this model's files can be; then
//   the crc32, which covers the header: a header damaged in one field (the
//   magic included) is corrupt ("damaged header", naming the field); only
//   then byte_order, version, dtype (a file another writer made, its crc
//   intact or its layout unknown), truncated (shorter than the lengths a
//   consistent header announces), corrupt (crc32 mismatch, bytes after the
//   checksum, unknown flags, inconsistent lengths), architecture (the saved
//   and the expected layer lists both shown, the first difference marked),
//   optimizer (saved with another optimizer than the model's).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
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

// One line of weights_signature (and of export_header's layer checks). Not a
// template: each layer adds a call, not its own copy of the string building,
// which every program that saves weights compiled again.
inline void append_signature_line(std::string& s, std::size_t position, std::string_view class_name,
                                  const std::string& input_shape, const std::string& output_shape,
                                  std::string_view activation) {
    if (!s.empty()) s += '\n';
    s += std::to_string(position);
    s += ' ';
    s += class_name;
    s += ' ';
    s += input_shape;
    s += " -> ";
    s += output_shape;
    if (!activation.empty()) {
        s += ' ';
        s += activation;
    }
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

// The fixed 56-byte header (docs/weights-format.md), decoded.
struct WeightHeader {
    std::uint32_t version = 0, byte_order = 0, dtype = 0, flags = 0;
    std::uint64_t signature_hash = 0, params = 0, signature_size = 0, payload_size = 0;

    // 56 + S + L + 4, or UINT64_MAX when the lengths are too large to add.
    std::uint64_t announced_size() const noexcept {
        constexpr std::uint64_t limit = std::uint64_t{1} << 62;
        if (signature_size >= limit || payload_size >= limit) return std::numeric_limits<std::uint64_t>::max();
        return weights_format::header_size + signature_size + payload_size + 4;
    }
};

inline WeightHeader decode_header(const unsigned char* p, const std::filesystem::path& file) {
    ByteReader r(p + sizeof weights_format::magic, weights_format::header_size - sizeof weights_format::magic, file);
    WeightHeader h;
    h.version = r.u32();
    h.byte_order = r.u32();
    h.dtype = r.u32();
    h.flags = r.u32();
    h.signature_hash = r.u64();
    h.params = r.u64();
    h.signature_size = r.u64();
    h.payload_size = r.u64();
    return h;
}

// The largest file load_weights<M> reads: the header, M's signature, the 4P
// bytes of weights, the largest training state the loader accepts (at most
// 2 slots per layer position of at most 8 tensors each, the tensors of a slot
// no larger than its parameter, so at most 8 x 4P bytes of them; optimizer
// name and slot kinds of up to 256 bytes each) and the checksum. A larger
// file cannot be a weight file of M and is refused before it is read.
template <class M>
std::uint64_t max_weight_file_size(std::size_t signature_size) {
    constexpr std::uint64_t P = M::param_count, slots = 2 * M::num_layers, text = 4 + 256;
    constexpr std::uint64_t state = text + 8 + 8 + 8 + 4 + 8 + 4 + slots * (text + 4 + 8 * 8) + 8 * 4 * P;
    return weights_format::header_size + signature_size + 4 * P + state + 4;
}

// A header field that, set to another value, makes the stored crc32 match the
// whole file: the header was damaged there and everything else is intact.
struct HeaderRepair {
    const char* field = nullptr;
    std::size_t offset = 0, width = 0;
    std::uint64_t read = 0, fits = 0;
};

// Tries, one field at a time, the value each header field must have for an
// intact file of `size` bytes: the constants (magic, version, byte-order
// mark, dtype), flags 0 and 1, the signature's hash, the parameter count (this
// model's, or L / 4 for a file without training state), and S or L from the
// file size and the other length. The crc32 covers the header, so the right
// value makes it match (a wrong one does so by chance 1 in 2^32). Cheap: the
// crc of everything after the header is computed once and combined.
inline std::optional<HeaderRepair> find_header_repair(const unsigned char* bytes, std::size_t size,
                                                      const WeightHeader& h, std::uint64_t model_params) {
    namespace wf = weights_format;
    if (size < wf::header_size + 4) return std::nullopt;
    std::uint32_t stored = 0;
    for (int i = 0; i < 4; ++i) stored |= std::uint32_t{bytes[size - 4 + static_cast<std::size_t>(i)]} << (8 * i);
    const std::size_t rest_size = size - wf::header_size - 4;
    const uLong rest_crc = crc32_of(bytes + wf::header_size, rest_size);
    const auto fits = [&](const unsigned char* head) {
        const uLong head_crc = crc32_of(head, wf::header_size);
        return static_cast<std::uint32_t>(::crc32_combine(head_crc, rest_crc, static_cast<z_off_t>(rest_size))) ==
               stored;
    };
    std::vector<HeaderRepair> tries;
    const bool length_ok = h.announced_size() == size;
    if (length_ok) {
        tries.push_back({"format version", 8, 4, h.version, wf::version});
        tries.push_back({"byte-order mark", 12, 4, h.byte_order, wf::byte_order_mark});
        tries.push_back({"dtype", 16, 4, h.dtype, wf::dtype_float32});
        tries.push_back({"flags word", 20, 4, h.flags, 0});
        tries.push_back({"flags word", 20, 4, h.flags, wf::flag_training_state});
        const std::string_view sig(reinterpret_cast<const char*>(bytes + wf::header_size),
                                   static_cast<std::size_t>(h.signature_size));
        tries.push_back({"signature hash", 24, 8, h.signature_hash, fnv1a64(sig)});
        tries.push_back({"parameter count", 32, 8, h.params, model_params});
        if (h.payload_size % 4 == 0) tries.push_back({"parameter count", 32, 8, h.params, h.payload_size / 4});
    }
    const std::uint64_t body = size - wf::header_size - 4;  // S + L of an intact file
    if (h.payload_size <= body) tries.push_back({"signature length", 40, 8, h.signature_size, body - h.payload_size});
    if (h.signature_size <= body) tries.push_back({"payload length", 48, 8, h.payload_size, body - h.signature_size});

    unsigned char head[wf::header_size];
    if (std::memcmp(bytes, wf::magic, sizeof wf::magic) != 0) {
        if (!length_ok) return std::nullopt;
        std::memcpy(head, bytes, sizeof head);
        std::memcpy(head, wf::magic, sizeof wf::magic);
        if (fits(head)) return HeaderRepair{"magic", 0, 8, 0, 0};
        return std::nullopt;  // two damaged fields are not repaired: the magic is not ours
    }
    for (const HeaderRepair& t : tries) {
        if (t.read == t.fits) continue;
        std::memcpy(head, bytes, sizeof head);
        for (std::size_t i = 0; i < t.width; ++i) head[t.offset + i] = static_cast<unsigned char>(t.fits >> (8 * i));
        if (fits(head)) return t;
    }
    return std::nullopt;
}

inline std::string describe_repair(const HeaderRepair& r) {
    const std::string where =
        " (bytes " + std::to_string(r.offset) + "-" + std::to_string(r.offset + r.width - 1) + ")";
    if (r.offset == 0)
        return "damaged header: the magic" + where +
               " is not \"CTNNWGT\\0\" but the checksum matches the file with it; the rest of the file is intact";
    const auto show = [&](std::uint64_t v) {
        if (r.offset != 12 && r.offset != 24) return std::to_string(v);
        char buf[24];  // the byte-order mark and the hash read best in hex
        std::snprintf(buf, sizeof buf, "0x%0*llx", static_cast<int>(2 * r.width), static_cast<unsigned long long>(v));
        return std::string(buf);
    };
    return "damaged header: the " + std::string(r.field) + where + " reads " + show(r.read) +
           ", but the checksum matches the file with " + show(r.fits) + " there; the rest of the file is intact";
}

// Reads up to n bytes at offset; fewer only at the end of the file.
inline std::size_t read_at(int fd, unsigned char* out, std::size_t n, std::uint64_t offset) {
    std::size_t done = 0;
    while (done < n) {
        const ::ssize_t got = ::pread(fd, out + done, n - done, static_cast<::off_t>(offset + done));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw std::system_error(errno, std::generic_category());
        if (got == 0) break;
        done += static_cast<std::size_t>(got);
    }
    return done;
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
        detail::append_signature_line(s, I, layer_traits<L>::class_name, Model::template layer_input_shape<I>::to_string(),
                                      Model::template layer_output_shape<I>::to_string(), activation_name_of<L>());
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

    // ---- open: a regular file, never waiting on a FIFO ----------------------------------
    // O_NONBLOCK: opening a FIFO without a writer would otherwise block; fstat
    // on the descriptor (not a second lookup of the path) then decides.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT)
            throw error(K::missing, "no such file (expected a ctnn weight file written by ctnn::save_weights)");
        throw error(K::io, std::string("cannot open: ") + std::strerror(err));
    }
    const detail::FdGuard guard(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw error(K::io, std::string("cannot stat: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) throw error(K::io, "is a directory, not a weight file");
    if (!S_ISREG(st.st_mode))
        throw error(K::io, std::string("is not a regular file (") +
                               (S_ISFIFO(st.st_mode)                         ? "a FIFO"
                                : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                                             : "a socket") +
                               "), not a weight file");
    const auto read = [&](unsigned char* out, std::size_t n, std::uint64_t offset) {
        try {
            return detail::read_at(fd, out, n, offset);
        } catch (const std::system_error& e) {
            throw error(K::io, std::string("read failed: ") + e.what());
        }
    };

    // ---- the fixed header first: magic, then the size this model allows -------------------
    const std::uint64_t file_size = static_cast<std::uint64_t>(st.st_size);
    const std::string expected_sig = weights_signature<M>();
    const std::uint64_t max_size = detail::max_weight_file_size<M>(expected_sig.size());
    unsigned char head[wf::header_size] = {};
    const std::size_t head_size =
        read(head, static_cast<std::size_t>(std::min<std::uint64_t>(file_size, wf::header_size)), 0);
    const std::size_t magic_seen = std::min(head_size, sizeof wf::magic);
    const bool magic_ok = head_size > 0 && std::memcmp(head, wf::magic, magic_seen) == 0;
    if (!magic_ok &&
        (file_size < wf::header_size + 4 || file_size > max_size))  // too small or too large to be a damaged one
        throw error(K::not_weight_file, head_size == 0
                                            ? "empty file, not a ctnn weight file"
                                            : "not a ctnn weight file (it does not start with \"CTNNWGT\\0\")");
    if (head_size < wf::header_size)
        throw error(K::truncated, "truncated: " + std::to_string(head_size) + " bytes, shorter than the " +
                                      std::to_string(wf::header_size) + "-byte header");
    const detail::WeightHeader h = detail::decode_header(head, path);
    const std::uint64_t announced = h.announced_size();
    const bool format_ok =
        h.version == wf::version && h.byte_order == wf::byte_order_mark && h.dtype == wf::dtype_float32;
    if (file_size > max_size) {
        // Not read: whatever it is, it is not a weight file of this model.
        const std::string sizes = std::to_string(file_size) +
                                  " bytes, larger than any weight file of this model (at most " +
                                  std::to_string(max_size) + " bytes)";
        if (format_ok && announced == file_size && h.params != M::param_count)
            throw error(K::architecture, "the file holds weights of a different architecture (" +
                                             std::to_string(h.params) + " parameters; this model has " +
                                             std::to_string(M::param_count) + "): it has " + sizes +
                                             ", so it was not read");
        throw error(K::corrupt,
                    "the file has " + sizes + ", so it was not read; its header announces " +
                        (announced == std::numeric_limits<std::uint64_t>::max() ? std::string("more")
                                                                                : std::to_string(announced)) +
                        " bytes");
    }

    // ---- read everything (bounded by max_size) ----------------------------------------------
    const std::size_t size = static_cast<std::size_t>(file_size);
    std::vector<unsigned char> bytes(size);
    if (read(bytes.data(), size, 0) != size) throw error(K::io, "the file became shorter while it was read");

    // ---- checksum before meaning: a damaged header must not pass for another format -----
    // The crc32 covers the header too (bytes [0, 56 + S + L)). When the lengths
    // fit the file, a good crc means the fields are as written; when they do
    // not, or the crc fails, a one-field repair that makes the crc match means
    // the header was damaged, not the file cut or written by another version.
    bool crc_ok = false;
    std::uint32_t stored = 0, actual = 0;
    if (announced == size) {
        detail::ByteReader tail(bytes.data() + size - 4, 4, path);
        stored = tail.u32();
        actual = detail::crc32_of(bytes.data(), size - 4);
        crc_ok = stored == actual;
    }
    if (!crc_ok) {
        if (const auto repair = detail::find_header_repair(bytes.data(), size, h, M::param_count))
            throw error(K::corrupt, detail::describe_repair(*repair));
    }
    if (!magic_ok) throw error(K::not_weight_file, "not a ctnn weight file (it does not start with \"CTNNWGT\\0\")");
    // Judged only now: with a good crc, or when no single damaged field explains
    // the file, these are the writer's values (another version, a big-endian
    // writer: its lengths read byte-swapped, so they do not fit the file).
    if (h.byte_order == 0x04030201u)
        throw error(K::byte_order, "written in big-endian byte order; ctnn weight files are little-endian");
    if (h.version != wf::version)
        throw error(K::version, "format version " + std::to_string(h.version) + "; this build of ctnn reads version " +
                                    std::to_string(wf::version));
    if (h.byte_order != wf::byte_order_mark) throw error(K::byte_order, "unknown byte-order mark (damaged header?)");
    if (h.dtype != wf::dtype_float32)
        throw error(K::dtype,
                    "weights of dtype code " + std::to_string(h.dtype) + "; this build reads float32 (code 1) only");
    if (!crc_ok) {
        const std::string announces =
            "the header announces " +
            (announced == std::numeric_limits<std::uint64_t>::max() ? std::string("more bytes than the file holds")
                                                                    : std::to_string(announced) + " bytes") +
            ", the file has " + std::to_string(size);
        if (announced == size) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "checksum mismatch (stored crc32 %08x, computed %08x)", stored, actual);
            throw error(K::corrupt, std::string(buf) + ": the file is damaged");
        }
        if (announced > size) {
            // Cut short, if the header is one an intact file could have: flags
            // known, and without training state exactly 4 bytes per parameter.
            const bool consistent =
                (h.flags & ~wf::flag_training_state) == 0 &&
                ((h.flags & wf::flag_training_state) ? h.params < h.payload_size / 4
                                                     : h.payload_size % 4 == 0 && h.params == h.payload_size / 4);
            if (consistent) throw error(K::truncated, "truncated: " + announces);
            throw error(K::corrupt,
                        "damaged header: " + announces + ", and its lengths do not fit its parameter count and flags");
        }
        // Longer than announced: bytes appended after an intact file, if the
        // checksum matches at the announced end.
        std::uint32_t at_end = 0;
        for (int i = 0; i < 4; ++i)
            at_end |= std::uint32_t{bytes[static_cast<std::size_t>(announced) - 4 + static_cast<std::size_t>(i)]}
                      << (8 * i);
        if (at_end == detail::crc32_of(bytes.data(), static_cast<std::size_t>(announced) - 4))
            throw error(K::corrupt, std::to_string(size - announced) + " unexpected bytes after the checksum");
        throw error(K::corrupt, "damaged: " + announces + ", and the checksum matches neither length");
    }
    const std::uint64_t sig_len = h.signature_size, payload_len = h.payload_size, saved_params = h.params;
    const std::uint32_t flags = h.flags;
    const std::string saved_sig(reinterpret_cast<const char*>(bytes.data() + wf::header_size), sig_len);
    if (detail::fnv1a64(saved_sig) != h.signature_hash)
        throw error(K::corrupt, "the signature does not match its hash");

    // ---- architecture -----------------------------------------------------------------
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
