#include "controls/reliability.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace cartography::controls {

namespace {

// Means of the rows (subjects), the columns (raters) and of everything.
struct Margins {
  std::vector<double> row, col;
  double grand = 0.0;
};

double at(const RatingMatrix& m, int64_t i, int64_t j) {
  return m.values[static_cast<size_t>(i * m.raters + j)];
}

Margins margins(const RatingMatrix& m) {
  Margins g;
  g.row.assign(static_cast<size_t>(m.subjects), 0.0);
  g.col.assign(static_cast<size_t>(m.raters), 0.0);
  for (int64_t i = 0; i < m.subjects; ++i)
    for (int64_t j = 0; j < m.raters; ++j) {
      g.row[static_cast<size_t>(i)] += at(m, i, j);
      g.col[static_cast<size_t>(j)] += at(m, i, j);
      g.grand += at(m, i, j);
    }
  for (auto& v : g.row) v /= static_cast<double>(m.raters);
  for (auto& v : g.col) v /= static_cast<double>(m.subjects);
  g.grand /= static_cast<double>(m.subjects * m.raters);
  return g;
}

bool usable(const RatingMatrix& m) {
  if (m.subjects < 0 || m.raters < 0 ||
      m.values.size() != static_cast<size_t>(m.subjects * m.raters))
    throw std::invalid_argument("reliability: matrix values do not match its shape");
  for (double v : m.values)
    if (!std::isfinite(v)) throw std::invalid_argument("reliability: non-finite rating");
  if (m.subjects < 2 || m.raters < 2) return false;
  // Every value equal: both measures are 0/0. Tested exactly, because rounded margins of a
  // constant matrix can leave residues of 1e-17 that would pass a zero-denominator test.
  return std::any_of(m.values.begin(), m.values.end(),
                     [&](double v) { return v != m.values.front(); });
}

Reliability flagged_unless_finite(double value) {
  if (!std::isfinite(value)) return {};
  return {value, true};
}

}  // namespace

Reliability icc_2_1(const RatingMatrix& m) {
  if (!usable(m)) return {};
  const Margins g = margins(m);
  const auto n = static_cast<double>(m.subjects), k = static_cast<double>(m.raters);
  double ssr = 0.0, ssc = 0.0, sse = 0.0;
  for (double r : g.row) ssr += (r - g.grand) * (r - g.grand);
  for (double c : g.col) ssc += (c - g.grand) * (c - g.grand);
  // The residual directly (x - row - col + grand)², not SST - SSR - SSC: no cancellation.
  for (int64_t i = 0; i < m.subjects; ++i)
    for (int64_t j = 0; j < m.raters; ++j) {
      const double e = at(m, i, j) - g.row[static_cast<size_t>(i)] -
                       g.col[static_cast<size_t>(j)] + g.grand;
      sse += e * e;
    }
  const double msr = k * ssr / (n - 1.0);
  const double msc = n * ssc / (k - 1.0);
  const double mse = sse / ((n - 1.0) * (k - 1.0));
  const double den = msr + (k - 1.0) * mse + k * (msc - mse) / n;
  if (!(den != 0.0)) return {};
  return flagged_unless_finite((msr - mse) / den);
}

Reliability krippendorff_alpha_interval(const RatingMatrix& m) {
  if (!usable(m)) return {};
  const Margins g = margins(m);
  // Krippendorff's coincidence form: alpha = 1 - D_o / D_e with
  //   D_o = (1/N) Σ_u Σ_{i≠j in u} δ²(x_ui, x_uj) / (m_u - 1),
  //   D_e = 1 / (N (N - 1)) Σ_{i≠j over all N values} δ²(x_i, x_j).
  // For interval δ² = (x - y)², a set of m values with sum of squares SS about its mean has
  // Σ_{i≠j} (x_i - x_j)² = 2 m SS. Complete data (m_u = k, N = n k) then gives
  //   D_o = 2 k Σ_u SS_u / ((k - 1) N),   D_e = 2 SS_total / (N - 1).
  double ss_within = 0.0, ss_total = 0.0;
  for (int64_t i = 0; i < m.subjects; ++i)
    for (int64_t j = 0; j < m.raters; ++j) {
      const double w = at(m, i, j) - g.row[static_cast<size_t>(i)];
      const double t = at(m, i, j) - g.grand;
      ss_within += w * w;
      ss_total += t * t;
    }
  if (!(ss_total > 0.0)) return {};
  const double k = static_cast<double>(m.raters);
  const double N = static_cast<double>(m.subjects) * k;
  const double d_o = 2.0 * k * ss_within / ((k - 1.0) * N);
  const double d_e = 2.0 * ss_total / (N - 1.0);
  return flagged_unless_finite(1.0 - d_o / d_e);
}

RatingMatrix rating_matrix(std::span<const stats::EncodingView> signals, int64_t dim,
                           int64_t frames) {
  if (frames < 0) throw std::invalid_argument("rating_matrix: negative frame count");
  RatingMatrix m;
  m.subjects = frames;
  m.raters = static_cast<int64_t>(signals.size());
  m.values.resize(static_cast<size_t>(m.subjects * m.raters));
  for (int64_t j = 0; j < m.raters; ++j) {
    const auto& s = signals[static_cast<size_t>(j)];
    if (dim < 0 || dim >= s.dims || s.length < frames)
      throw std::invalid_argument("rating_matrix: a signal lacks the dimension or the frames");
    for (int64_t i = 0; i < frames; ++i)
      m.values[static_cast<size_t>(i * m.raters + j)] = s.at(dim, i);
  }
  return m;
}

std::vector<DimensionReliability> per_dimension_reliability(
    std::span<const stats::EncodingView> signals, int64_t frames) {
  if (signals.empty()) return {};
  const int64_t dims = signals.front().dims;
  for (const auto& s : signals)
    if (s.dims != dims)
      throw std::invalid_argument("per_dimension_reliability: signals differ in dimensions");
  std::vector<DimensionReliability> out(static_cast<size_t>(dims));
  for (int64_t d = 0; d < dims; ++d) {
    const RatingMatrix m = rating_matrix(signals, d, frames);
    out[static_cast<size_t>(d)] = {icc_2_1(m), krippendorff_alpha_interval(m)};
  }
  return out;
}

}  // namespace cartography::controls
