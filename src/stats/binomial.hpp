// Upper tail of the binomial distribution, for the synthesis polarity tests.
#pragma once

#include <cstdint>

namespace cartography::stats {

// P(X >= k) for X ~ Binomial(n, p), 0 < p < 1. Summed term by term from k upwards (no
// 1 - cdf cancellation), so tiny tails keep full relative precision: the published
// 23 of 32 with p = 1/4 gives 3.41e-8. 1 for k <= 0, 0 for k > n.
double binomial_upper_tail(int64_t k, int64_t n, double p);

}  // namespace cartography::stats
