// Hit objects as the encoder needs them. Times are the reference's Python ints (int(float)
// truncation of the file's values), each exact in a double, so they are kept as doubles and
// every comparison with a frame time is the reference's float comparison.
#pragma once

#include <cstdint>

#include "osu/slider_path.hpp"
#include "osu/vec2.hpp"

namespace cartography::osu {

enum class HitObjectKind { circle, slider, spinner };

struct HitObject {
  HitObjectKind kind = HitObjectKind::circle;
  double t = 0;         // start, ms
  double end_time = 0;  // ms; == t for circles; may precede t for odd sliders/spinners
  bool new_combo = false;
  bool whistle = false;
  bool finish = false;
  bool clap = false;
  Vec2 start_pos;  // where the cursor meets the object (a spinner's is the playfield centre)
  Vec2 end_pos;    // where it leaves it
  int32_t slider = -1;  // index into Beatmap::sliders() for sliders
  int64_t line = 0;     // line in the file, for messages
};

struct Slider {
  // One slide's duration, ms: length / (SliderMultiplier · point multiplier · 100) · beat
  // length. Zero or negative for a non-positive length, exactly as in the reference.
  double slide_duration = 0;
  int64_t slides = 1;
  SliderPath path;
};

}  // namespace cartography::osu
