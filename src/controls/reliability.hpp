// Inter-rater reliability between mappers (issue 13 item 4), for songs with >= 3 creators:
// subjects = frames of one dimension over the song's first min-L frames, raters = one
// representative per creator. Both measures read a complete [subjects × raters] matrix.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "stats/signal_view.hpp"

namespace cartography::controls {

// Row-major [subjects × raters]: values[i * raters + j] is rater j's value for subject i.
struct RatingMatrix {
  int64_t subjects = 0;
  int64_t raters = 0;
  std::vector<double> values;
};

// defined == false (value 0) when the measure does not exist for the matrix: fewer than 2
// subjects or 2 raters, or every value equal (then both are 0/0).
struct Reliability {
  double value = 0.0;
  bool defined = false;
};

// ICC(2,1) of Shrout & Fleiss (1979): two-way random effects, absolute agreement, single rater.
// With n subjects, k raters, MSR (rows), MSC (columns), MSE (residual) the two-way ANOVA mean
// squares: (MSR - MSE) / (MSR + (k-1) MSE + k (MSC - MSE) / n).
Reliability icc_2_1(const RatingMatrix& m);

// Krippendorff's alpha, interval metric (δ² = (x - y)²), complete data: 1 - D_o / D_e with
// D_o the mean squared difference between values of one subject (pairable values) and D_e that
// over all values. Computed here from sums of squares about subject means and the grand mean.
Reliability krippendorff_alpha_interval(const RatingMatrix& m);

// The matrix of dimension `dim` over the first `frames` frames of each rater's signal
// (signals[j] is rater j, e.g. one representative per creator). Throws std::invalid_argument
// when a signal is shorter than `frames` or lacks the dimension.
RatingMatrix rating_matrix(std::span<const stats::EncodingView> signals, int64_t dim,
                           int64_t frames);

struct DimensionReliability {
  Reliability icc;
  Reliability alpha;
};

// Both measures for every dimension of the signals (all must have the same dims), over the
// first `frames` frames.
std::vector<DimensionReliability> per_dimension_reliability(
    std::span<const stats::EncodingView> signals, int64_t frames);

}  // namespace cartography::controls
