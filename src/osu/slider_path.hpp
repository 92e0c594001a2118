// The path a slider's cursor follows over one slide, u in [0, 1], chosen as the reference
// chooses it: by the number of control points (the head plus the curve's points; the curve
// letter is ignored). 2 points: a line; 3: a perfect circle unless degenerate (line or
// Bézier instead); 4 or more: Bézier segments split at repeated points. The slider's length
// field stretches or cuts the path as in the reference.
#pragma once

#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "osu/bezier.hpp"
#include "osu/vec2.hpp"

namespace cartography::osu {

struct LinePath {
  Vec2 start, end;
};

struct ArcPath {
  Vec2 center;
  double radius = 0;
  double start_angle = 0, end_angle = 0;
};

struct BezierPath {
  std::vector<BezierCurve> segments;
  std::vector<double> cumulative;  // cumulative length fraction at the end of each segment
};

// Our fallback for degenerate geometry (see SliderPathBuild::repair): the cursor stays put.
struct FixedPath {
  Vec2 point;
};

class SliderPath {
 public:
  using Shape = std::variant<LinePath, ArcPath, BezierPath, FixedPath>;
  explicit SliderPath(Shape shape) : shape_(std::move(shape)) {}

  // The reference's lerp(u): position after fraction u of one slide.
  Vec2 position(double u) const;
  const Shape& shape() const { return shape_; }

 private:
  Shape shape_;
};

// Where the reference raises while building the path (too few points, an empty Bézier, its
// assertion on the cut fraction): the map is rejected with this reason.
struct SliderPathError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct SliderPathBuild {
  SliderPath path;
  // Non-empty when the reference's path would hold NaN (a zero-length line stretched to a
  // positive length divides 0 by 0; NaN or infinite coordinates; a Bézier whose first
  // segment has no length): the path is then a FixedPath at the slider's head, so the cursor
  // rests where the slider starts instead of writing NaN into X and Y.
  std::string repair;
};

// `control_points` starts with the head (x, y). Throws SliderPathError.
SliderPathBuild build_slider_path(std::vector<Vec2> control_points, double length);

}  // namespace cartography::osu
