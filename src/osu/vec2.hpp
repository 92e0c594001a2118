// A point of the osu! playfield (osu!pixels). The reference holds these in numpy float64
// arrays and combines them component by component; so do we, in the same order.
#pragma once

#include <cmath>

namespace cartography::osu {

struct Vec2 {
  double x = 0;
  double y = 0;

  friend bool operator==(const Vec2&, const Vec2&) = default;
};

inline Vec2 operator-(Vec2 a, Vec2 b) { return {a.x - b.x, a.y - b.y}; }
inline Vec2 operator+(Vec2 a, Vec2 b) { return {a.x + b.x, a.y + b.y}; }
inline Vec2 operator*(double s, Vec2 a) { return {s * a.x, s * a.y}; }
inline Vec2 operator/(Vec2 a, double s) { return {a.x / s, a.y / s}; }

// (1 - t) * a + t * b, the reference's interpolation (not a + t * (b - a): results differ).
inline Vec2 lerp(Vec2 a, Vec2 b, double t) {
  const double s = 1 - t;
  return {s * a.x + t * b.x, s * a.y + t * b.y};
}

// np.linalg.norm of a 2-vector: sqrt(x*x + y*y), no hypot scaling.
inline double norm(Vec2 a) { return std::sqrt(a.x * a.x + a.y * a.y); }

inline bool is_finite(Vec2 a) { return std::isfinite(a.x) && std::isfinite(a.y); }

}  // namespace cartography::osu
