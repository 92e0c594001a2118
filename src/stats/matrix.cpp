#include "stats/matrix.hpp"

namespace cartography::stats {

Matrix average_in_order(std::span<const Matrix> matrices, int64_t rows, int64_t cols) {
  Matrix acc = Matrix::zeros(rows, cols);
  for (const auto& m : matrices) {
    if (m.rows != rows || m.cols != cols)
      throw std::invalid_argument("average_in_order: matrices differ in shape");
    for (size_t i = 0; i < acc.values.size(); ++i) acc.values[i] += m.values[i];
  }
  if (!matrices.empty())
    for (double& v : acc.values) v /= static_cast<double>(matrices.size());
  return acc;
}

nlohmann::ordered_json to_json(const Matrix& m) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (int64_t r = 0; r < m.rows; ++r) {
    nlohmann::ordered_json row = nlohmann::ordered_json::array();
    for (int64_t c = 0; c < m.cols; ++c) row.push_back(m.at(r, c));
    out.push_back(row);
  }
  return out;
}

}  // namespace cartography::stats
