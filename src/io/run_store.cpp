#include "io/run_store.hpp"
#include "io/run_store_mpi.hpp"

#include "io/json.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <map>

namespace cartography::io {
namespace {

std::string hdf5_reason();

// One owning HDF5 identifier: every hid_t we open is closed exactly once.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id < 0) throw StoreError("HDF5: cannot " + what + ": " + hdf5_reason());
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

// HDF5's own account of the last failure: the innermost messages of the error stack (e.g.
// "file write failed ... No space left on device"), most specific last.
herr_t collect_message(unsigned n, const H5E_error2_t* e, void* out) {
  auto& text = *static_cast<std::string*>(out);
  if (n < 4 && e->desc && *e->desc) text += std::string(text.empty() ? "" : "; ") + e->desc;
  return 0;
}

std::string hdf5_reason() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect_message, &text);
  H5Eclear2(H5E_DEFAULT);
  return text.empty() ? "no reason given by HDF5" : text;
}

// HDF5's stack does not keep the OS's reason ("No space left on device"): errno does, when
// the failed call set it (each store operation clears errno first, so it is not stale).
[[noreturn]] void fail(const std::string& what) {
  const int os_error = errno;
  std::string reason = hdf5_reason();
  if (os_error != 0) reason += " (" + std::string(std::strerror(os_error)) + ")";
  throw StoreError("HDF5: " + what + " failed: " + reason);
}

void check(herr_t status, const std::string& what) {
  if (status < 0) fail(what);
}

template <typename T>
hid_t native_type();
template <>
hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }
template <>
hid_t native_type<float>() { return H5T_NATIVE_FLOAT; }
template <>
hid_t native_type<int64_t>() { return H5T_NATIVE_INT64; }

template <typename T>
Element element_of();
template <>
Element element_of<double>() { return Element::Float64; }
template <>
Element element_of<float>() { return Element::Float32; }

