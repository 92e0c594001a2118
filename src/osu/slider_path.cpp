#include "osu/slider_path.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace cartography::osu {
namespace {

double cross(Vec2 a, Vec2 b) { return a.x * b.y - a.y * b.x; }
double dot(Vec2 a, Vec2 b) { return a.x * b.x + a.y * b.y; }
double sign(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; }  // np.sign; NaN stays NaN

SliderPath::Shape make_line(Vec2 start, Vec2 end, double length) {
  if (length > 0) {
    const Vec2 direction = end - start;
    const Vec2 unit = direction / norm(direction);
    end = start + length * unit;
  }
  return LinePath{start, end};
}

// Consecutive equal points end one segment and start the next; segments of fewer than two
// points are dropped.
std::vector<BezierCurve> split_segments(const std::vector<Vec2>& points) {
  std::vector<BezierCurve> curves;
  size_t first = 0;
  auto flush = [&](size_t end) {
    if (end - first >= 2) curves.emplace_back(std::vector<Vec2>(points.begin() + first, points.begin() + end));
    first = end;
  };
  for (size_t i = 1; i < points.size(); ++i)
    if (points[i - 1] == points[i]) flush(i);
  flush(points.size());
  return curves;
}

// Longer than drawn: a straight segment along the last segment's final direction.
void extend(std::vector<BezierCurve>& curves, double missing) {
  if (curves.empty()) throw SliderPathError("Bézier slider has no segment to extend");
  const auto& last = curves.back().points();
  const Vec2 end = last.back();
  const Vec2 direction = end - last[last.size() - 2];
  const Vec2 unit = direction / norm(direction);
  curves.emplace_back(std::vector<Vec2>{end, end + missing * unit});
}

// Shorter than drawn: drop whole trailing segments, then cut the last one.
void shorten(std::vector<BezierCurve>& curves, double total, double length) {
  while (true) {
    if (curves.empty()) throw SliderPathError("Bézier slider shortened to nothing");
    if (!(total - length >= curves.back().length())) break;
    total -= curves.back().length();
    curves.pop_back();
  }
  const double keep = 1 - (total - length) / curves.back().length();
  if (!(0 <= keep && keep <= 1))
    throw SliderPathError("Bézier slider cannot be cut to its length (fraction " +
                          (std::isnan(keep) ? std::string("NaN: a segment's length is not finite") : std::to_string(keep)) +
                          ")");
  curves.back() = curves.back().left_part(keep);
}

SliderPath::Shape make_bezier(const std::vector<Vec2>& points, double length) {
  auto curves = split_segments(points);
  double total = 0;
  for (const auto& c : curves) total += c.length();
  if (length > 0) {
    if (std::abs(length - total) < 10) {
      // close enough: the drawn path is kept
    } else if (length > total) {
      extend(curves, length - total);
    } else {
      shorten(curves, total, length);
    }
  }
  if (curves.empty()) throw SliderPathError("Bézier slider has no segment of two or more points");
  BezierPath path;
  double running = 0;
  for (const auto& c : curves) path.cumulative.push_back(running += c.length());
  const double full = path.cumulative.back();
  for (double& f : path.cumulative) f /= full;
  path.segments = std::move(curves);
  return path;
}

// Centre of the circle through A, B, C from barycentric weights, as the reference computes it.
Vec2 circumcentre(Vec2 A, Vec2 B, Vec2 C, double a, double b, double c) {
  const double b1 = a * a * (b * b + c * c - a * a);
  const double b2 = b * b * (a * a + c * c - b * b);
  const double b3 = c * c * (a * a + b * b - c * c);
  const Vec2 weighted{A.x * b1 + B.x * b2 + C.x * b3, A.y * b1 + B.y * b2 + C.y * b3};
  return weighted / (b1 + b2 + b3);
}

SliderPath::Shape make_arc(Vec2 A, Vec2 B, Vec2 C, double turn, double radius, double a, double b,
                           double c, double length) {
  const Vec2 centre = circumcentre(A, B, C, a, b, c);
  double start = std::atan2(A.y - centre.y, A.x - centre.x);
  double end = std::atan2(C.y - centre.y, C.x - centre.x);
  const double full_turn = 2 * std::numbers::pi;
  if (turn < 0) {  // clockwise: angles decrease along the slider
    while (end > start) end -= full_turn;
  } else {
    while (start > end) start -= full_turn;
  }
  if (length > 0) end = start + length / radius * sign(end - start);
  return ArcPath{centre, radius, start, end};
}

SliderPath::Shape make_three_point(std::vector<Vec2>& points, double length) {
  const Vec2 A = points[0], B = points[1], C = points[2];
  if (B == C) return make_line(A, C, length);
  const double turn = cross(B - A, C - B);
  if (turn == 0) {
    if (dot(B - A, C - B) > 0) return make_line(A, C, length);  // A -- B -- C
    points.insert(points.begin() + 1, B);                        // A -- C -- B: [A, B, B, C]
    return make_bezier(points, length);
  }
  const double a = norm(C - B), b = norm(C - A), c = norm(B - A);
  const double s = (a + b + c) / 2.0;
  const double radius = a * b * c / 4.0 / std::sqrt(s * (s - a) * (s - b) * (s - c));
  if (radius > 320 && dot(C - B, B - A) < 0) return make_bezier(points, length);  // too flat
  return make_arc(A, B, C, turn, radius, a, b, c, length);
}

bool all_finite(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

// Empty when positions along the path are finite; otherwise what is wrong with it.
std::string degeneracy(const SliderPath::Shape& shape) {
  if (const auto* line = std::get_if<LinePath>(&shape))
    return is_finite(line->start) && is_finite(line->end) ? "" : "line slider end is not finite";
  if (const auto* arc = std::get_if<ArcPath>(&shape)) {
    const bool ok = is_finite(arc->center) && std::isfinite(arc->radius) &&
                    std::isfinite(arc->start_angle) && std::isfinite(arc->end_angle);
    return ok ? "" : "perfect-circle slider has no finite centre or radius";
  }
  if (const auto* bezier = std::get_if<BezierPath>(&shape)) {
    for (const auto& segment : bezier->segments)
      for (const auto& p : segment.points())
        if (!is_finite(p)) return "Bézier slider has a non-finite control point";
    if (!all_finite(bezier->cumulative)) return "Bézier slider length is not finite or is zero";
    if (!(bezier->cumulative.front() > 0)) return "Bézier slider's first segment has zero length";
  }
  return "";
}

bool zero_length_line(const std::vector<Vec2>& points, double length) {
  if (!(length > 0)) return false;
  if (points.size() == 2) return points[0] == points[1];
  return points.size() == 3 && points[1] == points[2] && points[0] == points[2];
}

}  // namespace

Vec2 SliderPath::position(double u) const {
  if (const auto* line = std::get_if<LinePath>(&shape_)) return lerp(line->start, line->end, u);
  if (const auto* arc = std::get_if<ArcPath>(&shape_)) {
    const double angle = (1 - u) * arc->start_angle + u * arc->end_angle;
    return {arc->center.x + arc->radius * std::cos(angle), arc->center.y + arc->radius * std::sin(angle)};
  }
  if (const auto* bezier = std::get_if<BezierPath>(&shape_)) {
    u = std::min(std::max(u, 0.0), 1.0);
    const auto& cum = bezier->cumulative;
    const size_t idx = static_cast<size_t>(std::lower_bound(cum.begin(), cum.end(), u) - cum.begin());
    const size_t k = std::min(idx, cum.size() - 1);  // u <= 1 == cum.back(): always found
    const double range_start = k == 0 ? 0.0 : cum[k - 1];
    return bezier->segments[k].at((u - range_start) / (cum[k] - range_start));
  }
  return std::get<FixedPath>(shape_).point;
}

SliderPathBuild build_slider_path(std::vector<Vec2> points, double length) {
  if (points.size() < 2) throw SliderPathError("slider has no control point besides its head");
  const Vec2 head = points.front();
  if (zero_length_line(points, length))
    return {SliderPath(FixedPath{head}),
            "zero-length line slider stretched to length " + std::to_string(length) +
                " has no direction (the reference divides 0 by 0); held at its head"};
  SliderPath::Shape shape = points.size() == 2   ? make_line(points[0], points[1], length)
                            : points.size() == 3 ? make_three_point(points, length)
                                                 : make_bezier(points, length);
  std::string why = degeneracy(shape);
  SliderPath path(std::move(shape));
  // Finite inputs can still overflow at the ends (a Bézier segment of ~1000 points with large
  // coordinates): the ends feed every approach, so they must be finite too.
  if (why.empty() && !(is_finite(path.position(0)) && is_finite(path.position(1))))
    why = "slider path overflows at its ends";
  if (!why.empty()) return {SliderPath(FixedPath{head}), why + "; held at its head"};
  return {std::move(path), ""};
}

}  // namespace cartography::osu
