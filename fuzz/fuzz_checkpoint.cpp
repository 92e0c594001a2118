// libFuzzer target: the native checkpoint reader (latent::Checkpoint, its stored-zip container,
// pickle VM, tensor rebuilding, state_dict collection) and latent::read_architecture.
//
// The first input byte picks what the rest is:
//   even: a whole .ckpt file (zip container + pickle + storages, CRCs checked);
//   odd:  only the pickle stream (`data.pkl`). The harness runs it once to learn which
//         storages it references, then wraps it in a well-formed torch.save zip holding
//         storages of exactly those sizes, so that mutations reach the pickle VM, the tensor
//         rebuilding and the state_dict logic instead of dying on a CRC or size check.
// Checkpoint reads from a path: the bytes go to a memfd opened as /proc/self/fd/N.
//
// Contract checked (a violation aborts): only latent::CheckpointError escapes the reader and
// read_architecture; every tensor of the state_dict can be read (read_float32) with the number
// of elements its shape says.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "latent/checkpoint/architecture.hpp"
#include "latent/checkpoint/checkpoint.hpp"
#include "fuzz_support.hpp"
#include "latent/checkpoint/unpickler.hpp"
#include "latent/test_support.hpp"

namespace {

using namespace cartography::latent;

using fuzz_support::MemFile;
using fuzz_support::violation;

// Storages referenced by a pickle: key -> bytes (numel x element size of the named type).
std::map<std::string, uint64_t> referenced_storages(std::span<const std::byte> pkl) {
  static const std::map<std::string, uint64_t> kSize = {
      {"DoubleStorage", 8}, {"FloatStorage", 4}, {"HalfStorage", 2}, {"BFloat16Storage", 2},
      {"LongStorage", 8},   {"IntStorage", 4},   {"ShortStorage", 2}, {"CharStorage", 1},
      {"ByteStorage", 1},   {"BoolStorage", 1},  {"UntypedStorage", 1}};
  std::map<std::string, uint64_t> out;
  pickle::Hooks hooks;
  hooks.persistent_load = [&out](const pickle::Ref& pid) -> pickle::Ref {
    try {
      const auto& t = pickle::as_sequence(pid);
      if (t.size() == 5) {
        const pickle::Global* g = t[1]->get<pickle::Global>();
        auto it = g ? kSize.find(g->name) : kSize.end();
        const int64_t numel = pickle::as_int(t[4]);
        if (it != kSize.end() && numel >= 0 && numel < (int64_t(1) << 22))
          out[pickle::as_string(t[2])] = uint64_t(numel) * it->second;
      }
    } catch (const std::exception&) {
    }
    return pickle::make(pickle::None{});
  };
  try {
    pickle::unpickle(pkl, "fuzz.ckpt", "archive/data.pkl", hooks);
  } catch (const std::exception&) {
  }
  return out;
}

void exercise(const std::string& file_bytes) {
  MemFile file(file_bytes);
  try {
    Checkpoint ckpt(file.path);
    (void)ckpt.format_version();
    (void)pickle::repr(ckpt.root(), 4);
    (void)pickle::repr(ckpt.hyper_parameters(), 4);
    uint64_t budget = uint64_t(1) << 24;  // elements read per input
    for (const auto& [key, t] : ckpt.state_dict()) {
      const int64_t n = t.numel();
      if (n < 0) violation("negative numel for tensor", key);
      if (uint64_t(n) > budget) continue;
      budget -= uint64_t(n);
      const std::vector<float> v = ckpt.read_float32(t);
      if (v.size() != uint64_t(n)) violation("read_float32 size differs from the shape for", key);
    }
    try {
      (void)read_architecture(ckpt).describe();
    } catch (const CheckpointError&) {
    }
  } catch (const CheckpointError&) {
    // Not a usable checkpoint: the expected outcome for most inputs.
  } catch (const std::exception& e) {
    violation("the checkpoint reader threw something other than CheckpointError:", e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  if ((data[0] & 1) == 0) {
    exercise(rest);
    return 0;
  }
  const auto pkl = std::span<const std::byte>(reinterpret_cast<const std::byte*>(rest.data()), rest.size());
  std::vector<latent_test::ZipEntrySpec> entries = {{"archive/data.pkl", rest}};
  // Storage bytes: a fixed pattern with varied bit patterns (NaN, inf, subnormals, ints).
  static const std::string pattern = [] {
    std::string p(4096, '\0');
    uint8_t v = 0;
    for (auto& c : p) c = char(v += 37);
    return p;
  }();
  uint64_t total = 0;
  for (const auto& [key, bytes] : referenced_storages(pkl)) {
    total += bytes;
    if (total > (uint64_t(64) << 20)) break;
    std::string blob;
    blob.reserve(bytes);
    while (blob.size() + pattern.size() <= bytes) blob += pattern;
    blob.append(pattern, 0, bytes - blob.size());
    entries.push_back({"archive/data/" + key, std::move(blob)});
  }
  entries.push_back({"archive/version", "3\n"});
  exercise(latent_test::make_zip(entries));
  return 0;
}