// The spans in order, each inside [0, total), adjacent ones joined; empty ones dropped.
std::vector<std::pair<int64_t, int64_t>> merged_spans(const std::string& name,
                                                      const std::vector<std::pair<int64_t, int64_t>>& spans,
                                                      int64_t total) {
  std::vector<std::pair<int64_t, int64_t>> out;
  int64_t end = 0;
  for (const auto& [first, count] : spans) {
    if (count < 0 || first < end || first + count > total)
      throw StoreError("columns " + std::to_string(first) + "+" + std::to_string(count) + " outside dataset " + name +
                       " or not in ascending order");
    if (count == 0) continue;
    if (!out.empty() && out.back().first + out.back().second == first)
      out.back().second += count;
    else
      out.emplace_back(first, count);
    end = first + count;
  }
  return out;
}

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
  std::vector<std::string> independent;  // see RunStore::independent_writes()

  // HDF5 falls back to independent I/O without an error (a type conversion, a layout it cannot
  // do collectively): correct, but slow at scale. Its reason is kept per write.
  void note_transfer(const std::string& name) {
    uint32_t local = 0, global = 0;
    if (H5Pget_mpio_no_collective_cause(collective.get(), &local, &global) < 0) {
      independent.push_back(name + ": HDF5 cannot tell whether the write was collective");
    } else if (global != H5D_MPIO_COLLECTIVE) {
      char cause[96];
      std::snprintf(cause, sizeof cause, ": not collective (H5D_mpio_no_collective_cause_t 0x%x)", unsigned(global));
      independent.push_back(name + cause);
    }
  }
  // Rank 0's string tables, written after the collective phase (see strings()).
  std::vector<std::pair<std::string, std::vector<std::string>>> pending_strings;

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
    errno = 0;
    // Dataset creation is collective and needs identical arguments: rank 0's shape rules.
    int rank_count = static_cast<int>(dims.size());
    MPI_Bcast(&rank_count, 1, MPI_INT, 0, comm);
    dims.resize(static_cast<size_t>(rank_count));
    static_assert(sizeof(hsize_t) == sizeof(unsigned long long));
    MPI_Bcast(dims.data(), rank_count, MPI_UNSIGNED_LONG_LONG, 0, comm);
    Handle dset = create_dataset(name, type, dims);
    hsize_t elements = 1;
    for (hsize_t d : dims) elements *= d;
    if (elements == 0) return;  // an empty table: created, nothing to transfer (the same on every rank)
    Handle file_space(H5Dget_space(dset.get()), H5Sclose, "get dataspace");
    Handle mem_space = simple_space(dims);
    if (rank != 0) {
      check(H5Sselect_none(file_space.get()), "select none");
      check(H5Sselect_none(mem_space.get()), "select none");
    }
    check(H5Dwrite(dset.get(), type, mem_space.get(), file_space.get(), collective.get(), rank == 0 ? data : nullptr),
          "write " + name);
    note_transfer(name);
  }

  // Ragged datasets between create_ragged() and finish(): written in several transfers.
  struct Ragged {
    Handle dset;
    Element type = Element::Float64;
    int64_t rows = 0, total = 0;
  };
  std::map<std::string, Ragged> ragged_sets;

  void create_ragged(const std::string& name, Element type, int64_t rows, int64_t total) {
    errno = 0;
    if (rows < 0 || total < 0) throw StoreError("negative shape for dataset " + name);
    Handle dset = create_dataset(name, type == Element::Float64 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT,
                                 {hsize_t(rows), hsize_t(total)});
    ragged_sets[name] = Ragged{std::move(dset), type, rows, total};
  }

  // One collective transfer of this rank's spans (adjacent ones merged: fewer hyperslabs for
  // HDF5 to combine); a rank without any joins with an empty selection.
  template <typename T>
  void write_columns(const std::string& name, const ColumnSpans<T>& mine) {
    errno = 0;
    auto it = ragged_sets.find(name);
    if (it == ragged_sets.end()) throw StoreError("no ragged dataset " + name + " to write columns into");
    const Ragged& r = it->second;
    if (r.type != element_of<T>()) throw StoreError("wrong element type for dataset " + name);
    std::vector<std::pair<int64_t, int64_t>> spans = merged_spans(name, mine.spans, r.total);
    int64_t columns = 0;
    for (const auto& s : spans) columns += s.second;
    const bool have = columns > 0 && r.rows > 0;
    Handle file_space(H5Dget_space(r.dset.get()), H5Sclose, "get dataspace");
    Handle mem_space = simple_space({hsize_t(std::max<int64_t>(r.rows, 1)), hsize_t(std::max<int64_t>(columns, 1))});
    check(H5Sselect_none(file_space.get()), "select none");
    if (have) {
      for (const auto& [first, count] : spans) {
        hsize_t start[2] = {0, hsize_t(first)}, cnt[2] = {hsize_t(r.rows), hsize_t(count)};
        check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_OR, start, nullptr, cnt, nullptr), "select columns");
      }
    } else {
      check(H5Sselect_none(mem_space.get()), "select none");
    }
    check(H5Dwrite(r.dset.get(), native_type<T>(), mem_space.get(), file_space.get(), collective.get(),
                   have ? mine.data : nullptr),
          "write " + name);
    note_transfer(name);
  }

  // The one-call form: one transfer per block, as many as the rank with the most blocks has.
  template <typename T>
  void ragged(const std::string& name, int64_t rows, int64_t total, const std::vector<ColumnBlock<T>>& mine) {
    create_ragged(name, element_of<T>(), rows, total);
    long long count = static_cast<long long>(mine.size()), rounds = 0;
    MPI_Allreduce(&count, &rounds, 1, MPI_LONG_LONG, MPI_MAX, comm);
    for (long long k = 0; k < rounds; ++k) {
      ColumnSpans<T> spans;
      if (k < count) spans = {{{mine[size_t(k)].column_offset, mine[size_t(k)].columns}}, mine[size_t(k)].data};
      write_columns(name, spans);
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

Handle variable_string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(t.get(), H5T_VARIABLE), "variable string size");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "string charset");
  return t;
}

// A variable-length HDF5 string is a C string: a NUL byte (a chart's `Version:a<NUL>b` is valid
// UTF-8, kept whole in the JSON) cut it short, so the file and the JSON named the map
// differently. Shown as U+FFFD, like a byte that is not UTF-8.
std::string without_nul(std::string s) {
  for (size_t at = s.find('\0'); at != std::string::npos; at = s.find('\0', at + 3)) s.replace(at, 1, "\xEF\xBF\xBD");
  return s;
}

// One [n] dataset of variable-length UTF-8 strings, written by this process alone. The type
// says UTF-8, so bytes that are not (file names are bytes) are shown as U+FFFD, and so is NUL.
void write_variable_strings(hid_t file, const std::string& name, const std::vector<std::string>& values) {
  std::vector<std::string> shown;
  shown.reserve(values.size());
  for (const auto& v : values) shown.push_back(without_nul(utf8_display(v)));
  std::vector<const char*> pointers;
  for (const auto& v : shown) pointers.push_back(v.c_str());
  Handle type = variable_string_type();
  Handle space = simple_space({hsize_t(values.size())});
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "create a link property list");
  check(H5Pset_create_intermediate_group(lcpl.get(), 1), "intermediate groups");
  Handle dset(H5Dcreate2(file, name.c_str(), type.get(), space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
              "create dataset " + name);
  if (values.empty()) return;
  check(H5Dwrite(dset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), "write " + name);
}

