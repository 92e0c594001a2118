// Rows 7-8 of the encoding (the reference's cursor_signal): where the cursor is. A virtual
// circle at t = 0, (256, 192) precedes the objects; for each object and its successor the
// reference paints, in this order, the object's body (spinner: the centre; slider: its path,
// back and forth), then either "stay at the end position for ever" (last object) or "wait at
// the end position until successor.t - preempt" and "move linearly to the successor's start
// over [max(end, successor.t - preempt), successor.t)". Later paint wins; unpainted frames
// are (0, 0). Output x/256 - 1, y/192 - 1.
#pragma once

#include <cstdint>
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

  // Frames where a position came out non-finite and the playfield centre was written instead.
  // Parsing repairs every known cause, so this stays 0 unless coordinates are absurd (beyond
  // ~1e300) or a Bézier segment has over ~1000 points; it exists so NaN can never escape.
  int64_t guarded_values() const { return guarded_; }

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

  void paint(FrameRange frames, Paint what);
  void paint_object(const osu::Beatmap& beatmap, const osu::HitObject& current, const osu::HitObject* next,
                    double preempt);
  void fill_run(const Paint& what, int64_t from, int64_t to, double* x_out, double* y_out);
  void write(double* x_out, double* y_out, osu::Vec2 p);

  PaintOrder order_;
  std::vector<Paint> paints_;
  int64_t guarded_ = 0;
};

// The reference's preempt (ms an object is shown before its time) from the approach rate.
double preempt_ms(double approach_rate);

}  // namespace cartography::encode
