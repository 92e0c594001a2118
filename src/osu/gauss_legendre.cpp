#include "osu/gauss_legendre.hpp"

#include <cmath>
#include <numbers>

namespace cartography::osu {
namespace {

struct LegendreValue {
  double p;   // P_n(x)
  double dp;  // P_n'(x)
};

LegendreValue legendre(int n, double x) {
  double p0 = 1.0, p1 = x;
  for (int k = 2; k <= n; ++k) {
    const double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  if (n == 0) return {1.0, 0.0};
  return {p1, n * (x * p1 - p0) / (x * x - 1)};
}

}  // namespace

double gauss_legendre_positive_root(int points, int i) {
  // Newton on P_n from the classical cosine guess.
  double x = std::cos(std::numbers::pi * (i + 0.75) / (points + 0.5));
  for (int iteration = 0; iteration < 100; ++iteration) {
    const LegendreValue v = legendre(points, x);
    const double step = v.p / v.dp;
    x -= step;
    if (std::abs(step) <= 1e-16 * std::abs(x) + 1e-300) break;
  }
  return x;
}

QuadratureRule gauss_legendre(int points) {
  QuadratureRule rule;
  if (points <= 0) return rule;
  rule.nodes.resize(points);
  rule.weights.resize(points);
  // The nodes are symmetric, so solve the positive half and mirror it (numpy symmetrises its
  // nodes and weights the same way).
  for (int i = 0; i < (points + 1) / 2; ++i) {
    const double x = gauss_legendre_positive_root(points, i);
    const LegendreValue v = legendre(points, x);
    const double w = 2.0 / ((1 - x * x) * v.dp * v.dp);
    rule.nodes[points - 1 - i] = x;
    rule.nodes[i] = -x;
    rule.weights[points - 1 - i] = w;
    rule.weights[i] = w;
  }
  if (points % 2 == 1) rule.nodes[points / 2] = 0.0;
  return rule;
}

double pairwise_sum(const double* a, long long n) {
  if (n < 8) {
    double sum = 0.0;
    for (long long i = 0; i < n; ++i) sum += a[i];
    return sum;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    long long i = 8;
    for (; i < n - (n % 8); i += 8)
      for (int j = 0; j < 8; ++j) r[j] += a[i + j];
    double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) sum += a[i];
    return sum;
  }
  long long half = n / 2;
  half -= half % 8;
  return pairwise_sum(a, half) + pairwise_sum(a + half, n - half);
}

}  // namespace cartography::osu
