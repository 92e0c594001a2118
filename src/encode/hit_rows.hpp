// Rows 0-6 of the encoding (the reference's hit_signal): time since the last event on a log
// scale (ONSET, COMBO, WHISTLE, FINISH, CLAP), slider progress (SLIDE), holds (SUSTAIN).
// Each is written already mapped v -> 2v - 1, as the reference returns it.
#pragma once

#include <cstdint>
#include <vector>

#include "encode/paint_order.hpp"

namespace cartography::encode {

// (clip(log2(dt + 16), 4, 11) - 4) / 7, mapped to 2v - 1; dt is ms since the event.
double event_value(double since_event_ms);

// The reference's events(): a frame takes the time since the last event, in list order, that
// lies 0..2048 ms before it (2048 when there is none).
class EventRow {
 public:
  void add_event(double t_ms);
  void fill(int64_t first, int64_t last, double* out);

 private:
  PaintOrder order_;
  std::vector<double> times_;
};

// The reference's slides(): u = (t - start) / slide duration; where 0 <= u <= slides the
// value is |((u + 1) mod 2) - 1| (floored mod), later sliders overwriting; 0 elsewhere.
class SlideRow {
 public:
  void add_slider(double t_ms, double slide_duration, int64_t slides);
  void fill(int64_t first, int64_t last, double* out);

 private:
  struct Slide {
    double t, duration;
  };
  PaintOrder order_;
  std::vector<Slide> slides_;
};

// The reference's extents(): 1 where start <= t < end for sliders and spinners, else 0.
class SustainRow {
 public:
  void add_hold(double t_ms, double end_ms);
  void fill(int64_t first, int64_t last, double* out);

 private:
  PaintOrder order_;
};

}  // namespace cartography::encode
