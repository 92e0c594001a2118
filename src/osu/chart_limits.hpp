// Bounds on what one chart may ask of the parser and the encoder. Each is checked before the
// work it bounds, and a chart beyond one is rejected with a ChartError naming the file, the
// line and the limit. The defaults are far beyond any real ranked chart (README, "Limits
// (hostile input)"); a caller that needs more passes its own ChartLimits.
#pragma once

#include <cstdint>

namespace cartography::osu {

struct ChartLimits {
  // Bytes of the .osu file. The largest ranked charts (storyboarded marathons) are a few MB.
  int64_t max_file_bytes = int64_t{32} << 20;
  // Bytes of one line. Real lines are under a few KB (long slider curves included); the
  // reference reads lines of any length, and megabyte comments or tags are harmless.
  int64_t max_line_bytes = int64_t{4} << 20;
  // Lines in [HitObjects]. The longest ranked marathons have about 10,000 objects.
  int64_t max_hit_objects = 200'000;
  // Control points of one slider (head included), and of all sliders of the chart. A Bézier
  // segment's arc length costs O(n^1.5) for n points, so these bound the parse time (about
  // 0.07 s for the worst 16,384-point slider, 1 s for the worst chart: bench_encode).
  int64_t max_slider_control_points = 16'384;
  int64_t max_chart_control_points = 262'144;
  // |repeat count| of a slider. osu! itself refuses more than 9,000.
  int64_t max_slides = 9'000;
  // |x| and |y| of objects and control points, osu!pixels (the playfield is 512 x 384). The
  // bound osu!lazer's parser applies to positions.
  double max_coordinate = 131'072;
  // |length| of a slider, osu!pixels.
  double max_slider_length = 131'072;
  // |time| of objects, slider and spinner ends, timing points and breaks, ms: osu!'s 32-bit
  // millisecond times (about 24.8 days). Beat lengths and multipliers are not bounded on
  // their own: they reach the encoding only through a slider's duration, which must be
  // finite and give an end time within this bound.
  double max_time_ms = 2'147'483'647;

  // Every cursor position the encoder can write lies within this many osu!pixels of the
  // origin on each axis: a start within max_coordinate plus a path of at most
  // max_slider_length. The encoder refuses a chart whose position falls outside (rounding in
  // a near-degenerate arc can do that), so the X row stays within ±(bound / 256 + 1) and Y
  // within ±(bound / 192 + 1).
  double max_cursor_coordinate() const { return max_coordinate + max_slider_length; }
};

}  // namespace cartography::osu
