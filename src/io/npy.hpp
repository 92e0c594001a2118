// NumPy .npy files (format version 1.0), little-endian, C order, float64 or float32.
// Header-only with no dependencies so that src/latent can use it when built alone.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

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
    file_ = std::fopen(path.c_str(), "wb");
    if (!file_) throw NpyError("cannot open " + path + " for writing: " + std::strerror(errno));
    std::string header = npy_header(npy_descr<T>(), shape);
    header_bytes_ = static_cast<int64_t>(header.size());
    int64_t n = 1;
    for (int64_t s : shape) n *= s;
    count_ = n;
    put(header.data(), header.size());
  }
  NpyWriter(const NpyWriter&) = delete;
  NpyWriter& operator=(const NpyWriter&) = delete;
  ~NpyWriter() {
    if (file_) std::fclose(file_);
  }

  // Element offset in C order.
  void write_at(int64_t element_offset, const T* data, int64_t n) {
    if (element_offset < 0 || element_offset + n > count_) throw NpyError("write past end of " + path_);
    if (std::fseek(file_, static_cast<long>(header_bytes_ + element_offset * int64_t(sizeof(T))), SEEK_SET) != 0)
      throw NpyError("seek failed in " + path_);
    put(data, static_cast<size_t>(n) * sizeof(T));
  }

  // Flushes and closes; throws if the file is short (the caller must not present it as complete).
  void close() {
    if (!file_) return;
    if (std::fseek(file_, 0, SEEK_END) != 0) throw NpyError("seek failed in " + path_);
    long size = std::ftell(file_);
    int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) throw NpyError("cannot close " + path_);
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
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  w.write_at(0, data, n);
  w.close();
}

template <typename T>
struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<T> data;
};

// Reads a C-order little-endian float32/float64 array; the stored dtype must match T.
template <typename T>
NpyArray<T> read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NpyError("cannot open " + path);
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    throw NpyError(path + ": not a .npy file");
  uint32_t hlen = 0;
  if (magic[6] == 1) {
    unsigned char b[2];
    in.read(reinterpret_cast<char*>(b), 2);
    hlen = b[0] | (b[1] << 8);
  } else {
    unsigned char b[4];
    in.read(reinterpret_cast<char*>(b), 4);
    hlen = b[0] | (b[1] << 8) | (b[2] << 16) | (uint32_t(b[3]) << 24);
  }
  if (!in || hlen > (1u << 20)) throw NpyError(path + ": bad .npy header");
  std::string header(hlen, '\0');
  in.read(header.data(), hlen);
  if (header.find(npy_descr<T>()) == std::string::npos)
    throw NpyError(path + ": dtype is not " + npy_descr<T>());
  if (header.find("'fortran_order': False") == std::string::npos)
    throw NpyError(path + ": Fortran order is not supported");
  auto open = header.find("'shape': (");
  auto close = header.find(')', open);
  if (open == std::string::npos || close == std::string::npos) throw NpyError(path + ": no shape");
  NpyArray<T> out;
  std::string dims = header.substr(open + 10, close - open - 10);
  int64_t n = 1;
  size_t pos = 0;
  while (pos < dims.size()) {
    while (pos < dims.size() && (dims[pos] == ' ' || dims[pos] == ',')) ++pos;
    if (pos >= dims.size()) break;
    size_t end = pos;
    while (end < dims.size() && dims[end] >= '0' && dims[end] <= '9') ++end;
    if (end == pos) throw NpyError(path + ": bad shape");
    out.shape.push_back(std::stoll(dims.substr(pos, end - pos)));
    n *= out.shape.back();
    pos = end;
  }
  out.data.resize(static_cast<size_t>(n));
  if (!in.read(reinterpret_cast<char*>(out.data.data()), n * int64_t(sizeof(T))))
    throw NpyError(path + ": truncated data");
  return out;
}

}  // namespace cartography::io
