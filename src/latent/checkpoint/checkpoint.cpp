#include "latent/checkpoint/checkpoint.hpp"

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <stdexcept>

#include "common/checked.hpp"
#include "latent/checkpoint/unpickler.hpp"

namespace cartography::latent {
namespace {

struct StorageType {
  const char* name;
  DType dtype;
};
// torch.save names a storage by its legacy typed-storage class, even in PyTorch 2.x.
constexpr StorageType kStorageTypes[] = {
    {"DoubleStorage", DType::Float64}, {"FloatStorage", DType::Float32},
    {"HalfStorage", DType::Float16},   {"BFloat16Storage", DType::BFloat16},
    {"LongStorage", DType::Int64},     {"IntStorage", DType::Int32},
    {"ShortStorage", DType::Int16},    {"CharStorage", DType::Int8},
    {"ByteStorage", DType::UInt8},     {"BoolStorage", DType::Bool},
    {"UntypedStorage", DType::UInt8},
};

float half_to_float(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1F, man = h & 0x3FFu, bits;
  if (exp == 0) {
    if (man == 0) {
      bits = sign;
    } else {  // subnormal: renormalise
      exp = 127 - 15 + 1;
      while (!(man & 0x400u)) {
        man <<= 1;
        --exp;
      }
      bits = sign | (exp << 23) | ((man & 0x3FFu) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7F800000u | (man << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

template <typename T>
T load(const std::byte* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// The element as a finite float32, or nullopt for NaN, infinities and float64 values beyond
// float32's range (converting those is undefined; as weights they would poison every latent).
std::optional<float> finite_float(double v) {
  if (!std::isfinite(v) || std::fabs(v) > static_cast<double>(std::numeric_limits<float>::max())) return std::nullopt;
  return static_cast<float>(v);
}

std::optional<float> element_as_float(DType dtype, const std::byte* p) {
  switch (dtype) {
    case DType::Float64: return finite_float(load<double>(p));
    case DType::Float32: return finite_float(load<float>(p));
    case DType::Float16: return finite_float(half_to_float(load<uint16_t>(p)));
    case DType::BFloat16: {
      const uint32_t bits = uint32_t{load<uint16_t>(p)} << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      return finite_float(f);
    }
    case DType::Int64: return static_cast<float>(load<int64_t>(p));
    case DType::Int32: return static_cast<float>(load<int32_t>(p));
    case DType::Int16: return static_cast<float>(load<int16_t>(p));
    case DType::Int8: return static_cast<float>(load<int8_t>(p));
    case DType::UInt8: return static_cast<float>(load<uint8_t>(p));
    case DType::Bool: return load<uint8_t>(p) ? 1.0f : 0.0f;
  }
  return 0.0f;
}

std::vector<int64_t> int_tuple(const pickle::Ref& v) {
  std::vector<int64_t> out;
  for (const pickle::Ref& e : pickle::as_sequence(v)) out.push_back(pickle::as_int(e));
  return out;
}

std::string shape_string(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

}  // namespace

size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::Float64:
    case DType::Int64: return 8;
    case DType::Float32:
    case DType::Int32: return 4;
    case DType::Float16:
    case DType::BFloat16:
    case DType::Int16: return 2;
    case DType::Int8:
    case DType::UInt8:
    case DType::Bool: return 1;
  }
  return 1;
}

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::Float64: return "float64";
    case DType::Float32: return "float32";
    case DType::Float16: return "float16";
    case DType::BFloat16: return "bfloat16";
    case DType::Int64: return "int64";
    case DType::Int32: return "int32";
    case DType::Int16: return "int16";
    case DType::Int8: return "int8";
    case DType::UInt8: return "uint8";
    case DType::Bool: return "bool";
  }
  return "?";
}

int64_t TensorRecord::numel() const {
  // Checked when the tensor was rebuilt (rebuild refuses shapes whose product overflows).
  const auto n = checked::product<int64_t>(shape);
  return n ? *n : 0;
}

const TensorRecord* as_tensor(const pickle::Ref& value) {
  if (!value) return nullptr;
  const pickle::Extension* e = value->get<pickle::Extension>();
  if (!e || e->kind != "tensor") return nullptr;
  return std::any_cast<TensorRecord>(&e->payload);
}

Checkpoint::Checkpoint(const std::string& path) {
  {
    // The pre-1.6 torch.save format is a bare pickle stream (protocol 2 starts with 0x80 0x02).
    std::ifstream in(path, std::ios::binary);
    unsigned char head[2] = {0, 0};
    if (in && in.read(reinterpret_cast<char*>(head), 2) && head[0] == 0x80 && head[1] <= 5)
      throw CheckpointError(path, "legacy (pre-zip) torch.save format is not supported; re-save it with PyTorch >= 1.6");
  }
  zip_ = std::make_unique<StoredZip>(path);

  // Every entry lives in one top folder (the archive name torch.save chose).
  const StoredZip::Entry* pkl = nullptr;
  for (const StoredZip::Entry& e : zip_->entries()) {
    const size_t slash = e.name.find('/');
    if (slash != std::string::npos && e.name.substr(slash) == "/data.pkl") {
      pkl = &e;
      archive_ = e.name.substr(0, slash);
      break;
    }
  }
  if (!pkl) {
    std::string names;
    for (size_t i = 0; i < zip_->entries().size() && i < 5; ++i) names += " " + zip_->entries()[i].name;
    fail("no <archive>/data.pkl entry: a zip file, but not a torch.save checkpoint (entries:" + names + ")");
  }
  if (const StoredZip::Entry* v = zip_->find(archive_ + "/version")) {
    auto bytes = zip_->data(*v);
    version_.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    while (!version_.empty() && (version_.back() == '\n' || version_.back() == '\r')) version_.pop_back();
  }
  if (const StoredZip::Entry* b = zip_->find(archive_ + "/byteorder")) {
    auto bytes = zip_->data(*b);
    if (std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()) != "little")
      fail("big-endian checkpoints are not supported");
  }

  pickle::Hooks hooks;
  hooks.persistent_load = [this](const pickle::Ref& pid) { return load_storage(pid); };
  hooks.reduce = [this](const pickle::Global& g, const pickle::Ref& args) { return rebuild(g, args); };
  root_ = pickle::unpickle(zip_->data(*pkl), path, pkl->name, hooks);
  collect_state_dict();
}

pickle::Ref Checkpoint::load_storage(const pickle::Ref& pid) {
  const pickle::Tuple* t = pid->get<pickle::Tuple>();
  if (!t || t->items.size() != 5 || !t->items[0]->get<std::string>() ||
      pickle::as_string(t->items[0]) != "storage")
    fail("unexpected persistent id " + pickle::repr(pid) + " (expected ('storage', type, key, location, numel))");
  try {
    const pickle::Global* type = t->items[1]->get<pickle::Global>();
    if (!type) fail("storage type is a " + t->items[1]->type_name());
    const std::string& key = pickle::as_string(t->items[2]);
    for (const auto& s : storages_)
      if (s->key == key) return pickle::make(pickle::Extension{"storage", std::shared_ptr<const StorageRecord>(s)});
    auto record = std::make_shared<StorageRecord>();
    record->key = key;
    record->location = pickle::as_string(t->items[3]);
    const int64_t numel = pickle::as_int(t->items[4]);
    if (numel < 0) fail("storage " + key + " has a negative size");
    record->numel = static_cast<uint64_t>(numel);
    bool known = false;
    for (const StorageType& st : kStorageTypes)
      if (type->name == st.name) {
        record->dtype = st.dtype;
        known = true;
      }
    if (!known) fail("storage " + key + " has an unsupported type " + type->qualified());
    const std::string entry = archive_ + "/data/" + key;
    const StoredZip::Entry* e = zip_->find(entry);
    if (!e) fail("storage " + key + " is referenced by the pickle but the zip has no entry " + entry);
    // Checked: numel is the file's choice, and a wrapping product could equal a tiny entry.
    const auto bytes = checked::mul(record->numel, uint64_t{dtype_size(record->dtype)});
    if (!bytes || e->size != *bytes)
      fail("entry " + entry + " holds " + std::to_string(e->size) + " bytes but storage " + key +
           " needs " + std::to_string(record->numel) + " x " + dtype_name(record->dtype));
    storages_.push_back(record);
    return pickle::make(pickle::Extension{"storage", std::shared_ptr<const StorageRecord>(record)});
  } catch (const std::invalid_argument& e) {
    fail(std::string("malformed storage id: ") + e.what());
  }
}

pickle::Ref Checkpoint::rebuild(const pickle::Global& g, const pickle::Ref& args) {
  const std::string q = g.qualified();
  const auto& a = args->get<pickle::Tuple>()->items;
  try {
    if (q == "torch._utils._rebuild_tensor_v2" || q == "torch._utils._rebuild_tensor") {
      if (a.size() < 4) fail(q + " with " + std::to_string(a.size()) + " arguments");
      const pickle::Extension* s = a[0]->get<pickle::Extension>();
      if (!s || s->kind != "storage") fail(q + " of a " + a[0]->type_name() + " instead of a storage");
      TensorRecord t;
      t.storage = std::any_cast<std::shared_ptr<const StorageRecord>>(s->payload);
      t.offset = pickle::as_int(a[1]);
      t.shape = int_tuple(a[2]);
      t.stride = int_tuple(a[3]);
      if (a.size() > 4) t.requires_grad = pickle::as_int(a[4]) != 0;
      check_view(t);
      return pickle::make(pickle::Extension{"tensor", std::move(t)});
    }
    if (q == "torch._utils._rebuild_parameter" || q == "torch._utils._rebuild_parameter_with_state") {
      if (a.size() < 2) fail(q + " with too few arguments");
      const TensorRecord* data = as_tensor(a[0]);
      if (!data) fail(q + " of a " + a[0]->type_name());
      TensorRecord t = *data;
      t.requires_grad = pickle::as_int(a[1]) != 0;
      return pickle::make(pickle::Extension{"tensor", std::move(t)});
    }
    if (q == "torch._tensor._rebuild_from_type_v2" && a.size() >= 3) {
      // (func, subclass, func_args, state): a tensor subclass; rebuild the plain tensor.
      if (const pickle::Global* inner = a[0]->get<pickle::Global>())
        if (a[2]->get<pickle::Tuple>()) return rebuild(*inner, a[2]);
    }
  } catch (const std::invalid_argument& e) {
    fail("malformed arguments of " + q + ": " + e.what());
  }
  return nullptr;
}

void Checkpoint::check_view(const TensorRecord& t) const {
  const std::string what = "tensor of shape " + shape_string(t.shape) + ", stride " + shape_string(t.stride) +
                           " at offset " + std::to_string(t.offset) + " over storage " + t.storage->key +
                           " (" + std::to_string(t.storage->numel) + " elements)";
  if (t.shape.size() != t.stride.size()) fail(what + ": shape and stride differ in length");
  if (t.shape.size() > kMaxTensorDims)
    fail(what + ": " + std::to_string(t.shape.size()) + " dimensions (at most " + std::to_string(kMaxTensorDims) + ")");
  if (t.offset < 0) fail(what + ": negative storage offset");
  for (size_t i = 0; i < t.shape.size(); ++i)
    if (t.shape[i] < 0 || t.stride[i] < 0) fail(what + ": negative size or stride");
  const auto numel = checked::product<int64_t>(t.shape);
  if (!numel) fail(what + ": its number of elements overflows 64 bits");
  if (*numel == 0) return;  // an empty view reads nothing, wherever it points
  // The last element reached, offset + sum((size - 1) * stride), must lie inside the storage.
  std::optional<int64_t> last = t.offset;
  for (size_t i = 0; i < t.shape.size() && last; ++i) {
    const auto step = checked::mul(t.shape[i] - 1, t.stride[i]);
    last = step ? checked::add(*last, *step) : std::nullopt;
  }
  if (!last || static_cast<uint64_t>(*last) >= t.storage->numel) fail(what + ": reaches past its storage");
  // Stride-0 (broadcast) views could name far more elements than the file holds; reading them
  // would allocate without bound, so a view never holds more elements than its storage.
  if (static_cast<uint64_t>(*numel) > t.storage->numel)
    fail(what + ": holds " + std::to_string(*numel) +
         " elements, more than its storage (a broadcast view: save it with .contiguous())");
}

void Checkpoint::collect_state_dict() {
  pickle::Ref sd = pickle::lookup(root_, "state_dict");
  if (!sd) {
    // A bare state_dict: a dict whose values are tensors.
    const pickle::Dict* d = root_ ? root_->get<pickle::Dict>() : nullptr;
    bool all_tensors = d && !d->items.empty();
    if (d)
      for (const auto& kv : d->items) all_tensors = all_tensors && as_tensor(kv.second);
    if (!all_tensors) {
      std::string keys;
      if (d)
        for (const auto& kv : d->items) keys += " " + pickle::repr(kv.first, 0);
      fail("no state_dict in the checkpoint (top level is a " +
           (root_ ? root_->type_name() : std::string("nothing")) + (keys.empty() ? "" : " with keys" + keys) + ")");
    }
    sd = root_;
  }
  const pickle::Dict* d = sd->get<pickle::Dict>();
  if (!d) fail("state_dict is a " + sd->type_name() + ", not a dict");
  for (const auto& [k, v] : d->items) {
    const std::string* key = k->get<std::string>();
    const TensorRecord* t = as_tensor(v);
    if (!key) fail("state_dict has a key of type " + k->type_name());
    if (!t) continue;  // e.g. `_extra_state` objects: not weights
    state_dict_.emplace_back(*key, *t);
  }
}

const TensorRecord* Checkpoint::find_tensor(std::string_view key) const {
  for (const auto& [k, t] : state_dict_)
    if (k == key) return &t;
  return nullptr;
}

const TensorRecord& Checkpoint::tensor(std::string_view key) const {
  if (const TensorRecord* t = find_tensor(key)) return *t;
  fail("state_dict has no tensor " + std::string(key));
}

pickle::Ref Checkpoint::hyper_parameters() const { return pickle::lookup(root_, "hyper_parameters"); }

std::span<const std::byte> Checkpoint::storage_bytes(const StorageRecord& storage) const {
  const StoredZip::Entry* e = zip_->find(archive_ + "/data/" + storage.key);
  if (!e) fail("no zip entry for storage " + storage.key);
  return zip_->data(*e);
}

std::vector<float> Checkpoint::read_float32(const TensorRecord& t) const {
  const auto bytes = storage_bytes(*t.storage);
  const size_t es = dtype_size(t.dtype());
  const int64_t n = t.numel();
  std::vector<float> out(static_cast<size_t>(n));
  if (n == 0) return out;
  // check_view bounded every index below; this guards a record built by other means.
  if (bytes.size() / es < t.storage->numel) fail("storage " + t.storage->key + " is shorter than its record");
  // Row-major walk over the shape with a running storage index.
  const size_t rank = t.shape.size();
  std::vector<int64_t> index(rank, 0);
  int64_t src = t.offset;
  for (int64_t i = 0; i < n; ++i) {
    const std::optional<float> v = element_as_float(t.dtype(), bytes.data() + static_cast<size_t>(src) * es);
    if (!v)
      fail("storage " + t.storage->key + " element " + std::to_string(src) + " (" + dtype_name(t.dtype()) +
           ") is not a finite float32 (NaN, infinite, or beyond float32's range): the weights are corrupt");
    out[static_cast<size_t>(i)] = *v;
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < t.shape[d]) {
        src += t.stride[d];
        break;
      }
      src -= (t.shape[d] - 1) * t.stride[d];
      index[d] = 0;
    }
  }
  return out;
}

}  // namespace cartography::latent
