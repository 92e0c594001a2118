#include "stats/similarity.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "stats/numpy_compat.hpp"

namespace cartography::stats {
namespace {

void require_same_length(size_t a, size_t b, const char* what) {
  if (a != b) throw std::invalid_argument(std::string(what) + ": signals differ in length");
}

// A dot product as numpy computes it through BLAS: left to right, in the inputs' own type,
// each product rounded before it is added (the reference BLAS's order; see similarity.hpp).
template <class T, class Left, class Right>
T blas_dot(int64_t n, const Left& left, const Right& right) {
  T total = T(0);
  for (int64_t i = 0; i < n; ++i) {
    const T product = left(i) * right(i);
    total += product;
  }
  return total;
}

}  // namespace

template <class T>
CenteredSignal::CenteredSignal(std::span<const T> x)
    : size_(static_cast<int64_t>(x.size())), spread_(np::has_spread(x)) {
  if (!spread_) return;
  // np.corrcoef copies its inputs to float64 before taking the mean.
  const double mean = np::sum<double>(x) / static_cast<double>(size_);
  deviations_.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) deviations_[i] = static_cast<double>(x[i]) - mean;
  const auto dev = [&](int64_t i) { return deviations_[static_cast<size_t>(i)]; };
  sum_sq_ = blas_dot<double>(size_, dev, dev);
}

template CenteredSignal::CenteredSignal(std::span<const double>);
template CenteredSignal::CenteredSignal(std::span<const float>);

double pearson(const CenteredSignal& a, const CenteredSignal& b) {
  require_same_length(static_cast<size_t>(a.size()), static_cast<size_t>(b.size()), "pearson");
  if (a.size() < 2 || !a.has_spread() || !b.has_spread()) return 0.0;
  const auto& da = a.deviations();
  const auto& db = b.deviations();
  const double cross = blas_dot<double>(
      a.size(), [&](int64_t i) { return da[size_t(i)]; }, [&](int64_t i) { return db[size_t(i)]; });
  // numpy: cov = X X^T * (1/(n-1)); r = cov_ab / sd_a / sd_b, clipped.
  const double scale = 1.0 / static_cast<double>(a.size() - 1);
  const double sd_a = std::sqrt(a.sum_of_squares() * scale);
  const double sd_b = std::sqrt(b.sum_of_squares() * scale);
  if (sd_a == 0.0 || sd_b == 0.0) return 0.0;  // numpy: NaN (spread lost in the widening)
  return std::clamp(cross * scale / sd_a / sd_b, -1.0, 1.0);
}

template <class A, class B>
double pearson(std::span<const A> a, std::span<const B> b) {
  require_same_length(a.size(), b.size(), "pearson");
  if (a.size() < 2) return 0.0;
  return pearson(CenteredSignal(a), CenteredSignal(b));
}

template double pearson(std::span<const double>, std::span<const double>);
template double pearson(std::span<const float>, std::span<const float>);
template double pearson(std::span<const float>, std::span<const double>);

template <class T>
double cosine(std::span<const T> a, std::span<const T> b) {
  require_same_length(a.size(), b.size(), "cosine");
  const auto n = static_cast<int64_t>(a.size());
  const auto in_a = [&](int64_t i) { return a[size_t(i)]; };
  const auto in_b = [&](int64_t i) { return b[size_t(i)]; };
  // np.linalg.norm is sqrt(x.dot(x)); all of it stays in T, as in numpy.
  const T norm_a = std::sqrt(blas_dot<T>(n, in_a, in_a));
  const T norm_b = std::sqrt(blas_dot<T>(n, in_b, in_b));
  if (norm_a == T(0) || norm_b == T(0)) return 0.0;
  const T dot = blas_dot<T>(n, in_a, in_b);
  const T denominator = norm_a * norm_b;
  if (denominator == T(0)) return 0.0;  // norms so small their product underflows (numpy: inf)
  return static_cast<double>(T(dot / denominator));
}

template double cosine(std::span<const double>, std::span<const double>);
template double cosine(std::span<const float>, std::span<const float>);

double mean_abs_diff(std::span<const double> a, std::span<const double> b) {
  require_same_length(a.size(), b.size(), "mean_abs_diff");
  if (a.empty()) return 0.0;
  const auto n = static_cast<int64_t>(a.size());
  const double total =
      np::sum_terms<double>(n, [&](int64_t i) { return std::fabs(a[size_t(i)] - b[size_t(i)]); });
  return total / static_cast<double>(n);
}

template <class T>
double mean_frame_cosine(SignalView<T> a, SignalView<T> b, int64_t n_frames, int64_t stride) {
  if (a.dims != b.dims) throw std::invalid_argument("mean_frame_cosine: dims differ");
  if (n_frames > a.length || n_frames > b.length)
    throw std::invalid_argument("mean_frame_cosine: n_frames beyond a signal");
  if (stride < 1) throw std::invalid_argument("mean_frame_cosine: stride < 1");
  std::vector<double> sims;
  for (int64_t t = 0; t < n_frames; t += stride) {
    const std::vector<T> fa = a.frame(t);
    const std::vector<T> fb = b.frame(t);
    sims.push_back(cosine<T>(fa, fb));
  }
  if (sims.empty()) return 0.0;
  return np::mean<double>(sims);
}

template double mean_frame_cosine(SignalView<double>, SignalView<double>, int64_t, int64_t);
template double mean_frame_cosine(SignalView<float>, SignalView<float>, int64_t, int64_t);

}  // namespace cartography::stats
