#include "encode/hit_rows.hpp"

#include <algorithm>
#include <cmath>

#include "encode/event_log2.hpp"
#include "encode/frame_grid.hpp"
#include "encode/numpy_ops.hpp"

namespace cartography::encode {
namespace {

constexpr double kMaxSince = 2048;  // 2**MAX_TIME in the reference

double to_signed(double v) { return v * 2 - 1; }

// out[0] is frame `from`.
template <class Value>
void fill_run(int64_t from, int64_t to, double* out, Value value) {
  for (int64_t f = from; f < to; ++f) out[f - from] = value(frame_time_ms(f));
}

const EventLog2& event_log2() {
  static const EventLog2 table;
  return table;
}

// log2(since + 16), except that from 2048 up it is 11 without evaluating log2: there log2 is
// at least 11 and clipped to 11 anyway. (since >= 0, so log2 >= 4 below.)
double log_time(double since_event_ms, const EventLog2& log2) {
  const double shifted = since_event_ms + 16;
  return shifted < 2048 ? log2(shifted) : 11.0;
}

// (clip(log_time, 4, 11) - 4) / 7, then 2v - 1: the reference's operations in its order.
double event_from_log_time(double log_time) { return to_signed((std::min(std::max(log_time, 4.0), 11.0) - 4) / 7); }

// One event's run of frames, in two passes: the log2s, then the rest of the formula in a
// loop the compiler vectorises (its division by 7 is most of a frame's cost otherwise).
void fill_event_run(int64_t from, int64_t to, double event_ms, double* out) {
  const EventLog2& log2 = event_log2();
  for (int64_t f = from; f < to; ++f) out[f - from] = log_time(frame_time_ms(f) - event_ms, log2);
  for (int64_t k = 0; k < to - from; ++k) out[k] = event_from_log_time(out[k]);
}

}  // namespace

double event_value(double since_event_ms) { return event_from_log_time(log_time(since_event_ms, event_log2())); }

void EventRow::add_event(double t_ms) {
  // time_since = frame_time - t; the region is 0 <= time_since <= 2048.
  const int64_t begin = frames_from(t_ms).begin;
  const int64_t end = first_frame_where([&](int64_t f) { return !(frame_time_ms(f) - t_ms <= kMaxSince); },
                                        frame_near(t_ms + kMaxSince));
  order_.add(begin, end);
  times_.push_back(t_ms);
}

void EventRow::fill(int64_t first, int64_t last, double* out) {
  order_.sweep(first, last, [&](int64_t from, int64_t to, int64_t region) {
    if (region == PaintOrder::kNone) {
      std::fill(out + (from - first), out + (to - first), event_value(kMaxSince));
      return;
    }
    fill_event_run(from, to, times_[static_cast<size_t>(region)], out + (from - first));
  });
}

void SlideRow::add_slider(double t_ms, double duration, int64_t slides) {
  const double repeats = static_cast<double>(slides);
  auto progress = [=](int64_t f) { return (frame_time_ms(f) - t_ms) / duration; };
  auto started = [&](int64_t f) { return progress(f) >= 0; };
  auto within = [&](int64_t f) { return progress(f) <= repeats; };
  const int64_t at_start = frame_near(t_ms), at_end = frame_near(t_ms + duration * repeats);
  int64_t begin = 0, end = 0;  // duration 0 or NaN: u is ±inf or NaN, no frame qualifies
  if (duration > 0) {          // u rises with time
    begin = first_frame_where(started, at_start);
    end = first_frame_where([&](int64_t f) { return !within(f); }, at_end);
  } else if (duration < 0) {  // u falls with time
    begin = first_frame_where(within, at_end);
    end = first_frame_where([&](int64_t f) { return !started(f); }, at_start);
  }
  order_.add(begin, end);
  slides_.push_back({t_ms, duration});
}

void SlideRow::fill(int64_t first, int64_t last, double* out) {
  order_.sweep(first, last, [&](int64_t from, int64_t to, int64_t region) {
    if (region == PaintOrder::kNone) {
      std::fill(out + (from - first), out + (to - first), to_signed(0.0));
      return;
    }
    const Slide s = slides_[static_cast<size_t>(region)];
    fill_run(from, to, out + (from - first), [s](double frame_ms) {
      const double u = (frame_ms - s.t) / s.duration;
      return to_signed(std::abs(floored_mod2(u + 1) - 1));
    });
  });
}

void SustainRow::add_hold(double t_ms, double end_ms) {
  const FrameRange r = frames_between(t_ms, end_ms);
  order_.add(r.begin, r.end);
}

void SustainRow::fill(int64_t first, int64_t last, double* out) {
  order_.sweep(first, last, [&](int64_t from, int64_t to, int64_t region) {
    std::fill(out + (from - first), out + (to - first), to_signed(region == PaintOrder::kNone ? 0.0 : 1.0));
  });
}

}  // namespace cartography::encode
