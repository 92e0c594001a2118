#include "osu/bezier.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <mutex>
#include <stdexcept>

#include "osu/gauss_legendre.hpp"

namespace cartography::osu {
namespace {

constexpr size_t kMaxDeCasteljau = 12;

Vec2 de_casteljau(const Vec2* points, size_t n, double t) {
  std::array<Vec2, kMaxDeCasteljau> p;
  for (size_t i = 0; i < n; ++i) p[i] = points[i];
  for (size_t level = n; level > 1; --level)
    for (size_t i = 0; i + 1 < level; ++i) p[i] = lerp(p[i], p[i + 1], t);
  return p[0];
}

// The reference's closed form for long segments. For t > 1/2 it evaluates the mirrored curve
// at 1 - t. The Bernstein weight C(n-1, j) t^j is built as a running product divided by t
// (by 1 when t == 0, which leaves every term zero), and (1 - t)^(j+1) as a running product.
Vec2 bernstein_running_form(const Vec2* points, size_t n, double t) {
  const bool mirrored = t > 0.5;
  const double s = mirrored ? 1 - t : t;
  const double divisor = s == 0 ? 1.0 : s;
  const double one_minus = 1 - s;
  double weight = 1, decay = 1;
  Vec2 sum{};
  for (size_t j = 0; j < n; ++j) {
    const Vec2 p = points[mirrored ? n - 1 - j : j];
    const double factor = static_cast<double>(n - j) / static_cast<double>((j + n - 1) % n + 1);
    weight = j == 0 ? factor * s : weight * (factor * s);
    decay = j == 0 ? one_minus : decay * one_minus;
    const Vec2 term{weight * p.x / divisor / decay, weight * p.y / divisor / decay};
    sum = j == 0 ? term : sum + term;
  }
  return decay * sum;
}

// Rules for up to 64 nodes (segments of up to 163 points, i.e. every real slider) are each
// built on first use and then shared read-only: Newton-solving them per segment dominated
// parsing, and building all of them up front dominated a short encode-osu run.
constexpr int kTabulatedRules = 64;

const QuadratureRule& tabulated_rule(int nodes) {
  struct Memo {
    std::once_flag built;
    QuadratureRule rule;
  };
  static std::array<Memo, kTabulatedRules + 1> memo;
  Memo& m = memo[static_cast<size_t>(nodes)];
  std::call_once(m.built, [&] { m.rule = gauss_legendre(nodes); });
  return m.rule;
}

std::vector<Vec2> hodograph(const std::vector<Vec2>& points) {
  std::vector<Vec2> out;
  if (points.size() < 2) return out;
  const double degree = static_cast<double>(points.size() - 1);
  out.reserve(points.size() - 1);
  for (size_t i = 0; i + 1 < points.size(); ++i) out.push_back(degree * (points[i + 1] - points[i]));
  return out;
}

// Whether the arc length is certainly NaN, judged from the rule's innermost nodes alone (one
// node NaN makes the whole sum NaN). Above ~1000 points the closed form's running products
// overflow and underflow there (at t = 1/2 exactly, (1/2)^(j+1) reaches 0 and every point is
// 0 · inf = NaN, whatever the control points), which is why the reference rejects such
// sliders (a NaN length cannot be cut to the slider's length) or fills them with NaN. The
// full quadrature costs O(n^1.5) for n points (1.5 s at 100k points, ~45 s at 1M) only to
// reach the same NaN; this check costs two evaluations, O(n).
bool innermost_nodes_give_nan(const std::vector<Vec2>& derivative, int nodes) {
  if (derivative.size() <= kMaxDeCasteljau || nodes <= 0) return false;
  const double x = nodes % 2 == 1 ? 0.0 : gauss_legendre_positive_root(nodes, (nodes + 1) / 2 - 1);
  for (const double node : {x, -x}) {
    const Vec2 h = bezier_at(derivative.data(), derivative.size(), .5 * (node + 1));
    if (std::isnan(h.x) || std::isnan(h.y)) return true;
  }
  return false;
}

}  // namespace

Vec2 bezier_at(const Vec2* points, size_t count, double t) {
  return count > kMaxDeCasteljau ? bernstein_running_form(points, count, t)
                                 : de_casteljau(points, count, t);
}

double bezier_length(const std::vector<Vec2>& points) {
  const auto derivative = hodograph(points);
  if (derivative.empty()) return 0.0;  // numpy: the hodograph of one point is empty; sum 0
  const int nodes = static_cast<int>(5 * std::sqrt(static_cast<double>(points.size())));
  if (innermost_nodes_give_nan(derivative, nodes)) return std::numeric_limits<double>::quiet_NaN();
  const QuadratureRule fresh = nodes > kTabulatedRules ? gauss_legendre(nodes) : QuadratureRule{};
  const QuadratureRule& rule = nodes > kTabulatedRules ? fresh : tabulated_rule(nodes);
  std::vector<double> terms(rule.nodes.size());
  for (size_t k = 0; k < terms.size(); ++k) {
    const Vec2 h = bezier_at(derivative.data(), derivative.size(), .5 * (rule.nodes[k] + 1));
    terms[k] = rule.weights[k] * std::sqrt(h.x * h.x + h.y * h.y);
  }
  return .5 * pairwise_sum(terms.data(), static_cast<long long>(terms.size()));
}

BezierCurve::BezierCurve(std::vector<Vec2> points) : points_(std::move(points)) {
  if (points_.empty()) throw std::logic_error("a Bézier curve needs a point");
  length_ = bezier_length(points_);
}

Vec2 BezierCurve::at(double t) const { return bezier_at(points_.data(), points_.size(), t); }

BezierCurve BezierCurve::left_part(double t) const {
  std::vector<Vec2> level = points_;
  std::vector<Vec2> left;
  left.reserve(level.size());
  while (true) {
    left.push_back(level.front());
    if (level.size() == 1) break;
    for (size_t i = 0; i + 1 < level.size(); ++i) level[i] = lerp(level[i], level[i + 1], t);
    level.pop_back();
  }
  return BezierCurve(std::move(left));
}

}  // namespace cartography::osu
