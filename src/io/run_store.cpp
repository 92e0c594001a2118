#include "io/run_store.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace cartography::io {
namespace {

// One owning HDF5 identifier: every hid_t we open is closed exactly once.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id < 0) throw StoreError("HDF5: cannot " + what);
  }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    std::swap(id_, o.id_);
    std::swap(close_, o.close_);
    return *this;
  }
  ~Handle() {
    if (id_ >= 0 && close_) close_(id_);
  }
  hid_t get() const { return id_; }
  hid_t release() {
    hid_t id = id_;
    id_ = -1;
    return id;
  }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw StoreError("HDF5: " + what + " failed");
}

template <typename T>
hid_t native_type();
template <>
hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }
template <>
hid_t native_type<float>() { return H5T_NATIVE_FLOAT; }
template <>
hid_t native_type<int64_t>() { return H5T_NATIVE_INT64; }

std::vector<hsize_t> to_hsize(const std::vector<int64_t>& dims) {
  return std::vector<hsize_t>(dims.begin(), dims.end());
}

Handle simple_space(const std::vector<hsize_t>& dims) {
  return Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
                "create a dataspace");
}

}  // namespace

struct RunStore::Impl {
  MPI_Comm comm = MPI_COMM_NULL;
  int rank = 0;
  std::string path, partial_path;
  Handle file;
  Handle collective;  // dataset transfer property list: collective MPI-IO

  Handle link_creation() const {
    Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "create a link property list");
    check(H5Pset_create_intermediate_group(lcpl.get(), 1), "intermediate groups");
    return lcpl;
  }

  Handle create_dataset(const std::string& name, hid_t type, const std::vector<hsize_t>& dims) {
    Handle space = simple_space(dims);
    Handle lcpl = link_creation();
    return Handle(H5Dcreate2(file.get(), name.c_str(), type, space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
                  H5Dclose, "create dataset " + name);
  }

  // Rank 0 writes the whole dataset; the others take part with empty selections, because
  // a collective transfer needs every rank in the call.
  void write_from_root(const std::string& name, hid_t type, std::vector<hsize_t> dims, const void* data) {
    // Dataset creation is collective and needs identical arguments: rank 0's shape rules.
    int rank_count = static_cast<int>(dims.size());
    MPI_Bcast(&rank_count, 1, MPI_INT, 0, comm);
    dims.resize(static_cast<size_t>(rank_count));
    static_assert(sizeof(hsize_t) == sizeof(unsigned long long));
    MPI_Bcast(dims.data(), rank_count, MPI_UNSIGNED_LONG_LONG, 0, comm);
    Handle dset = create_dataset(name, type, dims);
    Handle file_space(H5Dget_space(dset.get()), H5Sclose, "get dataspace");
    Handle mem_space = simple_space(dims);
    if (rank != 0) {
      check(H5Sselect_none(file_space.get()), "select none");
      check(H5Sselect_none(mem_space.get()), "select none");
    }
    check(H5Dwrite(dset.get(), type, mem_space.get(), file_space.get(), collective.get(), rank == 0 ? data : nullptr),
          "write " + name);
  }

  template <typename T>
  void ragged(const std::string& name, int64_t rows, int64_t total, const std::vector<ColumnBlock<T>>& mine) {
    std::vector<hsize_t> dims{hsize_t(rows), hsize_t(total)};
    Handle dset = create_dataset(name, native_type<T>(), dims);
    // One collective write per block; ranks with fewer blocks join with empty selections.
    long long count = static_cast<long long>(mine.size()), rounds = 0;
    MPI_Allreduce(&count, &rounds, 1, MPI_LONG_LONG, MPI_MAX, comm);
    for (long long k = 0; k < rounds; ++k) {
      Handle file_space(H5Dget_space(dset.get()), H5Sclose, "get dataspace");
      bool have = k < count && mine[size_t(k)].columns > 0 && rows > 0;
      hsize_t block_cols = have ? hsize_t(mine[size_t(k)].columns) : 1;
      std::vector<hsize_t> mem_dims{hsize_t(std::max<int64_t>(rows, 1)), block_cols};
      Handle mem_space = simple_space(mem_dims);
      const T* data = nullptr;
      if (have) {
        const auto& b = mine[size_t(k)];
        if (b.column_offset < 0 || b.column_offset + b.columns > total)
          throw StoreError("block outside dataset " + name);
        hsize_t start[2] = {0, hsize_t(b.column_offset)}, cnt[2] = {hsize_t(rows), hsize_t(b.columns)};
        check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, cnt, nullptr), "select block");
        data = b.data;
      } else {
        check(H5Sselect_none(file_space.get()), "select none");
        check(H5Sselect_none(mem_space.get()), "select none");
      }
      check(H5Dwrite(dset.get(), native_type<T>(), mem_space.get(), file_space.get(), collective.get(), data),
            "write " + name);
    }
  }

  void attribute(const std::string& name, hid_t type, const void* value) {
    Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
    if (H5Aexists(file.get(), name.c_str()) > 0) check(H5Adelete(file.get(), name.c_str()), "delete attribute");
    Handle attr(H5Acreate2(file.get(), name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                "create attribute " + name);
    check(H5Awrite(attr.get(), type, value), "write attribute " + name);
  }
};

