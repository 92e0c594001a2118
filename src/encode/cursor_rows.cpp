#include "encode/cursor_rows.hpp"

#include <cmath>

#include "encode/frame_grid.hpp"
#include "encode/numpy_ops.hpp"

namespace cartography::encode {
namespace {

const osu::Vec2 kPlayfieldCentre{256, 192};

osu::HitObject virtual_start() {
  osu::HitObject o;
  o.kind = osu::HitObjectKind::circle;
  o.t = o.end_time = 0;
  o.start_pos = o.end_pos = kPlayfieldCentre;
  return o;
}


}  // namespace

double preempt_ms(double approach_rate) {
  return 1200 + (approach_rate <= 5 ? 120 : 150) * (5 - approach_rate);
}

CursorRows::CursorRows(const osu::Beatmap& beatmap)
    : source_name_(beatmap.source_name()), bound_(beatmap.limits().max_cursor_coordinate()) {
  const double preempt = preempt_ms(beatmap.ar());
  const auto& objects = beatmap.hit_objects();
  const osu::HitObject start = virtual_start();
  paint_object(beatmap, start, objects.empty() ? nullptr : &objects.front(), preempt, true);
  for (size_t i = 0; i < objects.size(); ++i)
    paint_object(beatmap, objects[i], i + 1 < objects.size() ? &objects[i + 1] : nullptr, preempt, false);
}

void CursorRows::paint(FrameRange frames, Paint what, const osu::HitObject* object) {
  order_.add(frames.begin, frames.end);
  regions_.push_back({what, object});
}

void CursorRows::paint_object(const osu::Beatmap& beatmap, const osu::HitObject& current,
                              const osu::HitObject* next, double preempt, bool is_virtual) {
  const osu::HitObject* self = is_virtual ? nullptr : &current;
  const FrameRange body = frames_between(current.t, current.end_time);
  if (current.kind == osu::HitObjectKind::spinner) paint(body, Hold{kPlayfieldCentre}, self);
  if (current.kind == osu::HitObjectKind::slider)
    paint(body, SliderBody{&beatmap.slider_of(current), current.t}, self);
  if (next == nullptr) {
    paint(frames_from(current.end_time), Hold{current.end_pos}, self);
    return;
  }
  const double appear = next->t - preempt;
  paint(frames_between(current.end_time, appear), Hold{current.end_pos}, self);
  // Python's max(end, appear): the first argument unless the second is strictly greater
  // (so a NaN preempt leaves the approach starting at the end time, as in the reference).
  const double approach_start = appear > current.end_time ? appear : current.end_time;
  paint(frames_between(approach_start, next->t),
        Approach{current.end_pos, next->start_pos, approach_start, next->t - approach_start}, self);
}

void CursorRows::refuse(const Region& region, int64_t frame, osu::Vec2 p) const {
  using osu::shown;
  throw osu::ChartError(source_name_, region.object ? region.object->line : 0,
                        "cursor position (" + shown(p.x) + ", " + shown(p.y) + ") at frame " + std::to_string(frame) +
                            " (" + shown(frame_time_ms(frame)) + " ms) is outside ±" + shown(bound_) +
                            " osu!px (ChartLimits::max_cursor_coordinate)");
}

// One run of frames [from, to) painted by `region`; out[0] is frame `from`. The paint kind
// is decided once per run, not per frame.
void CursorRows::fill_run(const Region& region, int64_t from, int64_t to, double* x_out, double* y_out) {
  auto each_frame = [&](auto position) {
    for (int64_t f = from; f < to; ++f) {
      const osu::Vec2 p = position(frame_time_ms(f));
      // One test for both bounds and NaN (every comparison with NaN is false).
      if (!(std::abs(p.x) <= bound_ && std::abs(p.y) <= bound_)) refuse(region, f, p);
      x_out[f - from] = p.x / 256 - 1;
      y_out[f - from] = p.y / 192 - 1;
    }
  };
  const Paint& what = region.what;
  if (const auto* hold = std::get_if<Hold>(&what)) {
    each_frame([p = hold->at](double) { return p; });
  } else if (const auto* body = std::get_if<SliderBody>(&what)) {
    const osu::Slider& s = *body->slider;
    each_frame([&s, t = body->t](double frame_ms) {
      const double f = floored_mod2((frame_ms - t) / s.slide_duration);
      return s.path.position(f < 1 ? f : 2 - f);
    });
  } else {
    const auto& move = std::get<Approach>(what);
    each_frame([&move](double frame_ms) { return osu::lerp(move.from, move.to, (frame_ms - move.start) / move.span); });
  }
}

void CursorRows::fill(int64_t first, int64_t last, double* x_out, double* y_out) {
  static const Region kUnpainted{Hold{{0, 0}}, nullptr};  // frames no region reaches stay (0, 0)
  order_.sweep(first, last, [&](int64_t from, int64_t to, int64_t region) {
    const Region& what = region == PaintOrder::kNone ? kUnpainted : regions_[static_cast<size_t>(region)];
    fill_run(what, from, to, x_out + (from - first), y_out + (from - first));
  });
}

}  // namespace cartography::encode
