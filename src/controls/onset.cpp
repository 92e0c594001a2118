#include "controls/onset.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace cartography::controls {

namespace {

std::vector<double> sorted_times(std::span<const double> t, const char* which) {
  std::vector<double> s(t.begin(), t.end());
  for (double v : s)
    if (!std::isfinite(v))
      throw std::invalid_argument(std::string("onset_f_measure: non-finite ") + which + " time");
  std::sort(s.begin(), s.end());
  return s;
}

// Size of a maximum one-to-one matching with |r - e| <= w, by one sweep over sorted times.
// Why greedy is optimal: take the earliest unmatched reference r and estimate e.
//  - If |r - e| <= w, some maximum matching pairs r with e: if one pairs r with e2 and e with
//    r2 instead (r <= r2, e <= e2), the uncrossed pairs (r, e), (r2, e2) are also within w
//    (e <= e2 <= r + w and e >= r2 - w >= r - w; likewise for (r2, e2)), so swap them.
//  - If e < r - w, e is too early for r and for every later reference: drop e.
//  - If e > r + w, r is too early for e and every later estimate: drop r.
// Earlier dropped events were too far from everything still in play for the same reason.
int64_t max_matching(const std::vector<double>& ref, const std::vector<double>& est, double w) {
  int64_t matches = 0;
  size_t i = 0, j = 0;
  while (i < ref.size() && j < est.size()) {
    if (std::abs(ref[i] - est[j]) <= w) {
      ++matches;
      ++i;
      ++j;
    } else if (ref[i] < est[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return matches;
}

}  // namespace

OnsetScore onset_f_measure(std::span<const double> ref_ms, std::span<const double> est_ms,
                           double window_ms) {
  if (!(window_ms >= 0.0) || !std::isfinite(window_ms))
    throw std::invalid_argument("onset_f_measure: window must be finite and >= 0");
  const auto ref = sorted_times(ref_ms, "reference");
  const auto est = sorted_times(est_ms, "estimated");
  OnsetScore s;
  s.ref_empty = ref.empty();
  s.est_empty = est.empty();
  if (s.ref_empty || s.est_empty) return s;
  s.matches = max_matching(ref, est, window_ms);
  const auto m = static_cast<double>(s.matches);
  s.precision = m / static_cast<double>(est.size());
  s.recall = m / static_cast<double>(ref.size());
  // mir_eval.util.f_measure with beta = 1: (1 + 1) p r / (p + r), 0 when both are 0.
  if (s.precision > 0.0 || s.recall > 0.0)
    s.f = 2.0 * s.precision * s.recall / (s.precision + s.recall);
  return s;
}

}  // namespace cartography::controls
