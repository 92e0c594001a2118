// An osu!-mode chart whose 9-dim encoding has a planted cross-mapper agreement (planted.hpp).
// Each independent driver of the encoding gets its own random content, drawn per bar either
// from the song's shared stream (same for every mapper of the song) or from the mapper's own:
//   ONSET           object times (80-160 ms apart),
//   COMBO, WHISTLE, FINISH, CLAP
//                   event times 1-3 s apart, each marking the first object at or after it,
//   SLIDE + SUSTAIN spans (0.3-0.9 s, 1.5-4.5 s apart) inside which an object is a slider
//                   reaching to just before the next object,
//   X, Y            smooth curves of time (three sines each) the objects sit on.
// So one driver never moves another: a mapper-driven ONSET only changes where a song-driven
// curve or event is sampled. Objects start 2.6 s before time 0 so that every row is
// stationary from the first frame (a shared "nothing yet" start would read as agreement), and
// run to just before the end of the archive's audio (likewise for a shared silent end).
#pragma once

#include <cstdint>

#include "synth/chart.hpp"
#include "synth/planted.hpp"

namespace cartography::synth {

// How long before the end of the audio the last object may start.
inline constexpr double kPlantedTailMs = 100;

// request.end_ms bounds the objects; request.song->music_seed seeds the song's streams,
// mapper_seed the mapper's.
ChartText make_planted_chart(const ChartRequest& request, const PlantedSpec& spec, uint64_t mapper_seed);

}  // namespace cartography::synth
