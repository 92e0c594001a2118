#include "io/run_store_read.hpp"

#include <hdf5.h>

#include <functional>

namespace cartography::io {
namespace {

// An HDF5 identifier closed on scope exit; `what` names it in the error when opening failed.
struct Id {
  hid_t id = -1;
  herr_t (*close)(hid_t) = nullptr;
  Id(hid_t i, herr_t (*c)(hid_t), const std::string& what) : id(i), close(c) {
    if (id < 0) throw StoreError("HDF5: cannot " + what);
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() {
    if (id >= 0) close(id);
  }
};

template <typename T>
hid_t memory_type() {
  if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  if constexpr (std::is_same_v<T, int64_t>) return H5T_NATIVE_INT64;
}

std::vector<hsize_t> extent(hid_t space) {
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(0, H5Sget_simple_extent_ndims(space))));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

}  // namespace

struct RunFileReader::Impl {
  std::string path;
  hid_t file = -1;

  std::string where(const std::string& name) const { return name + " in " + path; }

  template <typename T>
  std::vector<T> read(const std::string& name, const std::function<hsize_t(hid_t, const std::vector<hsize_t>&)>& select) const {
    Id dset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + where(name));
    Id space(H5Dget_space(dset.id), H5Sclose, "read the shape of " + where(name));
    const hsize_t n = select(space.id, extent(space.id));
    std::vector<T> out(static_cast<size_t>(n));
    if (n == 0) return out;
    const hsize_t count = n;
    Id memory(H5Screate_simple(1, &count, nullptr), H5Sclose, "make a memory space");
    if (H5Dread(dset.id, memory_type<T>(), memory.id, space.id, H5P_DEFAULT, out.data()) < 0)
      throw StoreError("HDF5: cannot read " + where(name));
    return out;
  }

  template <typename T>
  std::vector<T> columns(const std::string& name, int64_t first, int64_t count) const {
    return read<T>(name, [&](hid_t space, const std::vector<hsize_t>& dims) -> hsize_t {
      if (dims.size() != 2) throw StoreError(where(name) + " is not a 2-D dataset");
      if (first < 0 || count < 0 || hsize_t(first) > dims[1] || hsize_t(count) > dims[1] - hsize_t(first))
        throw StoreError(where(name) + ": columns " + std::to_string(first) + " + " + std::to_string(count) +
                         " beyond its " + std::to_string(dims[1]) + " columns");
      const hsize_t start[2] = {0, hsize_t(first)}, size[2] = {dims[0], hsize_t(count)};
      if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, size, nullptr) < 0)
        throw StoreError("HDF5: cannot select columns of " + where(name));
      return dims[0] * hsize_t(count);
    });
  }
};

RunFileReader::RunFileReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become StoreError, not stderr noise
  impl_->path = path;
  impl_->file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (impl_->file < 0) throw StoreError("HDF5: cannot open " + path + " for reading");
}

RunFileReader::RunFileReader(RunFileReader&&) noexcept = default;

RunFileReader::~RunFileReader() {
  if (impl_ && impl_->file >= 0) H5Fclose(impl_->file);
}

bool RunFileReader::has(const std::string& name) const {
  // H5Lexists on "a/b" fails when "a" is missing: check each step.
  size_t at = 0;
  while (true) {
    at = name.find('/', at + 1);
    const std::string step = name.substr(0, at);
    if (H5Lexists(impl_->file, step.c_str(), H5P_DEFAULT) <= 0) return false;
    if (at == std::string::npos) return true;
  }
}

std::vector<int64_t> RunFileReader::int64s(const std::string& name) const {
  return impl_->read<int64_t>(name, [](hid_t space, const std::vector<hsize_t>&) {
    return hsize_t(H5Sget_simple_extent_npoints(space));
  });
}

std::vector<double> RunFileReader::columns(const std::string& name, int64_t first, int64_t count, double) const {
  return impl_->columns<double>(name, first, count);
}
std::vector<float> RunFileReader::columns(const std::string& name, int64_t first, int64_t count, float) const {
  return impl_->columns<float>(name, first, count);
}

int64_t RunFileReader::rows(const std::string& name) const {
  Id dset(H5Dopen2(impl_->file, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + impl_->where(name));
  Id space(H5Dget_space(dset.id), H5Sclose, "read the shape of " + impl_->where(name));
  const std::vector<hsize_t> dims = extent(space.id);
  return dims.empty() ? 0 : int64_t(dims[0]);
}

void add_tables(const std::string& path, const std::vector<RootTable>& tables) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (file < 0) throw StoreError("HDF5: cannot open " + path + " for writing");
  try {
    Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "create a link property list");
    H5Pset_create_intermediate_group(lcpl.id, 1);
    for (const RootTable& t : tables) {
      const std::vector<hsize_t> dims(t.dims.begin(), t.dims.end());
      Id space(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose, "make the space of " + t.name);
      std::visit(
          [&](const auto& values) {
            using T = typename std::decay_t<decltype(values)>::value_type;
            hsize_t n = 1;
            for (hsize_t d : dims) n *= d;
            if (n != values.size()) throw StoreError(t.name + ": " + std::to_string(values.size()) +
                                                     " values for its shape of " + std::to_string(n));
            Id dset(H5Dcreate2(file, t.name.c_str(), memory_type<T>(), space.id, lcpl.id, H5P_DEFAULT, H5P_DEFAULT),
                    H5Dclose, "create " + t.name + " in " + path);
            if (!values.empty() &&
                H5Dwrite(dset.id, memory_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
              throw StoreError("HDF5: cannot write " + t.name + " in " + path);
          },
          t.data);
    }
  } catch (...) {
    H5Fclose(file);
    throw;
  }
  if (H5Fclose(file) < 0) throw StoreError("HDF5: cannot close " + path + " after adding tables");
}

}  // namespace cartography::io
