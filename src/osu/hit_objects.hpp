// The [HitObjects] lines, parsed as the reference parses them (see SPEC §5).
#pragma once

#include <string>
#include <vector>

#include "osu/chart_error.hpp"
#include "osu/chart_limits.hpp"
#include "osu/hit_object.hpp"
#include "osu/sections.hpp"
#include "osu/timing.hpp"

namespace cartography::osu {

struct ParsedHitObjects {
  std::vector<HitObject> objects;
  std::vector<Slider> sliders;
  std::vector<Repair> repairs;
};

// What a slider's duration depends on besides its own fields.
struct ChartTiming {
  const std::vector<TimingPoint>& points;
  double slider_multiplier;  // [Difficulty] SliderMultiplier
};

// Throws ChartError naming the line where the reference raises, and where a value or a count
// is beyond `limits`.
ParsedHitObjects parse_hit_objects(const std::vector<SectionLine>& lines, const ChartTiming& chart,
                                   const std::string& file, const ChartLimits& limits = {});

}  // namespace cartography::osu
