// Hit objects for one difficulty, placed on the song's beat grid in a mapper's style. The
// output is the text of the [TimingPoints], [HitObjects] sections and the break lines of
// [Events]; every object is valid for the reference reader (no object starts before the
// previous one ends; slider lengths and end times are computed with the reader's formula on
// the exact doubles it will parse).
#pragma once

#include <string>
#include <vector>

#include "synth/corpus_plan.hpp"
#include "synth/rng.hpp"

namespace cartography::synth {

struct ChartText {
  std::vector<std::string> timing_points;
  std::vector<std::string> hit_objects;
  std::vector<std::string> breaks;  // "2,start,end" event lines
  int circles = 0, sliders = 0, spinners = 0;
};

struct ChartRequest {
  const SongPlan* song = nullptr;
  const MapperStyle* style = nullptr;
  const DifficultyPlan* difficulty = nullptr;
  double end_ms = 0;   // no object may end after this
  bool overlap = false;  // deliberately start one object inside the previous slider (defect)
};

ChartText make_chart(const ChartRequest& request, Rng& rng);

// Slider length for `beats` at the velocity `sv` in force at `t`, and the reader's end time for it.
struct SliderTiming {
  double length = 0;
  int end = 0;
};
SliderTiming slider_timing(const ChartRequest& request, double sv, int t, double beats, int slides);

// The overlapping defect: a circle starting just after the first slider's head, inside its
// body, which the reader rejects.
void insert_overlap(ChartText& chart);

}  // namespace cartography::synth
