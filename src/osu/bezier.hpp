// One Bézier segment of a slider, evaluated as the reference evaluates it: de Casteljau up to
// 12 control points, above that the reference's closed form (a running product/sum over the
// Bernstein terms). That closed form returns (0, 0) at exactly t = 0 and t = 1 (its running
// product starts at t·(...) = 0); a slider whose first or last segment has more than 12
// points therefore starts or ends at the origin in the reference. We keep that: it is what
// the published encodings contain.
#pragma once

#include <vector>

#include "osu/vec2.hpp"

namespace cartography::osu {

class BezierCurve {
 public:
  // At least one point. The arc length is computed here (the reference computes it for every
  // segment it builds).
  explicit BezierCurve(std::vector<Vec2> points);

  const std::vector<Vec2>& points() const { return points_; }
  double length() const { return length_; }
  Vec2 at(double t) const;
  // The part over [0, t] (the reference's split_at(t)[0]).
  BezierCurve left_part(double t) const;

 private:
  std::vector<Vec2> points_;
  double length_ = 0;
};

// Point of the curve through `points` at t (the dispatch described above).
Vec2 bezier_at(const Vec2* points, size_t count, double t);

// Arc length by Gauss–Legendre quadrature of |hodograph| with int(5·√n) nodes.
double bezier_length(const std::vector<Vec2>& points);

}  // namespace cartography::osu
