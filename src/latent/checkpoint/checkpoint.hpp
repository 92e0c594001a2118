// A PyTorch checkpoint (`torch.save` zip format, as PyTorch Lightning writes `.ckpt` files),
// read natively: the zip container, the pickled object tree, and tensors as records that point
// into the archive's raw storages. No libtorch here: libtorch's own pickle loader refuses files
// that mention Python classes it does not know (Lightning's hyper-parameter dataclasses), and
// this reader must also work where libtorch is absent (inspection tools, tests).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "latent/checkpoint/checkpoint_error.hpp"
#include "latent/checkpoint/pickle_value.hpp"
#include "latent/checkpoint/stored_zip.hpp"

namespace cartography::latent {

enum class DType { Float64, Float32, Float16, BFloat16, Int64, Int32, Int16, Int8, UInt8, Bool };
size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);  // "float32", ...

// One `<archive>/data/<key>` entry: a flat array of `numel` elements of `dtype`.
struct StorageRecord {
  std::string key;
  DType dtype = DType::Float32;
  uint64_t numel = 0;
  std::string location;  // where it was saved from ("cpu", "cuda:0"); loading always maps to CPU
};

// A strided view into a storage (torch._utils._rebuild_tensor_v2 arguments).
struct TensorRecord {
  std::shared_ptr<const StorageRecord> storage;
  int64_t offset = 0;
  std::vector<int64_t> shape, stride;
  bool requires_grad = false;

  DType dtype() const { return storage->dtype; }
  int64_t numel() const;
};

// A tensor of more dimensions is refused (PyTorch itself allows at most 64).
inline constexpr size_t kMaxTensorDims = 64;

class Checkpoint {
 public:
  // Reads the container and the pickle; tensor data stays in the file until asked for.
  explicit Checkpoint(const std::string& path);

  const std::string& path() const { return zip_->path(); }
  const std::string& archive_name() const { return archive_; }  // the zip's top folder
  const std::string& format_version() const { return version_; }  // `<archive>/version`
  const pickle::Ref& root() const { return root_; }

  // The model weights in file order: `root["state_dict"]` for Lightning checkpoints, or the
  // root itself when the file is a bare state_dict.
  const std::vector<std::pair<std::string, TensorRecord>>& state_dict() const { return state_dict_; }
  const TensorRecord* find_tensor(std::string_view key) const;
  const TensorRecord& tensor(std::string_view key) const;  // throws naming the missing key

  // `root["hyper_parameters"]`, or null when the file has none.
  pickle::Ref hyper_parameters() const;

  // The tensor's values converted to float32, contiguous in row-major order of its shape.
  std::vector<float> read_float32(const TensorRecord& tensor) const;
  std::vector<float> read_float32(std::string_view key) const { return read_float32(tensor(key)); }

  // The raw bytes of a storage (checked against its CRC and its declared size).
  std::span<const std::byte> storage_bytes(const StorageRecord& storage) const;

  [[noreturn]] void fail(const std::string& what) const { throw CheckpointError(path(), what); }

 private:
  pickle::Ref load_storage(const pickle::Ref& pid);
  pickle::Ref rebuild(const pickle::Global& callable, const pickle::Ref& args);
  void collect_state_dict();
  // Refuses a view whose elements are not all inside its storage (checked arithmetic).
  void check_view(const TensorRecord& tensor) const;

  std::unique_ptr<StoredZip> zip_;
  std::string archive_, version_;
  pickle::Ref root_;
  std::vector<std::pair<std::string, TensorRecord>> state_dict_;
  std::vector<std::shared_ptr<StorageRecord>> storages_;
};

// The tensor record held by a pickle value, or null when the value is not a tensor.
const TensorRecord* as_tensor(const pickle::Ref& value);

}  // namespace cartography::latent
