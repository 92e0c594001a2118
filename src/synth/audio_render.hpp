// The music of a synthetic song: a drum pattern on the song's beat grid (kick on every beat,
// snare on the backbeats, hi-hats between), a chord pad per bar and a short melody, so that
// charts placed on the grid line up with audible onsets. Rendered per audio variant (rate,
// channels, tail) from the song's music seed: every variant carries the same music.
#pragma once

#include <cstddef>
#include <vector>

#include "synth/corpus_plan.hpp"

namespace cartography::synth {

struct Pcm {
  int sample_rate = 44100;
  std::vector<std::vector<float>> channels;  // planar, each of frames() samples in [-1, 1]
  size_t frames() const { return channels.empty() ? 0 : channels.front().size(); }
};

// Seconds of audio the variant holds: the song's nominal duration plus the variant's tail.
double variant_seconds(const SongPlan& song, const AudioVariant& variant);

Pcm render_song(const SongPlan& song, const AudioVariant& variant);

}  // namespace cartography::synth
