// The frame grid of the reference (osu_dreamer/data/load_audio.py): 16384 Hz audio, a hop of
// 98 samples, frame i at (i*98)/16384*1000 ms evaluated in double in exactly that order, so
// that a frame exactly on an object's time compares the way numpy compares it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace cartography::encode {

inline constexpr int64_t kSampleRate = 16384;
inline constexpr int64_t kHopLength = 98;
// No encoding reaches this many frames (about 6.6 years of audio); region bounds are clamped
// here, which keeps i*98 exact in a double and any time, however absurd, finite in frames.
inline constexpr int64_t kFrameLimit = int64_t{1} << 44;

inline double frame_time_ms(int64_t i) {
  return static_cast<double>(i * kHopLength) / static_cast<double>(kSampleRate) * 1000.0;
}

// A frame close to time `ms` (exactness comes from first_frame_where, not from this guess).
inline int64_t frame_near(double ms) {
  const double f = ms * static_cast<double>(kSampleRate) / (1000.0 * static_cast<double>(kHopLength));
  if (!(f > 0)) return 0;
  if (f >= static_cast<double>(kFrameLimit)) return kFrameLimit;
  return static_cast<int64_t>(f);
}

// The first frame in [0, kFrameLimit) where `holds(frame)` is true, for a predicate that is
// false up to some frame and true from there on; kFrameLimit when it never holds there.
// Gallops from `near`, so a good guess costs a handful of evaluations.
template <class Predicate>
int64_t first_frame_where(Predicate holds, int64_t near) {
  near = std::clamp<int64_t>(near, 0, kFrameLimit - 1);
  int64_t lo, hi;  // invariant: !holds(lo) (or lo == -1), holds(hi) (or hi == kFrameLimit)
  if (holds(near)) {
    hi = near;
    int64_t step = 1;
    lo = near - step;
    while (lo >= 0 && holds(lo)) {
      hi = lo;
      step *= 2;
      lo = hi - step;
    }
    lo = std::max<int64_t>(lo, -1);
  } else {
    lo = near;
    int64_t step = 1;
    hi = near + step;
    while (hi < kFrameLimit && !holds(hi)) {
      lo = hi;
      step *= 2;
      hi = lo + step;
    }
    hi = std::min(hi, kFrameLimit);
  }
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (holds(mid)) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return hi;
}

// Frames whose time satisfies `from_ms <= t` and `t < until_ms` (numpy's
// (frame_times >= s) & (frame_times < e)) form [begin, end).
struct FrameRange {
  int64_t begin = 0;
  int64_t end = 0;
  bool empty() const { return end <= begin; }
};

inline FrameRange frames_from(double from_ms);

inline FrameRange frames_between(double from_ms, double until_ms) {
  const int64_t begin = frames_from(from_ms).begin;
  const int64_t end = first_frame_where([&](int64_t f) { return !(frame_time_ms(f) < until_ms); }, frame_near(until_ms));
  return {begin, end};
}

// Frames with from_ms <= t: [begin, kFrameLimit).
inline FrameRange frames_from(double from_ms) {
  return {first_frame_where([&](int64_t f) { return frame_time_ms(f) >= from_ms; }, frame_near(from_ms)), kFrameLimit};
}

}  // namespace cartography::encode
