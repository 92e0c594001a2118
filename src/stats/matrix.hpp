// A small dense row-major matrix of doubles: the latent x interpretable correlation maps and the
// 9 x 9 raw coupling.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

namespace cartography::stats {

struct Matrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<double> values;  // rows * cols, row-major

  static Matrix zeros(int64_t rows, int64_t cols) {
    return {rows, cols, std::vector<double>(static_cast<size_t>(rows * cols), 0.0)};
  }
  double at(int64_t r, int64_t c) const { return values[static_cast<size_t>(r * cols + c)]; }
  double& at(int64_t r, int64_t c) { return values[static_cast<size_t>(r * cols + c)]; }
  std::span<const double> row(int64_t r) const {
    return {values.data() + r * cols, static_cast<size_t>(cols)};
  }
};

// Cell-wise sum of the matrices, added in the given order, divided by their number (numpy's
// `acc += m` then `acc /= count`). A zero matrix of the given shape when there is none.
Matrix average_in_order(std::span<const Matrix> matrices, int64_t rows, int64_t cols);

// [[row 0], [row 1], ...] as the reference's matrix.tolist().
nlohmann::ordered_json to_json(const Matrix& m);

}  // namespace cartography::stats
