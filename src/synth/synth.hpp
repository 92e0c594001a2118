// Generates the corpus a plan describes: per song, its audio variants are rendered and encoded
// once, then each of its archives is written (charts for every difficulty, deliberate defects
// applied). Songs are spread over worker threads; the bytes do not depend on the thread count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "synth/corpus_plan.hpp"
#include "synth/synth_options.hpp"

namespace cartography::synth {

struct DifficultyRecord {
  std::string file, version, creator;
  int mode = 0;
  double od = 0, ar = 0, cs = 0, hp = 0;
  int circles = 0, sliders = 0, spinners = 0;
  bool mode_line = true;  // false for the no_mode_line / bad_mode defects
};

struct ArchiveRecord {
  std::string file;
  int64_t beatmapset_id = 0;
  int song = 0;
  std::string creator, title, artist;
  std::string audio_entry;     // empty when the archive holds no audio
  std::string audio_filename;  // as the .osu files name it
  int audio_variant = 0;
  double audio_seconds = 0;    // of the rendered PCM, before encoder delay/padding
  std::string defect;
  std::string defect_file;     // the .osu a chart defect was applied to (empty otherwise)
  int64_t bytes = 0;
  std::vector<DifficultyRecord> difficulties;
};

struct SynthReport {
  std::vector<ArchiveRecord> archives;  // by beatmapset id
  int songs = 0;
  int multi_mapper_songs = 0;
  int audio_encodings = 0;
  double seconds = 0;
};

// Throws (std::invalid_argument for bad options, EncodeError, ZipWriteError, filesystem
// errors) on failure.
SynthReport generate_corpus(const SynthOptions& options);

// synth_manifest.json: the options and the plan's ground truth (songs, archives, difficulties).
void write_manifest(const std::string& path, const SynthOptions& options, const CorpusPlan& plan,
                    const SynthReport& report);

}  // namespace cartography::synth
