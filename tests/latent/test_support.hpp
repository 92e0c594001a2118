// Helpers shared by the latent tests: fixture paths, files, and builders for hand-made zip
// archives and pickle streams (to produce corrupt or unusual checkpoints on purpose).
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "io/npy.hpp"
#include "latent/checkpoint/stored_zip.hpp"

namespace latent_test {

inline std::string data_dir() { return std::string(CARTO_TEST_DATA) + "/vae"; }
inline std::string golden_dir() { return data_dir() + "/golden"; }
inline std::string checkpoint_path(const std::string& model) { return data_dir() + "/vae_" + model + ".ckpt"; }

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

// A fresh file under the temp folder, removed with the object.
class TempFile {
 public:
  explicit TempFile(const std::string& contents, const std::string& suffix = ".ckpt") {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("carto_latent_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + suffix))
                .string();
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void put_le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

struct ZipEntrySpec {
  std::string name, data;
  uint16_t method = 0;  // 0 stored; 8 claims deflate (data left as is)
};

// A minimal zip archive as torch.save lays it out (local headers, data, central directory).
// With zip64, the central directory saturates its 32-bit fields and carries the values in
// ZIP64 extra fields, and the ZIP64 end records precede the classic one (as writers do for
// archives over 4 GiB).
inline std::string make_zip(const std::vector<ZipEntrySpec>& entries, bool zip64 = false) {
  std::string out, central;
  for (const ZipEntrySpec& e : entries) {
    const uint64_t offset = out.size();
    const uint32_t crc = cartography::latent::crc32(
        std::span<const std::byte>(reinterpret_cast<const std::byte*>(e.data.data()), e.data.size()));
    put_le(out, 0x04034b50, 4);
    put_le(out, 20, 2);
    put_le(out, 0, 2);
    put_le(out, e.method, 2);
    put_le(out, 0, 4);
    put_le(out, crc, 4);
    put_le(out, e.data.size(), 4);
    put_le(out, e.data.size(), 4);
    put_le(out, e.name.size(), 2);
    put_le(out, 0, 2);
    out += e.name;
    out += e.data;
    put_le(central, 0x02014b50, 4);
    put_le(central, 20, 2);
    put_le(central, 20, 2);
    put_le(central, 0, 2);
    put_le(central, e.method, 2);
    put_le(central, 0, 4);
    put_le(central, crc, 4);
    put_le(central, zip64 ? 0xFFFFFFFFu : e.data.size(), 4);
    put_le(central, zip64 ? 0xFFFFFFFFu : e.data.size(), 4);
    put_le(central, e.name.size(), 2);
    put_le(central, zip64 ? 28 : 0, 2);
    put_le(central, 0, 2);
    put_le(central, 0, 2);
    put_le(central, 0, 2);
    put_le(central, 0, 4);
    put_le(central, zip64 ? 0xFFFFFFFFu : offset, 4);
    central += e.name;
    if (zip64) {
      put_le(central, 0x0001, 2);
      put_le(central, 24, 2);
      put_le(central, e.data.size(), 8);
      put_le(central, e.data.size(), 8);
      put_le(central, offset, 8);
    }
  }
  const uint64_t cd_offset = out.size();
  out += central;
  if (zip64) {
    const uint64_t record = out.size();
    put_le(out, 0x06064b50, 4);
    put_le(out, 44, 8);
    put_le(out, 45, 2);
    put_le(out, 45, 2);
    put_le(out, 0, 4);
    put_le(out, 0, 4);
    put_le(out, entries.size(), 8);
    put_le(out, entries.size(), 8);
    put_le(out, central.size(), 8);
    put_le(out, cd_offset, 8);
    put_le(out, 0x07064b50, 4);
    put_le(out, 0, 4);
    put_le(out, record, 8);
    put_le(out, 1, 4);
  }
  put_le(out, 0x06054b50, 4);
  put_le(out, 0, 2);
  put_le(out, 0, 2);
  put_le(out, zip64 ? 0xFFFF : entries.size(), 2);
  put_le(out, zip64 ? 0xFFFF : entries.size(), 2);
  put_le(out, zip64 ? 0xFFFFFFFFu : central.size(), 4);
  put_le(out, zip64 ? 0xFFFFFFFFu : cd_offset, 4);
  put_le(out, 0, 2);
  return out;
}

// Emits pickle opcodes by name (protocol 2).
class PickleWriter {
 public:
  PickleWriter& proto() { return raw("\x80\x02", 2); }
  PickleWriter& op(char c) { return raw(&c, 1); }
  PickleWriter& str(const std::string& s) {
    op('X');
    put_le(out_, s.size(), 4);
    out_ += s;
    return *this;
  }
  PickleWriter& integer(int64_t v) {
    if (v >= 0 && v < 256) {
      op('K');
      put_le(out_, v, 1);
    } else if (v < INT32_MIN || v > INT32_MAX) {  // LONG1 of 8 bytes, two's complement
      op('\x8a');
      put_le(out_, 8, 1);
      put_le(out_, static_cast<uint64_t>(v), 8);
    } else {
      op('J');
      put_le(out_, static_cast<uint32_t>(v), 4);
    }
    return *this;
  }
  PickleWriter& global(const std::string& module, const std::string& name) {
    op('c');
    out_ += module + "\n" + name + "\n";
    return *this;
  }
  PickleWriter& int_tuple(const std::vector<int64_t>& v) {
    op('(');
    for (int64_t x : v) integer(x);
    return op('t');
  }
  // The `_rebuild_tensor_v2(storage, offset, shape, stride, False, OrderedDict())` call.
  PickleWriter& tensor(const std::string& key, int64_t numel, int64_t offset, const std::vector<int64_t>& shape,
                       const std::vector<int64_t>& stride, const std::string& storage = "FloatStorage") {
    global("torch._utils", "_rebuild_tensor_v2");
    op('(');
    op('(');
    str("storage");
    global("torch", storage);
    str(key);
    str("cpu");
    integer(numel);
    op('t');
    op('Q');
    integer(offset);
    int_tuple(shape);
    int_tuple(stride);
    op('\x89');
    global("collections", "OrderedDict");
    op(')');
    op('R');
    op('t');
    return op('R');
  }
  const std::string& bytes() const { return out_; }

 private:
  PickleWriter& raw(const char* p, size_t n) {
    out_.append(p, n);
    return *this;
  }
  std::string out_;
};

// A checkpoint whose state_dict holds one tensor "w" of `shape` over storage "0" of floats.
inline std::string one_tensor_checkpoint(const std::vector<float>& values, const std::vector<int64_t>& shape,
                                         const std::vector<int64_t>& stride, int64_t offset = 0,
                                         int64_t declared_numel = -1) {
  PickleWriter p;
  p.proto().op('}').str("state_dict").op('}').str("w");
  p.tensor("0", declared_numel >= 0 ? declared_numel : static_cast<int64_t>(values.size()), offset, shape, stride);
  p.op('s').op('s').op('.');
  std::string storage(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  return make_zip({{"archive/data.pkl", p.bytes()}, {"archive/data/0", storage}, {"archive/version", "3\n"}});
}

template <typename T>
cartography::io::NpyArray<T> golden(const std::string& model, int case_index, const std::string& name) {
  return cartography::io::read_npy<T>(golden_dir() + "/" + model + "/case" + std::to_string(case_index) + "_" +
                                      name + ".npy");
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace latent_test
