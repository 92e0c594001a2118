// Timing points as the reference keeps them: uninherited points set the beat length and meter
// and reset the slider multiplier; inherited points (negative beat length field) change the
// slider multiplier only; consecutive points equal in (beat length, multiplier, meter) collapse.
#pragma once

#include <string>
#include <vector>

#include "osu/chart_limits.hpp"
#include "osu/sections.hpp"

namespace cartography::osu {

struct TimingPoint {
  double t = 0;           // int(t) of the file's value; every such integer is exact in a double
  double beat_length = 0;  // ms per beat
  double slider_multiplier = 1;
  double meter = 0;  // int(meter), exact as above
};

// Throws ChartError (with the line) where the reference raises, when no point remains, and
// where a time is beyond `limits`.
std::vector<TimingPoint> parse_timing_points(const std::vector<SectionLine>& lines, const std::string& file,
                                             const ChartLimits& limits = {});

struct SliderTiming {
  double beat_length = 0;
  double slider_multiplier = 1;
};

// The point active at `t`: the reference's bisect.bisect (by time) minus one, which on a list
// that is not sorted by time still gives bisect's answer; before all points, the first
// point's beat length with multiplier 1.
SliderTiming timing_at(const std::vector<TimingPoint>& points, double t);

}  // namespace cartography::osu