void write_int_attribute(hid_t file, const std::string& name, int64_t value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  if (H5Aexists(file, name.c_str()) > 0) check(H5Adelete(file, name.c_str()), "delete attribute " + name);
  Handle attr(H5Acreate2(file, name.c_str(), H5T_NATIVE_INT64, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "create attribute " + name);
  check(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value), "write attribute " + name);
}

// Rank 0, after every rank has closed the parallel file: the string tables (parallel HDF5
// cannot write variable-length data), then complete = 1, a checked close, and the rename.
void finish_on_root(const std::string& partial, const std::string& path,
                    const std::vector<std::pair<std::string, std::vector<std::string>>>& strings) {
  errno = 0;
  {
    Handle file(H5Fopen(partial.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose, "reopen " + partial);
    for (const auto& [name, values] : strings) write_variable_strings(file.get(), name, values);
    write_int_attribute(file.get(), "complete", 1);
    check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "flush " + partial);
    check(H5Fclose(file.release()), "close " + partial);
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0)
    throw StoreError("cannot rename " + partial + " to " + path + ": " + std::strerror(errno));
}

// Rank 0's error (empty: none) reaches every rank, so all of them fail or succeed together.
void share_root_error(MPI_Comm comm, int rank, std::string error) {
  unsigned long long n = error.size();
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
  error.resize(static_cast<size_t>(n));
  if (n > 0) MPI_Bcast(error.data(), static_cast<int>(n), MPI_CHAR, 0, comm);
  if (n > 0) throw StoreError(rank == 0 ? error : "rank 0: " + error);
}

}  // namespace

RunStore::RunStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RunStore::RunStore(RunStore&&) noexcept = default;
RunStore& RunStore::operator=(RunStore&&) noexcept = default;
RunStore::~RunStore() {
  if (!impl_ || impl_->file.get() < 0) return;
  // Only on a failed run (finish() closes the file otherwise). After a failed write (a full
  // disk), HDF5 1.10's H5Fclose fails as well and leaves a half-closed file that its shutdown
  // inside MPI_Finalize then dereferences: a segfault. Left open, the file is closed by that
  // shutdown, which fails quietly; the caller has the error already and removes the file.
  impl_->collective = Handle();
  for (auto& entry : impl_->ragged_sets) entry.second.dset.release();
  impl_->file.release();
}

RunStore RunStore::create(const std::string& path, const StoreComm& store_comm) {
  const MPI_Comm comm = store_comm.comm;
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
  errno = 0;
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

void RunStore::attribute(const std::string& name, const std::string& raw) {
  const std::string value = utf8_display(raw);  // the type says UTF-8 (a path may be any bytes)
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

const std::vector<std::string>& RunStore::independent_writes() const { return impl_->independent; }

void RunStore::strings(const std::string& name, const std::vector<std::string>& values) {
  if (impl_->rank == 0) impl_->pending_strings.emplace_back(name, values);
}

void RunStore::ragged(const std::string& name, int64_t rows, int64_t total,
                      const std::vector<ColumnBlock<double>>& mine) {
  impl_->ragged(name, rows, total, mine);
}
void RunStore::ragged(const std::string& name, int64_t rows, int64_t total,
                      const std::vector<ColumnBlock<float>>& mine) {
  impl_->ragged(name, rows, total, mine);
}

void RunStore::create_ragged(const std::string& name, Element type, int64_t rows, int64_t total) {
  impl_->create_ragged(name, type, rows, total);
}
void RunStore::write_columns(const std::string& name, const ColumnSpans<double>& mine) {
  impl_->write_columns(name, mine);
}
void RunStore::write_columns(const std::string& name, const ColumnSpans<float>& mine) {
  impl_->write_columns(name, mine);
}

void RunStore::finish(const std::function<void(const std::string&)>& closed) {
  errno = 0;
  impl_->ragged_sets.clear();  // an open dataset would keep the parallel file from closing
  check(H5Fflush(impl_->file.get(), H5F_SCOPE_GLOBAL), "flush " + impl_->partial_path);
  impl_->collective = Handle();
  check(H5Fclose(impl_->file.release()), "close " + impl_->partial_path);
  MPI_Barrier(impl_->comm);
  if (closed) closed(impl_->partial_path);
  std::string error;
  if (impl_->rank == 0) {
    try {
      finish_on_root(impl_->partial_path, impl_->path, impl_->pending_strings);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  share_root_error(impl_->comm, impl_->rank, error);
}

}  // namespace cartography::io
