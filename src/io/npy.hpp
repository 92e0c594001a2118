// NumPy .npy files (written as format version 1.0; read: 1.0-3.0), little-endian, C order,
// float64 or float32. The reader checks the header against the file (its length, the dtype,
// the shape's element count against the bytes that follow) before it allocates anything.
// Header-only with no dependencies so that src/latent can use it when built alone.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/checked.hpp"

namespace cartography::io {

struct NpyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <typename T>
constexpr const char* npy_descr() {
  static_assert(std::is_same_v<T, double> || std::is_same_v<T, float>, "float32/float64 only");
  return std::is_same_v<T, double> ? "<f8" : "<f4";
}

// The header padded so that the data starts on a 64-byte boundary, as numpy writes it.
inline std::string npy_header(const char* descr, const std::vector<int64_t>& shape) {
  std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i) {
    dict += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) dict += ",";
    if (i + 1 < shape.size()) dict += " ";
  }
  dict += "), }";
  const size_t preamble = 10;  // magic(6) + version(2) + header length(2)
  size_t total = preamble + dict.size() + 1;
  size_t padded = (total + 63) / 64 * 64;
  dict.append(padded - total, ' ');
  dict += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  uint16_t len = static_cast<uint16_t>(dict.size());
  out += static_cast<char>(len & 0xff);
  out += static_cast<char>(len >> 8);
  return out + dict;
}

// Writes an array whose shape is known up front; data may arrive in any order via write_at,
// so a [9, L] signal can be streamed frame block by frame block without holding it whole.
template <typename T>
class NpyWriter {
 public:
  NpyWriter(const std::string& path, std::vector<int64_t> shape) : path_(path) {
    // O_NOFOLLOW: a symbolic link planted at a temporary's name must not be written through.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    file_ = fd < 0 ? nullptr : ::fdopen(fd, "wb");
    if (!file_) {
      const int err = errno;
      if (fd >= 0) ::close(fd);
      throw NpyError("cannot open " + path + " for writing: " + std::strerror(err));
    }
    std::string header = npy_header(npy_descr<T>(), shape);
    header_bytes_ = static_cast<int64_t>(header.size());
    const auto n = checked::product<int64_t>(shape);
    const auto bytes = n ? checked::mul(*n, int64_t(sizeof(T))) : std::nullopt;
    if (!bytes || !checked::add(*bytes, header_bytes_) || *n < 0) {
      std::fclose(file_);
      file_ = nullptr;
      throw NpyError("cannot write " + path + ": the array's size overflows 64 bits");
    }
    count_ = *n;
    put(header.data(), header.size());
  }
  NpyWriter(const NpyWriter&) = delete;
  NpyWriter& operator=(const NpyWriter&) = delete;
  ~NpyWriter() {
    if (file_) std::fclose(file_);
  }

  int64_t count() const { return count_; }

  // Element offset in C order.
  void write_at(int64_t element_offset, const T* data, int64_t n) {
    if (!checked::in_bounds(element_offset, n, count_)) throw NpyError("write past end of " + path_);
    if (std::fseek(file_, static_cast<long>(header_bytes_ + element_offset * int64_t(sizeof(T))), SEEK_SET) != 0)
      throw NpyError("cannot seek in " + path_ + ": " + std::strerror(errno));
    put(data, static_cast<size_t>(n) * sizeof(T));
  }

  // Flushes and closes; throws if the file is short (the caller must not present it as complete).
  void close() {
    if (!file_) return;
    if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_END) != 0) {
      const int err = errno;
      std::fclose(file_);
      file_ = nullptr;
      throw NpyError("cannot write " + path_ + ": " + std::strerror(err));
    }
    long size = std::ftell(file_);
    int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) throw NpyError("cannot close " + path_ + ": " + std::strerror(errno));
    if (size != header_bytes_ + count_ * int64_t(sizeof(T)))
      throw NpyError("incomplete array written to " + path_);
  }

 private:
  void put(const void* data, size_t bytes) {
    if (bytes && std::fwrite(data, 1, bytes, file_) != bytes)
      throw NpyError("write failed for " + path_ + ": " + std::strerror(errno));
  }
  std::string path_;
  std::FILE* file_ = nullptr;
  int64_t header_bytes_ = 0;
  int64_t count_ = 0;
};

template <typename T>
void write_npy(const std::string& path, const std::vector<int64_t>& shape, const T* data) {
  NpyWriter<T> w(path, shape);
  w.write_at(0, data, w.count());
  w.close();
}

