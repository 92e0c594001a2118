// Reductions that round exactly like numpy 1.24 (the version the reference ran on), so that
// results agree with the reference to the last bit where the order of operations is ours to
// choose. Why it matters: `np.std(x) == 0` decides whether a Pearson r is computed at all, and
// numpy's mean of a constant array is not always that constant; the reference's Track B also
// accumulates its between-creator variance in float32, where summation order shows at ~1e-7.
//
// numpy's add.reduce on a contiguous 1-D array: start from 0, then add, block after block of
// 8192 elements (the iterator's buffer size), each block summed pairwise (blocks of at most
// 128 elements are summed with 8 interleaved accumulators, larger ones are split in two at a
// multiple of 8).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace cartography::stats::np {

inline constexpr int64_t kBufferSize = 8192;    // numpy's default iterator buffer
inline constexpr int64_t kPairwiseBlock = 128;  // numpy's PW_BLOCKSIZE

// Pairwise sum of term(begin) .. term(begin + n - 1), accumulated in Acc.
template <class Acc, class Term>
Acc pairwise_sum(int64_t begin, int64_t n, const Term& term) {
  if (n < 8) {
    Acc res = Acc(0);
    for (int64_t i = 0; i < n; ++i) res += term(begin + i);
    return res;
  }
  if (n <= kPairwiseBlock) {
    Acc r[8];
    for (int j = 0; j < 8; ++j) r[j] = term(begin + j);
    int64_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (int j = 0; j < 8; ++j) r[j] += term(begin + i + j);
    Acc res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += term(begin + i);
    return res;
  }
  int64_t half = n / 2;
  half -= half % 8;
  return pairwise_sum<Acc>(begin, half, term) + pairwise_sum<Acc>(begin + half, n - half, term);
}

// np.add.reduce over n generated terms: 8192-element blocks added in order to a 0 start.
template <class Acc, class Term>
Acc sum_terms(int64_t n, const Term& term) {
  Acc total = Acc(0);
  for (int64_t start = 0; start < n; start += kBufferSize)
    total += pairwise_sum<Acc>(start, std::min(kBufferSize, n - start), term);
  return total;
}

// np.sum(x.astype(Acc)).
template <class Acc, class T>
Acc sum(std::span<const T> x) {
  return sum_terms<Acc>(static_cast<int64_t>(x.size()),
                        [&](int64_t i) { return static_cast<Acc>(x[static_cast<size_t>(i)]); });
}

// numpy divides a scalar sum by the count in float64 and casts back to the array's type.
template <class T>
T divide_by_count(T total, int64_t n) {
  return static_cast<T>(static_cast<double>(total) / static_cast<double>(n));
}

// np.mean(x) in x's own type. The caller guarantees x is not empty (numpy would give NaN).
template <class T>
T mean(std::span<const T> x) {
  return divide_by_count(sum<T>(x), static_cast<int64_t>(x.size()));
}

// np.var(x) (ddof 0) in x's own type; x not empty.
template <class T>
T var(std::span<const T> x) {
  const T m = mean(x);
  const T ss = sum_terms<T>(static_cast<int64_t>(x.size()), [&](int64_t i) {
    const T d = x[static_cast<size_t>(i)] - m;
    return T(d * d);
  });
  return divide_by_count(ss, static_cast<int64_t>(x.size()));
}

// np.std(x) (ddof 0) in x's own type; x not empty.
template <class T>
T std_dev(std::span<const T> x) {
  return std::sqrt(var(x));
}

// np.std(x) != 0, without the second reduction: a sum of squares is zero exactly when every
// square is, whatever the order. Empty input has no spread.
template <class T>
bool has_spread(std::span<const T> x) {
  if (x.empty()) return false;
  const T m = mean(x);
  return std::any_of(x.begin(), x.end(), [m](T v) {
    const T d = v - m;
    return T(d * d) != T(0);
  });
}

// np.mean and np.std (population) of a list of per-pair values, as the summaries report them.
struct MeanStd {
  double mean = 0.0;
  double std = 0.0;
};
// Both 0 for an empty list (numpy: NaN; the reference never reports an empty list's moments).
inline MeanStd mean_std(std::span<const double> x) {
  if (x.empty()) return {};
  return {mean(x), std_dev(x)};
}

// np.median of a non-empty vector (the mean of the two middle values for an even count).
inline double median(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const size_t n = x.size();
  if (n % 2 == 1) return x[n / 2];
  return ((0.0 + x[n / 2 - 1]) + x[n / 2]) / 2.0;
}

}  // namespace cartography::stats::np

namespace cartography::stats {
using MeanStd = np::MeanStd;
}  // namespace cartography::stats
