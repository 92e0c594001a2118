// Percentile bootstrap over songs (issue 13 item 2). Songs, not pairs, are resampled: the pairs
// of one song share its audio and are not independent. Each summary statistic is a ratio of
// per-song totals (e.g. the mean of a per-pair value = Σ per-song sums / Σ per-song pair
// counts), so one table of per-song sums and counts covers every statistic, and a song drawn
// twice simply counts twice. All statistics share one set of song draws, so intervals of
// related statistics (e.g. learned and random encoder) are computed on the same resamples.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace cartography::controls {

struct BootstrapOptions {
  int64_t resamples = 1000;
  double level = 0.95;  // two-sided: the (1-level)/2 and (1+level)/2 quantiles
  uint64_t seed = 0;
};

// A statistic's point estimate (on the songs as they are) and percentile interval.
// valid == false when there is nothing to estimate (no song, or every count is 0); then every
// number is 0, never NaN. resamples_used counts the resamples whose drawn songs had a non-zero
// total count for this statistic (the others have no ratio and are left out of the percentiles);
// valid also needs at least one such resample.
struct Interval {
  double estimate = 0.0;
  double lo = 0.0;
  double hi = 0.0;
  int64_t resamples_used = 0;
  bool valid = false;
};

// Per-song totals, row-major [songs × stats]: sums[s * stats + k], counts likewise. Counts are
// weights (usually the number of pairs a song contributed to statistic k) and must be >= 0.
struct SongTable {
  int64_t songs = 0;
  int64_t stats = 0;
  std::vector<double> sums;
  std::vector<double> counts;
};

// One interval per statistic. Procedure (the golden script repeats it draw for draw):
//   rng = SplitMix64(seed)
//   for r in 0 .. resamples-1:
//     draw songs d_0 .. d_{S-1} with rng.uniform_index(S), in that order
//     value_r[k] = Σ_i sums[d_i, k] / Σ_i counts[d_i, k]   (left out when the count total is 0)
//   lo, hi = numpy.quantile(values[k], [(1-level)/2, (1+level)/2]) with numpy's default
//            'linear' method: v = q*(n-1), j = floor(v), g = v-j,
//            a + (b-a)*g if g < 0.5 else b - (b-a)*(1-g)   (a, b = sorted[j], sorted[j+1])
// Sums are accumulated left to right in draw order. Throws std::invalid_argument on a table
// whose vectors do not match its shape, resamples < 1 or level outside (0, 1).
std::vector<Interval> bootstrap_means(const SongTable& table, const BootstrapOptions& options);

// Convenience: one count per song shared by every statistic (song_counts has `songs` entries).
std::vector<Interval> bootstrap_means(std::span<const double> song_sums,
                                      std::span<const double> song_counts, int64_t stats,
                                      const BootstrapOptions& options);

// numpy.quantile(sorted_values, q) with the 'linear' method, on already sorted values;
// 0 for an empty input. Exposed for tests.
double linear_quantile(std::span<const double> sorted_values, double q);

}  // namespace cartography::controls
