// Gauss–Legendre quadrature on [-1, 1], the rule numpy.polynomial.legendre.leggauss gives
// (nodes ascending, weights summing to 2). Used for Bézier arc lengths, where a node or
// weight that differs in the last bit changes a length far below the parity tolerance.
#pragma once

#include <vector>

namespace cartography::osu {

struct QuadratureRule {
  std::vector<double> nodes;
  std::vector<double> weights;
};

QuadratureRule gauss_legendre(int points);

// The rule's i-th root counted from +1 downwards (i < (points + 1) / 2), exactly as
// gauss_legendre computes it, without the cost of the whole rule. For an odd rule the
// middle node is 0 exactly, which gauss_legendre sets after the solve.
double gauss_legendre_positive_root(int points, int i);

// numpy's pairwise summation (np.sum of a contiguous float64 array): 8 running partial sums
// in blocks of up to 128 values, halves above that. Reproduced so that sums agree bit for bit.
double pairwise_sum(const double* values, long long count);

}  // namespace cartography::osu
