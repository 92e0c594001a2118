#include "stats/binomial.hpp"

#include <cmath>
#include <stdexcept>

namespace cartography::stats {

double binomial_upper_tail(int64_t k, int64_t n, double p) {
  if (n < 0) throw std::invalid_argument("binomial_upper_tail: n < 0");
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("binomial_upper_tail: p not in (0, 1)");
  if (k <= 0) return 1.0;
  if (k > n) return 0.0;
  // First term C(n, k) p^k q^(n-k) in log space (long double), then the ratio recurrence
  // t(i+1) = t(i) * (n - i) / (i + 1) * p / q. Every term is positive: no cancellation.
  const long double lp = std::log(static_cast<long double>(p));
  const long double lq = std::log1p(-static_cast<long double>(p));
  const long double nn = static_cast<long double>(n), kk = static_cast<long double>(k);
  long double term = std::exp(std::lgamma(nn + 1) - std::lgamma(kk + 1) -
                              std::lgamma(nn - kk + 1) + kk * lp + (nn - kk) * lq);
  const long double odds = static_cast<long double>(p) / (1.0L - static_cast<long double>(p));
  long double total = 0.0L;
  for (int64_t i = k; i <= n; ++i) {
    total += term;
    term *= static_cast<long double>(n - i) / static_cast<long double>(i + 1) * odds;
  }
  return static_cast<double>(std::fmin(total, 1.0L));
}

}  // namespace cartography::stats