template <typename T>
struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<T> data;
};

// Limits of the reader (README, "Archives, checkpoints and arrays"). numpy writes headers of
// well under a kilobyte and refuses more than 32 dimensions itself.
inline constexpr uint32_t kMaxNpyHeaderBytes = 65536;
inline constexpr size_t kMaxNpyDims = 32;

// What a .npy header declares, checked against the file: the data that follows the header has
// exactly the size the dtype and shape claim.
struct NpyHeader {
  std::string descr;  // e.g. "<f8"
  bool fortran_order = false;
  std::vector<int64_t> shape;
  uint64_t count = 0;        // elements
  uint64_t data_offset = 0;  // bytes before the data
};

namespace npy_detail {

[[noreturn]] inline void fail(const std::string& path, const std::string& what) { throw NpyError(path + ": " + what); }

inline size_t skip_spaces(std::string_view s, size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n')) ++pos;
  return pos;
}

// The text after `'key':` in the header's dict literal, or npos when the key is absent.
inline size_t value_of(std::string_view header, std::string_view key) {
  for (const char quote : {'\'', '"'}) {
    const std::string quoted = std::string(1, quote) + std::string(key) + quote;
    const size_t at = header.find(quoted);
    if (at == std::string_view::npos) continue;
    const size_t colon = skip_spaces(header, at + quoted.size());
    if (colon < header.size() && header[colon] == ':') return skip_spaces(header, colon + 1);
  }
  return std::string_view::npos;
}

inline std::string descr_of(const std::string& path, std::string_view h) {
  const size_t v = value_of(h, "descr");
  if (v == std::string_view::npos || v >= h.size() || (h[v] != '\'' && h[v] != '"'))
    fail(path, "the .npy header has no 'descr' (dtype) string");
  const size_t end = h.find(h[v], v + 1);
  if (end == std::string_view::npos) fail(path, "the .npy header's 'descr' string is unterminated");
  return std::string(h.substr(v + 1, end - v - 1));
}

inline bool fortran_order_of(const std::string& path, std::string_view h) {
  const size_t v = value_of(h, "fortran_order");
  if (v != std::string_view::npos && h.substr(v, 5) == "False") return false;
  if (v != std::string_view::npos && h.substr(v, 4) == "True") return true;
  fail(path, "the .npy header has no 'fortran_order': True/False");
}

inline std::vector<int64_t> shape_of(const std::string& path, std::string_view h) {
  size_t pos = value_of(h, "shape");
  if (pos == std::string_view::npos || pos >= h.size() || h[pos] != '(')
    fail(path, "the .npy header has no 'shape' tuple");
  std::vector<int64_t> shape;
  for (++pos;;) {
    pos = skip_spaces(h, pos);
    if (pos < h.size() && h[pos] == ')') return shape;
    int64_t dim = 0;
    const size_t digits = pos;
    for (; pos < h.size() && h[pos] >= '0' && h[pos] <= '9'; ++pos) {
      const auto next = checked::mul(dim, int64_t{10});
      const auto with = next ? checked::add(*next, int64_t{h[pos] - '0'}) : std::nullopt;
      if (!with) fail(path, "a dimension of the .npy shape does not fit 64 bits");
      dim = *with;
    }
    if (pos == digits) fail(path, "the .npy shape is malformed (expected non-negative integers)");
    shape.push_back(dim);
    if (shape.size() > kMaxNpyDims) fail(path, "the .npy shape has more than " + std::to_string(kMaxNpyDims) + " dimensions");
    pos = skip_spaces(h, pos);
    if (pos < h.size() && h[pos] == ',') ++pos;
    else if (pos >= h.size() || h[pos] != ')') fail(path, "the .npy shape is malformed (unterminated tuple)");
  }
}

inline std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

inline uint64_t le(const unsigned char* b, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | b[i];
  return v;
}

}  // namespace npy_detail

