// Serial access to a run file whose parallel writers have closed it (cartography.h5.partial
// between RunStore's collective phase and its rename, or a finished cartography.h5): any rank
// reads column slices of the ragged arrays, and rank 0 alone adds tables. The null baseline
// (pipeline/null_phase.*) reads the maps' signals back this way, one pair at a time, so no rank
// ever holds more than the two maps it compares. Errors are io::StoreError naming the file and
// the dataset.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "io/run_store.hpp"

namespace cartography::io {

class RunFileReader {
 public:
  explicit RunFileReader(const std::string& path);  // read-only
  RunFileReader(RunFileReader&&) noexcept;
  ~RunFileReader();

  bool has(const std::string& name) const;
  // Every value of a dataset of any shape, row-major.
  std::vector<int64_t> int64s(const std::string& name) const;
  // Columns [first, first + count) of a 2-D dataset [rows, columns] as [rows, count] row-major.
  std::vector<double> columns(const std::string& name, int64_t first, int64_t count, double) const;
  std::vector<float> columns(const std::string& name, int64_t first, int64_t count, float) const;
  // The first dimension of a dataset (0 for a scalar).
  int64_t rows(const std::string& name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A table for add_tables(): a dataset of `dims` holding `data` row-major.
struct RootTable {
  std::string name;  // e.g. "controls/null/pairs"; groups are created as needed
  std::vector<int64_t> dims;
  std::variant<std::vector<double>, std::vector<int64_t>> data;
};

// One process alone (rank 0, with every reader closed): opens `path` for writing, adds the
// tables, closes it (checked). A table whose name exists already is an error.
void add_tables(const std::string& path, const std::vector<RootTable>& tables);

}  // namespace cartography::io
