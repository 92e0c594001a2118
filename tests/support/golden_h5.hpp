// Reads the reference's golden encodings (tests/data/osu_golden/*.h5): one group per .osu
// file name holding dataset `x` [9, L] float64 and attributes L, n_objects, ar, od. Uses the
// HDF5 C API of the parallel build serially (default file driver, no MPI); every handle is
// owned and closed, and failures throw with the file and object named.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cartography::testing {

struct GoldenEncoding {
  int64_t rows = 0;
  int64_t frames = 0;      // attribute L (equals the dataset's second dimension)
  int64_t n_objects = 0;
  double ar = 0, od = 0;
  std::vector<double> x;   // [rows * frames], row-major
};

class GoldenFile {
 public:
  explicit GoldenFile(const std::string& path);
  ~GoldenFile();
  GoldenFile(GoldenFile&&) noexcept;
  GoldenFile& operator=(GoldenFile&&) noexcept;

  // Group names (the .osu file names), in the file's name order.
  std::vector<std::string> names() const;
  bool contains(const std::string& name) const;
  GoldenEncoding read(const std::string& name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cartography::testing
