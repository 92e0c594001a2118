// libFuzzer target: a structure-aware generator for checkpoints. The input does not become the
// file's bytes; it drives the building of a VALID torch.save archive (stored zip, optionally
// ZIP64, with correct CRCs) and pickle, whose storages, tensors and hyper-parameters take
// mutated values: storage types and declared numels (including products that wrap 64 bits),
// entry sizes, storage offsets, shapes, strides (contiguous or arbitrary, negative, huge,
// zero), dimension counts, weight values (NaN, inf, float32 max, subnormals), parameter
// wrappers and architecture hyper-parameters. Byte-level mutation of a whole .ckpt rarely gets
// past the zip's CRC and the pickle's framing to reach those checks; this reaches them on
// nearly every input.
//
// Contract checked (a violation aborts): only latent::CheckpointError escapes the reader and
// read_architecture; every tensor the reader accepts lies inside its storage by an independent
// 128-bit computation (offset + sum((size - 1) * stride) < the entry's elements) and holds no
// more elements than its storage; read_float32 returns the shape's element count, all finite.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "latent/checkpoint/architecture.hpp"
#include "latent/checkpoint/checkpoint.hpp"
#include "latent/test_support.hpp"

namespace {

using namespace cartography::latent;
using fuzz_support::violation;
using latent_test::PickleWriter;

struct StorageType {
  const char* name;
  size_t size;
};
constexpr StorageType kTypes[] = {
    {"FloatStorage", 4}, {"DoubleStorage", 8}, {"HalfStorage", 2},  {"BFloat16Storage", 2},
    {"LongStorage", 8},  {"IntStorage", 4},    {"ShortStorage", 2}, {"CharStorage", 1},
    {"ByteStorage", 1},  {"BoolStorage", 1},   {"UntypedStorage", 1}, {"ComplexFloatStorage", 8}};

// The keys architecture inference and checks look for, so that they run on generated weights.
const char* const kKeys[] = {"w",
                             "encoder.0.weight",
                             "encoder.2.mu.weight",
                             "encoder.2.mu.bias",
                             "encoder.1.downs.0.0.weight",
                             "encoder.1.downs.0.1.weight",
                             "encoder.1.blocks.0.layers.0.filter.0.weight",
                             "encoder.1.blocks.0.layers.0.res.weight"};

// Integers the way hostile files choose them: mostly small, sometimes anything, powers of two,
// values at the ends of int64.
int64_t pick_int(FuzzedDataProvider& in, int64_t small_max) {
  switch (in.ConsumeIntegralInRange<int>(0, 7)) {
    case 4: return in.ConsumeIntegral<int64_t>();
    case 5: return int64_t{1} << in.ConsumeIntegralInRange<int>(0, 62);
    case 6: return std::numeric_limits<int64_t>::max() - in.ConsumeIntegralInRange<int64_t>(0, 16);
    case 7: return -in.ConsumeIntegralInRange<int64_t>(0, 16);
    default: return in.ConsumeIntegralInRange<int64_t>(0, small_max);
  }
}

// Element bytes: mostly ordinary floats, with the values a corrupt or hostile file would hold.
std::string element_bytes(FuzzedDataProvider& in, size_t count, size_t item) {
  std::string out;
  out.reserve(count * item);
  for (size_t i = 0; i < count; ++i) {
    double v = 0.5;
    switch (in.ConsumeIntegralInRange<int>(0, 9)) {
      case 0: v = std::numeric_limits<double>::quiet_NaN(); break;
      case 1: v = std::numeric_limits<double>::infinity(); break;
      case 2: v = std::numeric_limits<float>::max(); break;
      case 3: v = 1e39; break;
      case 4: v = std::numeric_limits<float>::denorm_min(); break;
      default: v = in.ConsumeIntegralInRange<int>(-1000, 1000) / 64.0;
    }
    char bytes[8] = {};
    if (item == 8) std::memcpy(bytes, &v, 8);
    if (item == 4) {
      const float f = static_cast<float>(std::isfinite(v) && std::fabs(v) > 3e38 ? INFINITY : v);
      std::memcpy(bytes, &f, 4);
    }
    if (item < 4) {  // half, bfloat16, small integers, bool: any bit pattern
      bytes[0] = static_cast<char>(in.ConsumeIntegral<uint8_t>());
      bytes[1] = static_cast<char>(in.ConsumeIntegral<uint8_t>());
    }
    out.append(bytes, item);
  }
  return out;
}

struct Storage {
  std::string key;
  StorageType type;
  int64_t numel = 0;
  std::string bytes;
};

Storage make_storage(FuzzedDataProvider& in, int index) {
  Storage s;
  s.key = std::to_string(index);
  s.type = kTypes[in.ConsumeIntegralInRange<size_t>(0, std::size(kTypes) - 1)];
  const int mode = in.ConsumeIntegralInRange<int>(0, 4);
  const int64_t small = in.ConsumeIntegralInRange<int64_t>(0, 64);
  if (mode <= 2) {  // honest: the entry holds exactly numel elements
    s.numel = small;
    s.bytes = element_bytes(in, static_cast<size_t>(small), s.type.size);
  } else if (mode == 3 && s.type.size >= 4) {  // numel x size wraps to the entry's size
    s.numel = static_cast<int64_t>(~uint64_t{0} / s.type.size) + 1 + small;
    s.bytes = element_bytes(in, static_cast<size_t>(small + 1), s.type.size);
  } else {  // any declared numel, any entry size
    s.numel = pick_int(in, 64);
    s.bytes = element_bytes(in, static_cast<size_t>(small), s.type.size);
    s.bytes.resize(s.bytes.size() + in.ConsumeIntegralInRange<size_t>(0, 3));
  }
  return s;
}

struct Tensor {
  std::string key;
  size_t storage = 0;
  int64_t offset = 0;
  std::vector<int64_t> shape, stride;
  bool parameter = false;
};

Tensor make_tensor(FuzzedDataProvider& in, size_t storages) {
  Tensor t;
  t.key = kKeys[in.ConsumeIntegralInRange<size_t>(0, std::size(kKeys) - 1)];
  t.storage = in.ConsumeIntegralInRange<size_t>(0, storages - 1);
  t.offset = in.ConsumeBool() ? in.ConsumeIntegralInRange<int64_t>(0, 8) : pick_int(in, 64);
  size_t ndim = in.ConsumeIntegralInRange<size_t>(0, 4);
  if (in.ConsumeIntegralInRange<int>(0, 15) == 0) ndim = in.ConsumeIntegralInRange<size_t>(60, 70);
  for (size_t i = 0; i < ndim; ++i) t.shape.push_back(in.ConsumeBool() ? in.ConsumeIntegralInRange<int64_t>(0, 6) : pick_int(in, 16));
  if (in.ConsumeBool()) {  // contiguous strides, computed in wrapping arithmetic as a writer might
    uint64_t step = 1;
    t.stride.assign(ndim, 0);
    for (size_t i = ndim; i-- > 0;) {
      t.stride[i] = static_cast<int64_t>(step);
      step *= static_cast<uint64_t>(t.shape[i]);
    }
  } else {
    for (size_t i = 0; i < ndim; ++i) t.stride.push_back(in.ConsumeBool() ? in.ConsumeIntegralInRange<int64_t>(0, 8) : pick_int(in, 16));
  }
  if (in.ConsumeIntegralInRange<int>(0, 15) == 0 && !t.stride.empty()) t.stride.pop_back();
  t.parameter = in.ConsumeBool();
  return t;
}

void write_tensor(PickleWriter& p, const Tensor& t, const Storage& s) {
  p.str(t.key);
  if (t.parameter) p.global("torch._utils", "_rebuild_parameter").op('(');
  p.tensor(s.key, s.numel, t.offset, t.shape, t.stride, s.type.name);
  if (t.parameter) p.op('\x89').global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
}

void write_int_field(PickleWriter& p, const char* name, int64_t v) { p.str(name).integer(v).op('s'); }

// {'h_dim': .., 'emb_dim': .., 'ae_args': {'strides': [..], 'expand': .., 'layer_args': {..}}}
void write_hyper_parameters(PickleWriter& p, FuzzedDataProvider& in) {
  p.str("hyper_parameters").op('}');
  write_int_field(p, "h_dim", pick_int(in, 8));
  write_int_field(p, "emb_dim", pick_int(in, 8));
  p.str("ae_args").op('}');
  p.str("strides").op(']').op('(');
  for (size_t n = in.ConsumeIntegralInRange<size_t>(0, 4); n > 0; --n) p.integer(pick_int(in, 4));
  p.op('e').op('s');
  write_int_field(p, "expand", pick_int(in, 3));
  p.str("layer_args").op('}');
  write_int_field(p, "num_stacks", pick_int(in, 3));
  write_int_field(p, "stack_depth", pick_int(in, 40));
  write_int_field(p, "expand", pick_int(in, 3));
  p.op('s');  // layer_args
  p.op('s');  // ae_args
  p.op('s');  // hyper_parameters
}

// The independent check of an accepted view, in 128-bit arithmetic.
void check_inside(const TensorRecord& t, const std::map<std::string, size_t>& entry_bytes, const std::string& key) {
  const auto entry = entry_bytes.find(t.storage->key);
  if (entry == entry_bytes.end()) violation("accepted a tensor over a storage that has no entry:", key);
  const __int128 elements = entry->second / dtype_size(t.dtype());
  if (static_cast<__int128>(t.storage->numel) * static_cast<__int128>(dtype_size(t.dtype())) !=
      static_cast<__int128>(entry->second))
    violation("accepted a storage whose declared size differs from its entry:", key);
  if (t.shape.size() != t.stride.size() || t.offset < 0) violation("accepted a malformed view:", key);
  for (size_t i = 0; i < t.shape.size(); ++i)
    if (t.shape[i] < 0 || t.stride[i] < 0) violation("accepted a negative size or stride:", key);
  for (int64_t d : t.shape)
    if (d == 0) return;  // empty: nothing is read
  // Each partial value stays below 2^127: the loop stops once one passes the storage (all
  // terms are non-negative, so it stays past).
  __int128 numel = 1, last = t.offset;
  for (size_t i = 0; i < t.shape.size() && numel <= elements && last < elements; ++i) {
    numel *= t.shape[i];
    last += static_cast<__int128>(t.shape[i] - 1) * t.stride[i];
  }
  if (numel > elements) violation("accepted a view with more elements than its storage:", key);
  if (last >= elements) violation("accepted a view that reaches past its storage:", key);
}

void exercise(const std::string& file_bytes, const std::map<std::string, size_t>& entry_bytes) {
  const fuzz_support::MemFile file(file_bytes, "fuzz.ckpt");
  try {
    const Checkpoint ckpt(file.path);
    for (const auto& [key, t] : ckpt.state_dict()) {
      check_inside(t, entry_bytes, key);
      try {
        const std::vector<float> v = ckpt.read_float32(t);
        if (v.size() != static_cast<size_t>(t.numel())) violation("read_float32 size differs from the shape for", key);
        for (float x : v)
          if (!std::isfinite(x)) violation("read_float32 returned a non-finite weight for", key);
      } catch (const CheckpointError&) {
        // A non-finite weight: refused with its storage and index.
      }
    }
    try {
      (void)read_architecture(ckpt).describe();
    } catch (const CheckpointError&) {
    }
  } catch (const CheckpointError&) {
  } catch (const std::exception& e) {
    violation("the checkpoint reader threw something other than CheckpointError:", e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  std::vector<Storage> storages;
  for (int i = 0, n = in.ConsumeIntegralInRange<int>(1, 4); i < n; ++i) storages.push_back(make_storage(in, i));
  std::vector<Tensor> tensors;
  for (int i = 0, n = in.ConsumeIntegralInRange<int>(1, 6); i < n; ++i) tensors.push_back(make_tensor(in, storages.size()));

  PickleWriter p;
  const bool lightning = in.ConsumeBool();
  p.proto().op('}');
  if (lightning) p.str("state_dict").op('}');
  for (const Tensor& t : tensors) {
    write_tensor(p, t, storages[t.storage]);
    p.op('s');
  }
  if (lightning) {
    p.op('s');
    if (in.ConsumeBool()) write_hyper_parameters(p, in);
  }
  p.op('.');

  std::vector<latent_test::ZipEntrySpec> entries = {{"archive/data.pkl", p.bytes()}};
  std::map<std::string, size_t> entry_bytes;
  for (const Storage& s : storages) {
    if (in.ConsumeIntegralInRange<int>(0, 15) == 0) continue;  // a storage without its entry
    entries.push_back({"archive/data/" + s.key, s.bytes});
    entry_bytes[s.key] = s.bytes.size();
  }
  entries.push_back({"archive/version", "3\n"});
  exercise(latent_test::make_zip(entries, /*zip64=*/in.ConsumeBool()), entry_bytes);
  return 0;
}