// Opens `path` (a regular file: a FIFO would block the reader) and reads and checks its header;
// `in` is left at the first data byte. Every message names the file.
inline NpyHeader read_npy_header(const std::string& path, std::ifstream& in) {
  using npy_detail::fail;
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) fail(path, "cannot open: " + ec.message());
  if (!std::filesystem::is_regular_file(status)) fail(path, "not a regular file");
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  if (ec) fail(path, "cannot read its size: " + ec.message());
  in.open(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open: ") + std::strerror(errno));

  unsigned char pre[12];
  if (file_size < 10 || !in.read(reinterpret_cast<char*>(pre), 8) || std::memcmp(pre, "\x93NUMPY", 6) != 0)
    fail(path, "not a .npy file (no \\x93NUMPY magic)");
  const int major = pre[6];
  if (major < 1 || major > 3)
    fail(path, "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(pre[7]));
  const int len_bytes = major == 1 ? 2 : 4;
  if (!in.read(reinterpret_cast<char*>(pre + 8), len_bytes)) fail(path, "truncated .npy preamble");
  NpyHeader h;
  const uint64_t header_len = npy_detail::le(pre + 8, len_bytes);
  h.data_offset = 8 + len_bytes + header_len;
  if (header_len > kMaxNpyHeaderBytes)
    fail(path, "the .npy header claims " + std::to_string(header_len) + " bytes (at most " +
                   std::to_string(kMaxNpyHeaderBytes) + ")");
  if (h.data_offset > file_size)
    fail(path, "truncated .npy header: it claims " + std::to_string(header_len) + " bytes but the file has " +
                   std::to_string(file_size) + " bytes in all");
  std::string text(header_len, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(header_len))) fail(path, "truncated .npy header");

  h.descr = npy_detail::descr_of(path, text);
  h.fortran_order = npy_detail::fortran_order_of(path, text);
  h.shape = npy_detail::shape_of(path, text);
  // In int64, as the shape itself and the writer count (a reader that accepted what the writer
  // refuses was a fuzz finding).
  const auto count = checked::product<int64_t>(h.shape);
  if (!count) fail(path, "the .npy shape " + npy_detail::shape_text(h.shape) + " has more elements than 64 bits count");
  h.count = static_cast<uint64_t>(*count);
  return h;
}

// Checks that the data after the header has exactly `count` x `item` bytes, before anything is
// allocated for it: a small file whose header claims a huge shape is refused here.
inline void check_npy_data_size(const std::string& path, const NpyHeader& h, uint64_t item) {
  std::error_code ec;
  const uint64_t have = std::filesystem::file_size(path, ec) - h.data_offset;
  const auto want = checked::mul(h.count, item);
  if (ec || !want || *want != have)
    npy_detail::fail(path, "the .npy header claims shape " + npy_detail::shape_text(h.shape) + " of '" + h.descr +
                               "' (" + (want ? std::to_string(*want) : std::string("over 2^64")) +
                               " bytes of data) but the file holds " + std::to_string(have) + " bytes after its header" +
                               (want && *want > have ? ": truncated" : ""));
}

namespace npy_detail {
template <typename T>
std::vector<T> read_data(const std::string& path, std::ifstream& in, const NpyHeader& h) {
  check_npy_data_size(path, h, sizeof(T));
  std::vector<T> data(static_cast<size_t>(h.count));
  if (!in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(h.count * sizeof(T))))
    fail(path, "read error in the .npy data");
  return data;
}

inline void require_c_order(const std::string& path, const NpyHeader& h) {
  if (h.fortran_order) fail(path, "Fortran-order .npy arrays are not supported (save with np.ascontiguousarray)");
}
}  // namespace npy_detail

// Reads a C-order little-endian float32/float64 array; the stored dtype must be T's.
template <typename T>
NpyArray<T> read_npy(const std::string& path) {
  std::ifstream in;
  const NpyHeader h = read_npy_header(path, in);
  if (h.descr != npy_descr<T>())
    npy_detail::fail(path, "the .npy dtype is '" + h.descr + "' but '" + npy_descr<T>() + "' is required");
  npy_detail::require_c_order(path, h);
  return {h.shape, npy_detail::read_data<T>(path, in, h)};
}

// Reads a C-order float64 ('<f8') array, or a float32 ('<f4') one widened to float64.
inline NpyArray<double> read_npy_float64(const std::string& path) {
  std::ifstream in;
  const NpyHeader h = read_npy_header(path, in);
  if (h.descr != "<f8" && h.descr != "<f4")
    npy_detail::fail(path, "the .npy dtype is '" + h.descr + "' but float64 ('<f8') or float32 ('<f4') is required");
  npy_detail::require_c_order(path, h);
  if (h.descr == "<f8") return {h.shape, npy_detail::read_data<double>(path, in, h)};
  const std::vector<float> f = npy_detail::read_data<float>(path, in, h);
  return {h.shape, std::vector<double>(f.begin(), f.end())};
}

}  // namespace cartography::io
