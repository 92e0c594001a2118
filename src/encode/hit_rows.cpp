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

double event_value(double since_event_ms, const EventLog2& log2) {
  const double shifted = since_event_ms + 16;
  // log2 of anything from 2048 up is at least 11 and clipped to 11: the value is exactly 1.
  // Below, shifted >= 16 (since >= 0), so log2 >= 4: the clip is kept for the reference's order.
  if (!(shifted < 2048)) return 1.0;
  const double log_time = std::min(std::max(log2(shifted), 4.0), 11.0);
  return to_signed((log_time - 4) / 7);
}

}  // namespace

double event_value(double since_event_ms) { return event_value(since_event_ms, event_log2()); }

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
    const double t = times_[static_cast<size_t>(region)];
    const EventLog2& log2 = event_log2();
    fill_run(from, to, out + (from - first), [t, &log2](double frame_ms) { return event_value(frame_ms - t, log2); });
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
