// The three agreement measures every stage uses (Track A, Track B, synthesis), written once.
// Each follows the reference's definition, including its zero conventions, and returns a finite
// number for any finite input: where numpy would have produced NaN we return 0 (noted per
// function), so no result file ever holds NaN.
//
// Operation order. numpy hands dot products (np.dot, np.linalg.norm, the X X^T inside
// np.corrcoef) to the BLAS it is linked with; reductions (np.mean, np.std) it does itself
// (numpy_compat.hpp). We reproduce the reference BLAS (netlib, Debian's default, the one the
// parity fixtures were made with): a left-to-right sum in the inputs' own type, every product
// rounded. For float64 the order hardly matters (1e-16 relative); for float32 latents it does:
// a float32 dot over 10^5 terms carries ~1e-5 of rounding, which a float64 recomputation
// would not reproduce. An optimised BLAS (OpenBLAS, Accelerate) changes the reference's own
// float32 results by that much; no implementation can match all of them.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "stats/signal_view.hpp"

namespace cartography::stats {

// One side of a Pearson correlation, prepared once so that a signal correlated with many others
// (synthesis: every latent row against every interpretable row) is centred only once.
// Holds the reference's spread test (np.std(x) != 0 in x's own dtype), and the float64 deviations
// from numpy's float64 mean. Instantiated for double and float.
class CenteredSignal {
 public:
  template <class T>
  explicit CenteredSignal(std::span<const T> x);

  bool has_spread() const { return spread_; }
  int64_t size() const { return size_; }
  // Empty when the signal has no spread (nothing will be correlated with it).
  const std::vector<double>& deviations() const { return deviations_; }
  double sum_of_squares() const { return sum_sq_; }

 private:
  int64_t size_ = 0;
  std::vector<double> deviations_;
  double sum_sq_ = 0.0;
  bool spread_ = false;
};

// pearson() below, on prepared sides of equal length.
double pearson(const CenteredSignal& a, const CenteredSignal& b);

// np.corrcoef(a, b)[0, 1] with the reference's guard: 0 when there are fewer than 2 samples or
// when either side has no spread, np.std(x) == 0 evaluated in x's own dtype (float32 for
// latents). Otherwise computed in float64 (numpy widens float32 inputs) in numpy's order: centre
// on the means, covariance scaled by 1/(n-1), divided by each standard deviation in turn,
// clipped to [-1, 1]. A side with spread in float32 but none once widened would give NaN in numpy;
// here it gives 0. Instantiated for (double, double), (float, float) and (float, double).
template <class A, class B>
double pearson(std::span<const A> a, std::span<const B> b);

// dot(a, b) / (|a| |b|); 0 when either norm is 0. Computed in T like numpy (float32 for latents),
// returned widened. Instantiated for double and float.
template <class T>
double cosine(std::span<const T> a, std::span<const T> b);

// np.mean(np.abs(a - b)); 0 for empty input (numpy: NaN).
double mean_abs_diff(std::span<const double> a, std::span<const double> b);

// Mean over frames t = 0, stride, 2*stride, ... < n_frames of the cosine between frame vectors
// a[:, t] and b[:, t]. 0 when there is no frame (numpy: NaN). Instantiated for double and float.
template <class T>
double mean_frame_cosine(SignalView<T> a, SignalView<T> b, int64_t n_frames, int64_t stride);

}  // namespace cartography::stats
