// Bézier arc lengths of long segments. Above ~1000 points the reference's closed form
// overflows and its length is NaN; bezier_length then answers from the innermost quadrature
// nodes without the O(n^1.5) quadrature. These tests compare it with the whole quadrature
// written out here from the reference's definition (every node, pairwise sum), NaN included.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "osu/bezier.hpp"
#include "osu/gauss_legendre.hpp"

namespace cartography::osu {
namespace {

// .5 * sum(C * |hodograph(.5 * (T + 1))|) with leggauss(int(5 sqrt(n))), node by node.
double full_quadrature(const std::vector<Vec2>& points) {
  std::vector<Vec2> h;
  const double degree = static_cast<double>(points.size() - 1);
  for (size_t i = 0; i + 1 < points.size(); ++i) h.push_back(degree * (points[i + 1] - points[i]));
  const auto rule = gauss_legendre(static_cast<int>(5 * std::sqrt(static_cast<double>(points.size()))));
  std::vector<double> terms;
  for (size_t k = 0; k < rule.nodes.size(); ++k) {
    const Vec2 v = bezier_at(h.data(), h.size(), .5 * (rule.nodes[k] + 1));
    terms.push_back(rule.weights[k] * std::sqrt(v.x * v.x + v.y * v.y));
  }
  return .5 * pairwise_sum(terms.data(), static_cast<long long>(terms.size()));
}

std::vector<Vec2> random_curve(size_t n, std::mt19937& random, bool monotone) {
  std::uniform_real_distribution<double> coordinate(0, 512), step(0.01, 1);
  std::vector<Vec2> points;
  Vec2 p{0, 0};
  for (size_t i = 0; i < n; ++i) {
    p = monotone ? Vec2{p.x + step(random), p.y + step(random)} : Vec2{coordinate(random), coordinate(random)};
    points.push_back(p);
  }
  return points;
}

// Equal values, or both NaN (the sign of a NaN is not part of the result).
bool same_length(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

TEST(BezierLength, EqualsTheFullQuadratureAcrossTheOverflowThreshold) {
  std::mt19937 random(7);
  int nan_lengths = 0, finite_lengths = 0;
  // Odd and even node counts (int(5 sqrt(n)) changes parity as n grows), random and monotone
  // control points (monotone ones overflow to inf rather than NaN), sizes from well below to
  // well above where the closed form breaks down.
  for (size_t n : {13u, 100u, 900u, 1000u, 1030u, 1050u, 1070u, 1074u, 1075u, 1076u, 1077u, 1080u, 1100u,
                   1200u, 1500u, 2000u, 5000u}) {
    for (bool monotone : {false, true}) {
      const auto points = random_curve(n, random, monotone);
      const double ours = bezier_length(points), expected = full_quadrature(points);
      EXPECT_TRUE(same_length(ours, expected)) << n << " points: " << ours << " vs " << expected;
      nan_lengths += std::isnan(expected);
      finite_lengths += std::isfinite(expected);
    }
  }
  // Both regimes are exercised, or the comparison proves nothing.
  EXPECT_GT(nan_lengths, 5);
  EXPECT_GT(finite_lengths, 5);
}

TEST(BezierLength, HalfAtTheMiddleNodeUnderflowsToNanWhateverThePoints) {
  // n = 1089: 165 nodes (odd), the middle one at t = 1/2 exactly; the closed form's (1/2)^j
  // reaches 0 within the 1088 hodograph points, so even a straight, evenly spaced curve
  // (whose true length is 1088) measures NaN, in the reference as here.
  std::vector<Vec2> line;
  for (int i = 0; i < 1089; ++i) line.push_back({static_cast<double>(i), 0});
  EXPECT_EQ(static_cast<int>(5 * std::sqrt(1089.0)), 165);
  EXPECT_TRUE(std::isnan(full_quadrature(line)));
  EXPECT_TRUE(std::isnan(bezier_length(line)));
}

}  // namespace
}  // namespace cartography::osu
