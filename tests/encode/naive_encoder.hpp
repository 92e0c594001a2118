// A direct transcription of the reference's painting loops (one pass over all frames per
// object, O(objects × frames)), used as an oracle for the single-sweep encoder on synthetic
// charts with odd object orders that the fixtures do not cover. It shares only the chart
// data and slider paths with the code under test, not the region logic.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "osu/beatmap.hpp"

namespace cartography::testing {

inline std::vector<double> naive_frame_times(int64_t L) {
  std::vector<double> t(static_cast<size_t>(L));
  for (int64_t i = 0; i < L; ++i) t[static_cast<size_t>(i)] = static_cast<double>(i * 98) / 16384.0 * 1000.0;
  return t;
}

inline double numpy_mod2(double a) {
  double m = std::fmod(a, 2.0);
  if (m != 0 && m < 0) m += 2.0;
  return m == 0 ? 0.0 : m;
}

inline std::vector<double> naive_events(const std::vector<double>& times, const std::vector<double>& frames) {
  std::vector<double> since(frames.size(), 2048.0), out(frames.size());
  for (double t : times)
    for (size_t f = 0; f < frames.size(); ++f) {
      const double d = frames[f] - t;
      if (d >= 0 && d <= 2048) since[f] = d;
    }
  for (size_t f = 0; f < frames.size(); ++f) {
    const double l = std::min(std::max(std::log2(since[f] + 16), 4.0), 11.0);
    out[f] = (l - 4) / 7 * 2 - 1;
  }
  return out;
}

inline std::vector<double> naive_encode(const osu::Beatmap& bm, int64_t L) {
  using osu::HitObjectKind;
  const auto frames = naive_frame_times(L);
  const size_t n = frames.size();
  std::vector<double> out(9 * n);
  auto row = [&](int r) { return out.begin() + static_cast<std::ptrdiff_t>(r * n); };
  const auto& objects = bm.hit_objects();
  auto times_where = [&](auto keep) {
    std::vector<double> t;
    for (const auto& o : objects)
      if (keep(o)) t.push_back(o.t);
    return t;
  };
  const int event_rows[] = {0, 1, 4, 5, 6};
  const std::vector<double> lists[] = {times_where([](auto&) { return true; }),
                                       times_where([](auto& o) { return o.new_combo; }),
                                       times_where([](auto& o) { return o.whistle; }),
                                       times_where([](auto& o) { return o.finish; }),
                                       times_where([](auto& o) { return o.clap; })};
  for (int k = 0; k < 5; ++k) std::ranges::copy(naive_events(lists[k], frames), row(event_rows[k]));
  std::vector<double> slide(n, 0.0), hold(n, 0.0);
  for (const auto& o : objects) {
    if (o.kind == HitObjectKind::slider) {
      const auto& s = bm.slider_of(o);
      for (size_t f = 0; f < n; ++f) {
        const double u = (frames[f] - o.t) / s.slide_duration;
        if (u >= 0 && u <= static_cast<double>(s.slides)) slide[f] = std::abs(numpy_mod2(u + 1) - 1);
      }
    }
    if (o.kind != HitObjectKind::circle)
      for (size_t f = 0; f < n; ++f)
        if (frames[f] >= o.t && frames[f] < o.end_time) hold[f] = 1;
  }
  for (size_t f = 0; f < n; ++f) {
    row(2)[static_cast<std::ptrdiff_t>(f)] = slide[f] * 2 - 1;
    row(3)[static_cast<std::ptrdiff_t>(f)] = hold[f] * 2 - 1;
  }
  // Cursor.
  const double ar = bm.ar();
  const double preempt = 1200 + (ar <= 5 ? 120 : 150) * (5 - ar);
  osu::HitObject start;
  start.t = start.end_time = 0;
  start.start_pos = start.end_pos = {256, 192};
  std::vector<const osu::HitObject*> hos{&start};
  for (const auto& o : objects) hos.push_back(&o);
  std::vector<osu::Vec2> sig(n, osu::Vec2{0, 0});
  for (size_t k = 0; k < hos.size(); ++k) {
    const auto& cur = *hos[k];
    for (size_t f = 0; f < n; ++f) {
      if (!(frames[f] >= cur.t && frames[f] < cur.end_time)) continue;
      if (cur.kind == HitObjectKind::spinner) sig[f] = {256, 192};
      if (cur.kind == HitObjectKind::slider) {
        const auto& s = bm.slider_of(cur);
        const double g = numpy_mod2((frames[f] - cur.t) / s.slide_duration);
        sig[f] = s.path.position(g < 1 ? g : 2 - g);
      }
    }
    if (k + 1 == hos.size()) {
      for (size_t f = 0; f < n; ++f)
        if (frames[f] >= cur.end_time) sig[f] = cur.end_pos;
      break;
    }
    const auto& nxt = *hos[k + 1];
    for (size_t f = 0; f < n; ++f)
      if (frames[f] >= cur.end_time && frames[f] < nxt.t - preempt) sig[f] = cur.end_pos;
    const double a0 = nxt.t - preempt;
    const double approach = a0 > cur.end_time ? a0 : cur.end_time;
    for (size_t f = 0; f < n; ++f)
      if (frames[f] >= approach && frames[f] < nxt.t)
        sig[f] = osu::lerp(cur.end_pos, nxt.start_pos, (frames[f] - approach) / (nxt.t - approach));
  }
  for (size_t f = 0; f < n; ++f) {
    row(7)[static_cast<std::ptrdiff_t>(f)] = sig[f].x / 256 - 1;
    row(8)[static_cast<std::ptrdiff_t>(f)] = sig[f].y / 192 - 1;
  }
  return out;
}

}  // namespace cartography::testing
