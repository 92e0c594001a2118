// cartography.h5: one parallel HDF5 file per run, written collectively by every rank.
// Layout (see docs in README "Output layout"): root attributes for provenance, small tables
// written from rank 0, and ragged arrays (all encodings, all latents) as one 2-D dataset each
// whose columns are frames, with an offsets table, each rank writing its own column blocks.
// The file is written as <path>.partial and renamed only after a clean close, so an
// interrupted run never leaves a file that looks finished.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace cartography::io {

struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A block of columns owned by this rank: data is [rows, columns] row-major.
template <typename T>
struct ColumnBlock {
  int64_t column_offset = 0;
  int64_t columns = 0;
  const T* data = nullptr;
};

// Columns of a ragged dataset that this rank writes in one transfer: `spans` are (first column,
// columns) in ascending order, not overlapping; `data` is [rows, sum of columns] row-major, the
// spans side by side in that order (the order in which HDF5 walks the selection).
template <typename T>
struct ColumnSpans {
  std::vector<std::pair<int64_t, int64_t>> spans;
  const T* data = nullptr;
};

enum class Element { Float64, Float32 };

struct StoreComm;  // the communicator (io/run_store_mpi.hpp): no MPI type in this header

class RunStore {
 public:
  // Collective over comm.
  static RunStore create(const std::string& path, const StoreComm& comm);
  RunStore(RunStore&&) noexcept;
  RunStore& operator=(RunStore&&) noexcept;
  ~RunStore();

  // All collective; `name` is a path like "track_a/pearson" (groups are created as needed).
  // Values, tables and their shapes are rank 0's; the other ranks only take part.
  void attribute(const std::string& name, const std::string& value);
  void attribute(const std::string& name, int64_t value);
  void table(const std::string& name, const std::vector<int64_t>& dims, const std::vector<double>& root_data);
  void table(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& root_data);
  void table(const std::string& name, const std::vector<int64_t>& dims, const std::vector<int64_t>& root_data);
  // A [n] dataset of variable-length UTF-8 strings (bytes that are not UTF-8 shown as U+FFFD).
  // Parallel HDF5 cannot write variable-length data, so rank 0 keeps them and writes them in
  // finish(), alone, after the collective phase; the other ranks need not call this.
  void strings(const std::string& name, const std::vector<std::string>& root_values);

  // A [rows, total_columns] dataset filled by column blocks from every rank.
  void ragged(const std::string& name, int64_t rows, int64_t total_columns,
              const std::vector<ColumnBlock<double>>& mine);
  void ragged(const std::string& name, int64_t rows, int64_t total_columns,
              const std::vector<ColumnBlock<float>>& mine);

  // The same in several transfers, so that no rank needs all its columns in memory at once:
  // create_ragged() makes the dataset, then every rank calls write_columns() the same number of
  // times (a rank with nothing left passes no spans). Collective.
  void create_ragged(const std::string& name, Element type, int64_t rows, int64_t total_columns);
  void write_columns(const std::string& name, const ColumnSpans<double>& mine);
  void write_columns(const std::string& name, const ColumnSpans<float>& mine);

  // The collective writes that HDF5 performed independently instead, each "name: cause" (from
  // H5Pget_mpio_no_collective_cause); empty when every transfer really was collective.
  const std::vector<std::string>& independent_writes() const;

  // Collective: closes the parallel file; rank 0 reopens it alone, writes the string tables and
  // the root attribute complete=1, closes it (checked) and renames <path>.partial to <path>.
  // Any failure is thrown on every rank (StoreError with HDF5's or the OS's reason).
  // `closed` (if given) runs on every rank between the close and rank 0's reopening, with the
  // path of the closed .partial file: a later phase that reads the arrays back serially and adds
  // tables (pipeline/null_phase.*, io/run_store_read.hpp) before the file looks finished. It
  // must throw on every rank or on none.
  void finish(const std::function<void(const std::string& partial_path)>& closed = {});

 private:
  struct Impl;
  explicit RunStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cartography::io