namespace {

Handle string_type(size_t length) {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(t.get(), std::max<size_t>(length, 1)), "string size");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "string charset");
  check(H5Tset_strpad(t.get(), H5T_STR_NULLPAD), "string padding");
  return t;
}

}  // namespace

RunStore::RunStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RunStore::RunStore(RunStore&&) noexcept = default;
RunStore& RunStore::operator=(RunStore&&) noexcept = default;
RunStore::~RunStore() = default;

RunStore RunStore::create(const std::string& path, MPI_Comm comm) {
  auto impl = std::make_unique<Impl>();
  impl->comm = comm;
  MPI_Comm_rank(comm, &impl->rank);
  impl->path = path;
  impl->partial_path = path + ".partial";
  // A finished file from an earlier run must not outlive the start of a new one.
  if (impl->rank == 0) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become StoreError, not stderr noise
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access list");
  check(H5Pset_fapl_mpio(fapl.get(), comm, MPI_INFO_NULL), "MPI-IO driver");
  check(H5Pset_all_coll_metadata_ops(fapl.get(), true), "collective metadata reads");
  check(H5Pset_coll_metadata_write(fapl.get(), true), "collective metadata writes");
  impl->file = Handle(H5Fcreate(impl->partial_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose,
                      "create " + impl->partial_path);
  impl->collective = Handle(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "create transfer list");
  check(H5Pset_dxpl_mpio(impl->collective.get(), H5FD_MPIO_COLLECTIVE), "collective transfer");
  RunStore store(std::move(impl));
  store.attribute("complete", int64_t(0));
  return store;
}

void RunStore::attribute(const std::string& name, const std::string& value) {
  Handle type = string_type(value.size());
  impl_->attribute(name, type.get(), value.empty() ? "" : value.data());
}

void RunStore::attribute(const std::string& name, int64_t value) {
  impl_->attribute(name, H5T_NATIVE_INT64, &value);
}

void RunStore::table(const std::string& name, const std::vector<int64_t>& dims, const std::vector<double>& data) {
  impl_->write_from_root(name, H5T_NATIVE_DOUBLE, to_hsize(dims), data.data());
}
void RunStore::table(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& data) {
  impl_->write_from_root(name, H5T_NATIVE_FLOAT, to_hsize(dims), data.data());
}
void RunStore::table(const std::string& name, const std::vector<int64_t>& dims, const std::vector<int64_t>& data) {
  impl_->write_from_root(name, H5T_NATIVE_INT64, to_hsize(dims), data.data());
}

void RunStore::strings(const std::string& name, const std::vector<std::string>& values) {
  // Every rank must create the dataset with the same type and shape: take them from rank 0.
  unsigned long long shape[2] = {values.size(), 1};
  for (const auto& v : values) shape[1] = std::max<unsigned long long>(shape[1], v.size());
  MPI_Bcast(shape, 2, MPI_UNSIGNED_LONG_LONG, 0, impl_->comm);
  std::vector<char> packed;
  if (impl_->rank == 0) {
    packed.assign(shape[0] * shape[1], '\0');
    for (size_t i = 0; i < values.size(); ++i) std::copy(values[i].begin(), values[i].end(), packed.begin() + i * shape[1]);
  }
  Handle type = string_type(shape[1]);
  impl_->write_from_root(name, type.get(), {hsize_t(shape[0])}, packed.data());
}

void RunStore::ragged(const std::string& name, int64_t rows, int64_t total,
                      const std::vector<ColumnBlock<double>>& mine) {
  impl_->ragged(name, rows, total, mine);
}
void RunStore::ragged(const std::string& name, int64_t rows, int64_t total,
                      const std::vector<ColumnBlock<float>>& mine) {
  impl_->ragged(name, rows, total, mine);
}

void RunStore::finish() {
  attribute("complete", int64_t(1));
  check(H5Fflush(impl_->file.get(), H5F_SCOPE_GLOBAL), "flush");
  impl_->collective = Handle();
  hid_t file = impl_->file.release();
  check(H5Fclose(file), "close " + impl_->partial_path);
  MPI_Barrier(impl_->comm);
  if (impl_->rank == 0) {
    std::error_code ec;
    std::filesystem::rename(impl_->partial_path, impl_->path, ec);
    if (ec) throw StoreError("cannot rename " + impl_->partial_path + ": " + ec.message());
  }
  MPI_Barrier(impl_->comm);
}

}  // namespace cartography::io
