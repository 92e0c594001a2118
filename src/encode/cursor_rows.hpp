// Rows 7-8 of the encoding (the reference's cursor_signal): where the cursor is. A virtual
// circle at t = 0, (256, 192) precedes the objects; for each object and its successor the
// reference paints, in this order, the object's body (spinner: the centre; slider: its path,
// back and forth), then either "stay at the end position for ever" (last object) or "wait at
// the end position until successor.t - preempt" and "move linearly to the successor's start
// over [max(end, successor.t - preempt), successor.t)". Later paint wins; unpainted frames
// are (0, 0). Output x/256 - 1, y/192 - 1.
//
// Every position written is finite and within ±ChartLimits::max_cursor_coordinate() on each
// axis (the parser bounds every input that places the cursor, so only rounding in a
// near-degenerate path could break this): a position outside throws a ChartError naming the
// file and the object's line, and the map is skipped; NaN never reaches the output.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "encode/frame_grid.hpp"
#include "encode/paint_order.hpp"
#include "osu/beatmap.hpp"

namespace cartography::encode {

class CursorRows {
 public:
  // The beatmap must outlive this object (slider paths are read from it).
  explicit CursorRows(const osu::Beatmap& beatmap);

  void fill(int64_t first, int64_t last, double* x_out, double* y_out);

 private:
  struct Hold {
    osu::Vec2 at;
  };
  struct SliderBody {
    const osu::Slider* slider;
    double t;
  };
  struct Approach {
    osu::Vec2 from, to;
    double start, span;  // span = successor.t - start
  };
  using Paint = std::variant<Hold, SliderBody, Approach>;
  struct Region {
    Paint what;
    const osu::HitObject* object;  // whose paint this is (nullptr: the virtual start)
  };

  void paint(FrameRange frames, Paint what, const osu::HitObject* object);
  void paint_object(const osu::Beatmap& beatmap, const osu::HitObject& current, const osu::HitObject* next,
                    double preempt, bool is_virtual);
  void fill_run(const Region& region, int64_t from, int64_t to, double* x_out, double* y_out);
  [[noreturn]] void refuse(const Region& region, int64_t frame, osu::Vec2 p) const;

  const std::string& source_name_;
  double bound_;  // max_cursor_coordinate of the chart's limits
  PaintOrder order_;
  std::vector<Region> regions_;
};

// The reference's preempt (ms an object is shown before its time) from the approach rate.
double preempt_ms(double approach_rate);

}  // namespace cartography::encode
