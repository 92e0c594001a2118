// libFuzzer target: the .npy reader (io::read_npy<double>, read_npy<float>, read_npy_float64)
// on arbitrary bytes, held in a memfd.
//
// Contract checked (a violation aborts): only io::NpyError escapes; an accepted array holds
// exactly as many elements as its shape's product, and no more than the file's bytes can hold
// (an allocation bounded by the input size, not by what the header claims); the array written
// back by write_npy reads back identical.
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "io/npy.hpp"

namespace {

using namespace cartography;
using fuzz_support::violation;

// `file_item`: the least bytes one element takes in the file.
template <typename T>
void check_accepted(const io::NpyArray<T>& a, size_t file_bytes, size_t file_item, const char* what) {
  uint64_t n = 1;
  for (int64_t d : a.shape) {
    if (d < 0) violation(what, "accepted a negative dimension");
    if (__builtin_mul_overflow(n, static_cast<uint64_t>(d), &n)) violation(what, "accepted an overflowing shape");
  }
  if (a.data.size() != n) violation(what, "element count differs from the shape");
  if (a.data.size() * file_item > file_bytes) violation(what, "holds more elements than the file has bytes for");
}

// Where the round trip writes: a real file (the writer refuses to follow symbolic links, and a
// memfd is reached only through /proc/self/fd/N, one), on tmpfs when there is one.
const std::string& scratch_path() {
  static const std::string path = [] {
    const std::filesystem::path dir = std::filesystem::is_directory("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                                               : std::filesystem::temp_directory_path();
    return (dir / ("carto_fuzz_npy_" + std::to_string(::getpid()) + ".npy")).string();
  }();
  static const struct Remover {
    ~Remover() { std::filesystem::remove(path); }
  } remover;
  return path;
}

template <typename T>
void round_trip(const io::NpyArray<T>& a) {
  io::NpyArray<T> back;
  try {
    io::write_npy<T>(scratch_path(), a.shape, a.data.data());
    back = io::read_npy<T>(scratch_path());
  } catch (const io::NpyError& e) {
    violation("an accepted array does not survive write_npy + read_npy:", e.what());
  }
  // Compared as bytes: NaN payloads must survive too (an empty array has no data pointer).
  if (back.shape != a.shape || back.data.size() != a.data.size() ||
      (!a.data.empty() && std::memcmp(back.data.data(), a.data.data(), a.data.size() * sizeof(T)) != 0))
    violation("write_npy then read_npy changed the array");
}

template <typename Read>
void attempt(Read read) {
  try {
    read();
  } catch (const io::NpyError&) {
    // Refused with a reason: the expected outcome for most inputs.
  } catch (const std::exception& e) {
    violation("the .npy reader threw something other than NpyError:", e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fuzz_support::MemFile file(std::string(reinterpret_cast<const char*>(data), size), "fuzz.npy");
  attempt([&] {
    const auto a = io::read_npy<double>(file.path);
    check_accepted(a, size, 8, "read_npy<double>");
    round_trip(a);
  });
  attempt([&] { check_accepted(io::read_npy<float>(file.path), size, 4, "read_npy<float>"); });
  // float32 input is widened: at least 4 file bytes per element.
  attempt([&] { check_accepted(io::read_npy_float64(file.path), size, 4, "read_npy_float64"); });
  return 0;
}
