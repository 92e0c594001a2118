// What `cartography synth` was asked to do; it crosses into the synth plugin
// (libcartography_synth.so, the only part that links FFmpeg and libzip) as the plain
// SynthRunOptions of synth_plugin.hpp.
#pragma once

#include <cstdint>
#include <string>

namespace cartography::synth {

struct SynthOptions {
  std::string out_dir;         // where the <beatmapset_id>.osz archives are written
  int songs = 20;              // song groups; each gets min_mappers..max_mappers archives
  uint64_t seed = 1;           // same seed, same options: byte-identical archives
  double duration_s = 45.0;    // nominal song length; archives of a song differ slightly
  int min_mappers = 1;
  int max_mappers = 5;
  double defect_rate = 0.0;    // fraction of archives given one deliberate defect
  std::string planted;         // planted-truth spec (synth/planted.hpp); empty: the usual charts
  int jobs = 0;                // worker threads; 0 = one per hardware thread
  bool write_manifest = true;  // synth_manifest.json: the ground truth of the corpus
  bool quiet = false;
};

}  // namespace cartography::synth
