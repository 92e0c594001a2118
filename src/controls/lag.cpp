#include "controls/lag.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <stdexcept>

#include "stats/numpy_compat.hpp"
#include "stats/similarity.hpp"

namespace cartography::controls {

int64_t frames_covering_ms(double ms) {
  if (!(ms >= 0.0) || !std::isfinite(ms))
    throw std::invalid_argument("frames_covering_ms: duration must be finite and >= 0");
  return static_cast<int64_t>(std::ceil(ms / kFrameMs));
}

namespace {

// Per-dim r of a[t] against b[t + lag] over the frames where both exist.
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
  out.r_zero = rs_at_lag(a, b, 0);
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
      auto r = rs_at_lag(a, b, lag);
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
