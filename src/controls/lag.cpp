#include "controls/lag.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <stdexcept>
#include <type_traits>

#include "stats/numpy_compat.hpp"
#include "stats/similarity.hpp"

namespace cartography::controls {

int64_t frames_covering_ms(double ms) {
  if (!(ms >= 0.0) || !std::isfinite(ms))
    throw std::invalid_argument("frames_covering_ms: duration must be finite and >= 0");
  return static_cast<int64_t>(std::ceil(ms / kFrameMs));
}

namespace {

// Per-dim r of a[t] against b[t + lag] over the frames where both exist, by stats::pearson.
template <class T>
std::vector<double> rs_at_lag(stats::SignalView<T> a, stats::SignalView<T> b, int64_t lag) {
  const int64_t n = a.length;
  const int64_t overlap = std::max<int64_t>(0, n - std::abs(lag));
  const int64_t start_a = lag < 0 ? -lag : 0, start_b = lag > 0 ? lag : 0;
  std::vector<double> r(static_cast<size_t>(a.dims), 0.0);
  if (overlap == 0) return r;
  for (int64_t d = 0; d < a.dims; ++d)
    r[static_cast<size_t>(d)] =
        stats::pearson<T, T>(a.row(d).subspan(static_cast<size_t>(start_a),
                                              static_cast<size_t>(overlap)),
                             b.row(d).subspan(static_cast<size_t>(start_b),
                                              static_cast<size_t>(overlap)));
  return r;
}

// One row prepared for the 2k+1 windows cut from it: prefix sums (window means in O(1)) and
// prefix counts of value changes (a window is constant, i.e. has no spread, exactly when it holds
// no change). stats::pearson spends ~11 passes and two allocations per window; with these each
// window costs one fused pass. Deviations are taken from the window's own mean, so precision is
// that of the two-pass formula (the prefix-sum mean is off by a few ulps of the row's total, which
// enters the centred sums only to second order).
struct PreparedRow {
  std::span<const double> x;
  std::vector<double> sum;       // sum[i] = x[0] + ... + x[i-1]
  std::vector<uint32_t> changes;  // changes[i] = #{1 <= t < i : x[t] != x[t-1]}

  explicit PreparedRow(std::span<const double> row)
      : x(row), sum(row.size() + 1, 0.0), changes(row.size() + 1, 0) {
    for (size_t i = 0; i < row.size(); ++i) {
      sum[i + 1] = sum[i] + row[i];
      changes[i + 1] = changes[i] + (i > 0 && row[i] != row[i - 1] ? 1 : 0);
    }
  }
  double mean(int64_t start, int64_t n) const {
    return (sum[size_t(start + n)] - sum[size_t(start)]) / static_cast<double>(n);
  }
  // No change between frames start .. start+n-1: the window has no spread.
  bool constant(int64_t start, int64_t n) const {
    return changes[size_t(start + n)] - changes[size_t(start + 1)] == 0;
  }
};

// stats::pearson's value and zero conventions (0 with < 2 frames or a side without spread) for
// two windows of equal length n, in one pass.
double window_pearson(const PreparedRow& a, int64_t start_a, const PreparedRow& b, int64_t start_b,
                      int64_t n) {
  if (n < 2 || a.constant(start_a, n) || b.constant(start_b, n)) return 0.0;
  const double ma = a.mean(start_a, n), mb = b.mean(start_b, n);
  const double* xa = a.x.data() + start_a;
  const double* xb = b.x.data() + start_b;
  double cross = 0.0, sa = 0.0, sb = 0.0;
  for (int64_t t = 0; t < n; ++t) {
    const double da = xa[t] - ma, db = xb[t] - mb;
    cross += da * db;
    sa += da * da;
    sb += db * db;
  }
  if (sa == 0.0 || sb == 0.0) return 0.0;  // spread below what squares can hold (subnormal)
  return std::clamp(cross / std::sqrt(sa) / std::sqrt(sb), -1.0, 1.0);
}

// The fast path for float64 encodings (latents keep stats::pearson: its float32 spread test has
// no exact one-pass equivalent).
class PreparedPair {
 public:
  PreparedPair(stats::EncodingView a, stats::EncodingView b) : length_(a.length) {
    for (int64_t d = 0; d < a.dims; ++d) {
      a_.emplace_back(a.row(d));
      b_.emplace_back(b.row(d));
    }
  }
  std::vector<double> rs_at_lag(int64_t lag) const {
    const int64_t overlap = std::max<int64_t>(0, length_ - std::abs(lag));
    const int64_t start_a = lag < 0 ? -lag : 0, start_b = lag > 0 ? lag : 0;
    std::vector<double> r(a_.size(), 0.0);
    for (size_t d = 0; d < a_.size(); ++d) r[d] = window_pearson(a_[d], start_a, b_[d], start_b, overlap);
    return r;
  }

 private:
  int64_t length_;
  std::vector<PreparedRow> a_, b_;
};

template <class T>
auto correlator(stats::SignalView<T> a, stats::SignalView<T> b) {
  if constexpr (std::is_same_v<T, double>) {
    return [pair = PreparedPair(a, b)](int64_t lag) { return pair.rs_at_lag(lag); };
  } else {
    return [a, b](int64_t lag) { return rs_at_lag(a, b, lag); };
  }
}

// numpy's summation order, so that a golden's np.mean ties exactly where ours does.
double mean_of(const std::vector<double>& r) {
  return r.empty() ? 0.0 : stats::np::mean(std::span<const double>(r));
}

}  // namespace

template <class T>
LagAgreement lag_agreement(stats::SignalView<T> a, stats::SignalView<T> b, int64_t max_lag) {
  if (a.dims != b.dims || a.length != b.length)
    throw std::invalid_argument("lag_agreement: the two signals differ in shape");
  if (max_lag < 0) throw std::invalid_argument("lag_agreement: max_lag must be >= 0");
  LagAgreement out;
  const auto rs_at = correlator(a, b);
  out.r_zero = rs_at(0);
  out.zero_score = mean_of(out.r_zero);
  out.best_score = out.zero_score;
  out.r_best = out.r_zero;
  // Visiting 0, -1, +1, -2, +2, ... and keeping only strict improvements breaks ties towards
  // the smaller |lag|, then the negative one. Lags leaving fewer than 2 frames of overlap are
  // not candidates: their r would be 0 by convention, not a measurement, and could otherwise
  // "win" against negative scores.
  const int64_t reach = std::min(max_lag, a.length - 2);
  for (int64_t m = 1; m <= reach; ++m)
    for (int64_t lag : {-m, m}) {
      auto r = rs_at(lag);
      const double score = mean_of(r);
      if (score > out.best_score) {
        out.best_score = score;
        out.best_lag = lag;
        out.r_best = std::move(r);
      }
    }
  return out;
}

template LagAgreement lag_agreement<double>(stats::EncodingView, stats::EncodingView, int64_t);
template LagAgreement lag_agreement<float>(stats::LatentView, stats::LatentView, int64_t);

}  // namespace cartography::controls
