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

CursorRows::CursorRows(const osu::Beatmap& beatmap) {
  const double preempt = preempt_ms(beatmap.ar());
  const auto& objects = beatmap.hit_objects();
  const osu::HitObject start = virtual_start();
  paint_object(beatmap, start, objects.empty() ? nullptr : &objects.front(), preempt);
  for (size_t i = 0; i < objects.size(); ++i)
    paint_object(beatmap, objects[i], i + 1 < objects.size() ? &objects[i + 1] : nullptr, preempt);
}

void CursorRows::paint(FrameRange frames, Paint what) {
  order_.add(frames.begin, frames.end);
  paints_.push_back(what);
}

void CursorRows::paint_object(const osu::Beatmap& beatmap, const osu::HitObject& current,
                              const osu::HitObject* next, double preempt) {
  const FrameRange body = frames_between(current.t, current.end_time);
  if (current.kind == osu::HitObjectKind::spinner) paint(body, Hold{kPlayfieldCentre});
  if (current.kind == osu::HitObjectKind::slider) paint(body, SliderBody{&beatmap.slider_of(current), current.t});
  if (next == nullptr) {
    paint(frames_from(current.end_time), Hold{current.end_pos});
    return;
  }
  const double appear = next->t - preempt;
  paint(frames_between(current.end_time, appear), Hold{current.end_pos});
  // Python's max(end, appear): the first argument unless the second is strictly greater
  // (so a NaN preempt leaves the approach starting at the end time, as in the reference).
  const double approach_start = appear > current.end_time ? appear : current.end_time;
  paint(frames_between(approach_start, next->t),
        Approach{current.end_pos, next->start_pos, approach_start, next->t - approach_start});
}

osu::Vec2 CursorRows::position(const Paint& what, double frame_ms) const {
  if (const auto* hold = std::get_if<Hold>(&what)) return hold->at;
  if (const auto* body = std::get_if<SliderBody>(&what)) {
    const double f = floored_mod2((frame_ms - body->t) / body->slider->slide_duration);
    return body->slider->path.position(f < 1 ? f : 2 - f);
  }
  const auto& move = std::get<Approach>(what);
  return osu::lerp(move.from, move.to, (frame_ms - move.start) / move.span);
}

void CursorRows::write(double* x_out, double* y_out, osu::Vec2 p) {
  if (!std::isfinite(p.x)) {
    p.x = kPlayfieldCentre.x;
    ++guarded_;
  }
  if (!std::isfinite(p.y)) {
    p.y = kPlayfieldCentre.y;
    ++guarded_;
  }
  *x_out = p.x / 256 - 1;
  *y_out = p.y / 192 - 1;
}

void CursorRows::fill(int64_t first, int64_t last, double* x_out, double* y_out) {
  order_.sweep(first, last, [&](int64_t from, int64_t to, int64_t region) {
    for (int64_t f = from; f < to; ++f) {
      const size_t k = static_cast<size_t>(f - first);
      if (region == PaintOrder::kNone) {
        write(x_out + k, y_out + k, {0, 0});
      } else {
        write(x_out + k, y_out + k, position(paints_[static_cast<size_t>(region)], frame_time_ms(f)));
      }
    }
  });
}

}  // namespace cartography::encode
