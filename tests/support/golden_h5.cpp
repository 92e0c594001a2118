#include "support/golden_h5.hpp"

#include <hdf5.h>

#include <stdexcept>
#include <utility>

namespace cartography::testing {
namespace {

// One HDF5 identifier with the function that releases it.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw std::runtime_error("HDF5: cannot open " + what);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), close_(other.close_) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error("HDF5: failed to " + what);
}

template <class T>
T read_attribute(hid_t group, const char* name, hid_t memory_type, const std::string& where) {
  Handle attribute(H5Aopen(group, name, H5P_DEFAULT), H5Aclose, where + " attribute " + name);
  T value{};
  check(H5Aread(attribute.get(), memory_type, &value), "read " + where + " attribute " + name);
  return value;
}

}  // namespace

struct GoldenFile::Impl {
  std::string path;
  Handle file;
};

GoldenFile::GoldenFile(const std::string& path)
    : impl_(new Impl{path, Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, path)}) {}
GoldenFile::~GoldenFile() = default;
GoldenFile::GoldenFile(GoldenFile&&) noexcept = default;
GoldenFile& GoldenFile::operator=(GoldenFile&&) noexcept = default;

std::vector<std::string> GoldenFile::names() const {
  H5G_info_t info;
  check(H5Gget_info(impl_->file.get(), &info), "list " + impl_->path);
  std::vector<std::string> out;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t size = H5Lget_name_by_idx(impl_->file.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (size < 0) throw std::runtime_error("HDF5: cannot name link " + std::to_string(i) + " of " + impl_->path);
    std::string name(static_cast<size_t>(size), '\0');
    H5Lget_name_by_idx(impl_->file.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT);
    out.push_back(std::move(name));
  }
  return out;
}

bool GoldenFile::contains(const std::string& name) const {
  return H5Lexists(impl_->file.get(), name.c_str(), H5P_DEFAULT) > 0;
}

GoldenEncoding GoldenFile::read(const std::string& name) const {
  const std::string where = impl_->path + ":/" + name;
  Handle group(H5Gopen2(impl_->file.get(), name.c_str(), H5P_DEFAULT), H5Gclose, where);
  Handle dataset(H5Dopen2(group.get(), "x", H5P_DEFAULT), H5Dclose, where + "/x");
  Handle space(H5Dget_space(dataset.get()), H5Sclose, where + "/x dataspace");
  if (H5Sget_simple_extent_ndims(space.get()) != 2) throw std::runtime_error(where + "/x is not 2-D");
  hsize_t dims[2];
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  GoldenEncoding out;
  out.rows = static_cast<int64_t>(dims[0]);
  out.x.resize(static_cast<size_t>(dims[0] * dims[1]));
  check(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.x.data()), "read " + where + "/x");
  out.frames = read_attribute<int64_t>(group.get(), "L", H5T_NATIVE_INT64, where);
  out.n_objects = read_attribute<int64_t>(group.get(), "n_objects", H5T_NATIVE_INT64, where);
  out.ar = read_attribute<double>(group.get(), "ar", H5T_NATIVE_DOUBLE, where);
  out.od = read_attribute<double>(group.get(), "od", H5T_NATIVE_DOUBLE, where);
  if (out.frames != static_cast<int64_t>(dims[1])) throw std::runtime_error(where + ": attribute L disagrees with x");
  return out;
}

}  // namespace cartography::testing
