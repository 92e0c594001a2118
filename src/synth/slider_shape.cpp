#include "synth/slider_shape.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace cartography::synth {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kWidth = 512, kHeight = 384;

bool inside(double x, double y) { return x >= 0 && x <= kWidth && y >= 0 && y <= kHeight; }

Point round_point(double x, double y) {
  return {static_cast<int>(std::lround(x)), static_cast<int>(std::lround(y))};
}

std::string join(char letter, const std::vector<Point>& points) {
  std::string s(1, letter);
  for (const Point& p : points) s += "|" + std::to_string(p.x) + ":" + std::to_string(p.y);
  return s;
}

bool line(Point a, double angle, double length, SliderCurve& out) {
  const double x = a.x + length * std::cos(angle), y = a.y + length * std::sin(angle);
  if (!inside(x, y)) return false;
  const Point b = round_point(x, y);
  if (b.x == a.x && b.y == a.y) return false;
  out = {join('L', {b}), b};
  return true;
}

// Three points on an arc of the requested length; the reader treats three control points as
// a perfect circle unless they are collinear, so collinear roundings are refused here.
bool arc(Point a, double angle, double length, Rng& rng, SliderCurve& out) {
  double theta = rng.uniform(0.6, 2.6);
  const double radius = std::clamp(length / theta, 30.0, 260.0);
  theta = length / radius;
  if (theta > 1.8 * kPi) return false;
  const double side = rng.chance(0.5) ? 1.0 : -1.0;
  const double cx = a.x - side * radius * std::sin(angle), cy = a.y + side * radius * std::cos(angle);
  const double a0 = std::atan2(a.y - cy, a.x - cx);
  const double mx = cx + radius * std::cos(a0 + side * theta / 2), my = cy + radius * std::sin(a0 + side * theta / 2);
  const double ex = cx + radius * std::cos(a0 + side * theta), ey = cy + radius * std::sin(a0 + side * theta);
  if (!inside(mx, my) || !inside(ex, ey)) return false;
  const Point m = round_point(mx, my), e = round_point(ex, ey);
  const long cross = long(m.x - a.x) * (e.y - m.y) - long(m.y - a.y) * (e.x - m.x);
  if (cross == 0 || (m.x == e.x && m.y == e.y) || (a.x == e.x && a.y == e.y)) return false;
  out = {join('P', {m, e}), e};
  return true;
}

// Control points strung along the heading with alternating sideways offsets; the chord is
// shorter than the length since the curve bends (the reader fits the path to the length).
bool bezier(Point a, double angle, double length, bool multi, char letter, Rng& rng, SliderCurve& out) {
  static const double counts[] = {0.15, 0.5, 0.35};  // 2, 3 or 4 points after the start
  const int n = 2 + static_cast<int>(rng.weighted(counts));
  const double chord = 0.75 * length;
  const double ux = std::cos(angle), uy = std::sin(angle);
  std::vector<Point> points;
  double side = rng.chance(0.5) ? 1 : -1;
  for (int i = 1; i <= n; ++i) {
    const double along = chord * i / n;
    const double off = (i == n ? 0.0 : side * rng.uniform(0.1, 0.35) * length);
    side = -side;
    const double x = a.x + along * ux - off * uy, y = a.y + along * uy + off * ux;
    if (!inside(x, y)) return false;
    points.push_back(round_point(x, y));
  }
  if (multi && points.size() >= 2) points.insert(points.begin() + 1, points[1]);  // red anchor
  const Point& last = points.back();
  if (last.x == a.x && last.y == a.y) return false;
  out = {join(letter, points), last};
  return true;
}

bool try_shape(Point a, double angle, double length, SliderShape shape, bool catmull, Rng& rng,
               SliderCurve& out) {
  switch (shape) {
    case SliderShape::linear: return line(a, angle, length, out);
    case SliderShape::circle: return arc(a, angle, length, rng, out);
    case SliderShape::bezier: return bezier(a, angle, length, false, catmull ? 'C' : 'B', rng, out);
    case SliderShape::multi_bezier: return bezier(a, angle, length, true, 'B', rng, out);
  }
  return false;
}

}  // namespace

SliderCurve make_slider_curve(Point start, double angle, double length, SliderShape shape,
                              bool catmull_letter, Rng& rng) {
  SliderCurve out;
  // Turn until the shape fits; lines fit somewhere for any length the charts use.
  for (int turn = 0; turn < 8; ++turn) {
    const double a = angle + turn * kPi / 4;
    if (try_shape(start, a, length, shape, catmull_letter, rng, out)) return out;
  }
  for (int turn = 0; turn < 16; ++turn)
    if (line(start, angle + turn * kPi / 8, length, out)) return out;
  // Last resort: a short line towards the centre (the reader stretches it to the length).
  const Point c{kWidth / 2, kHeight / 2};
  const Point end = (c.x == start.x && c.y == start.y) ? Point{c.x + 1, c.y} : c;
  return {join('L', {end}), end};
}

}  // namespace cartography::synth
