// The synthesis as a plugin: `libcartography_synth.so` (FFmpeg, libzip) exports
// `cartography_synth_abi_version` and `cartography_synth_run`, nothing else. Same convention as
// the latent and pipeline plugins: the caller checks the version (require_plugin_abi) and hands
// over plain data (a borrowed C string, integers, doubles); no std::string and no exceptions
// cross the boundary.
#pragma once

#include <cstdint>

#include "synth/synth_options.hpp"

namespace cartography::synth {

// Bumped whenever SynthRunOptions or an entry point below changes.
inline constexpr int kSynthAbiVersion = 2;  // 2: planted

// SynthOptions as plain data; out_dir is borrowed for the call.
struct SynthRunOptions {
  const char* out_dir = "";
  int32_t songs = 20;
  uint64_t seed = 1;
  double duration_s = 45.0;
  int32_t min_mappers = 1;
  int32_t max_mappers = 5;
  double defect_rate = 0.0;
  int32_t jobs = 0;
  int32_t write_manifest = 1;
  int32_t quiet = 0;
  const char* planted = "";  // borrowed like out_dir
};

inline SynthRunOptions to_plugin_options(const SynthOptions& o) {
  return {o.out_dir.c_str(), o.songs,       o.seed, o.duration_s,           o.min_mappers,
          o.max_mappers,     o.defect_rate, o.jobs, o.write_manifest ? 1 : 0, o.quiet ? 1 : 0,
          o.planted.c_str()};
}

inline SynthOptions from_plugin_options(const SynthRunOptions& p) {
  SynthOptions o;
  o.out_dir = p.out_dir ? p.out_dir : "";
  o.songs = p.songs;
  o.seed = p.seed;
  o.duration_s = p.duration_s;
  o.min_mappers = p.min_mappers;
  o.max_mappers = p.max_mappers;
  o.defect_rate = p.defect_rate;
  o.jobs = p.jobs;
  o.write_manifest = p.write_manifest != 0;
  o.quiet = p.quiet != 0;
  o.planted = p.planted ? p.planted : "";
  return o;
}

inline constexpr const char* kSynthAbiSymbol = "cartography_synth_abi_version";
inline constexpr const char* kSynthRunSymbol = "cartography_synth_run";
// Writes the corpus, prints a one-line summary unless quiet; returns a process exit code (0 ok,
// 1 failure, with one line on stderr).
using SynthRunFn = int(const SynthRunOptions* options);

}  // namespace cartography::synth

extern "C" {
int cartography_synth_abi_version();
int cartography_synth_run(const cartography::synth::SynthRunOptions* options);
}
