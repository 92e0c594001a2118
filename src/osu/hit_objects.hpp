// The [HitObjects] lines, parsed as the reference parses them (see SPEC §5).
#pragma once

#include <string>
#include <vector>

#include "osu/chart_error.hpp"
#include "osu/hit_object.hpp"
#include "osu/sections.hpp"
#include "osu/timing.hpp"

namespace cartography::osu {

struct ParsedHitObjects {
  std::vector<HitObject> objects;
  std::vector<Slider> sliders;
  std::vector<Repair> repairs;
};

// Throws ChartError naming the line where the reference raises.
ParsedHitObjects parse_hit_objects(const std::vector<SectionLine>& lines,
                                   const std::vector<TimingPoint>& timing,
                                   double slider_multiplier, const std::string& file);

}  // namespace cartography::osu
