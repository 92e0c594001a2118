// Slider curves of a given pixel length inside the playfield: straight lines, perfect-circle
// arcs, Bezier curves (single and multi-segment, with a repeated "red" anchor) and old
// Catmull curves. Control points are integers, as editors write them.
#pragma once

#include <string>

#include "synth/rng.hpp"

namespace cartography::synth {

enum class SliderShape { linear, circle, bezier, multi_bezier };

struct Point {
  int x = 0, y = 0;
};

struct SliderCurve {
  std::string text;  // "L|x:y", "P|x:y|x:y", "B|...", "C|..."
  Point end;         // where the path (roughly) ends: the cursor's next start point
};

// A curve starting at `start`, heading along `angle` (radians), about `length` px long.
// Falls back to a line when the requested shape does not fit the playfield.
SliderCurve make_slider_curve(Point start, double angle, double length, SliderShape shape,
                              bool catmull_letter, Rng& rng);

}  // namespace cartography::synth
