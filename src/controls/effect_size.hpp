// How far a real statistic stands from its control (issue 13 items 1 and 3): the difference of
// means and Cohen's d. Degenerate inputs (too few values, no spread) give d = 0 with
// d_defined = false, never NaN or infinity.
#pragma once

#include <cstdint>
#include <span>

namespace cartography::controls {

struct EffectSize {
  int64_t n_a = 0;
  int64_t n_b = 0;
  double mean_a = 0.0;      // arithmetic means (0 for an empty side)
  double mean_b = 0.0;
  double difference = 0.0;  // mean_a - mean_b
  // Cohen's d with the pooled standard deviation:
  //   s_p = sqrt(((n_a-1) var_a + (n_b-1) var_b) / (n_a + n_b - 2)), var with ddof = 1;
  //   d = difference / s_p. Defined when n_a, n_b >= 1, n_a + n_b >= 3 and s_p > 0.
  double cohens_d = 0.0;
  bool d_defined = false;
};

// Independent samples: real-pair values (a) against null-pair values (b).
EffectSize effect_size(std::span<const double> a, std::span<const double> b);

struct PairedEffectSize {
  EffectSize independent;  // the same numbers as effect_size(a, b)
  // Paired by pair (learned minus random encoder on the same pair): diff_i = a_i - b_i,
  // mean_difference = mean(diff) (equal to independent.difference up to rounding),
  // cohens_dz = mean(diff) / sd(diff, ddof = 1); defined when n >= 2 and sd > 0.
  double mean_difference = 0.0;
  double cohens_dz = 0.0;
  bool dz_defined = false;
};

// a and b must have the same length (throws std::invalid_argument otherwise).
PairedEffectSize paired_effect_size(std::span<const double> a, std::span<const double> b);

}  // namespace cartography::controls
