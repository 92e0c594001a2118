// One archive's training data: its Mode-0 difficulties grouped by the audio file they use
// ("song units", the reference's per-AudioFilename spec.pt), each unit's audio features and
// chart signals written to (or found in) the feature cache.
#pragma once

#include <string>
#include <vector>

#include "pipeline/dataset.hpp"
#include "train/training_data.hpp"

namespace cartography::train {

struct UnitRecord {
  std::string song_key;     // the split's song: normalised "title ||| artist" of the first .osu
  SongUnit unit;            // `song` unset here: songs are numbered when corpora are assembled
  std::vector<std::string> chart_entries;  // the .osu entries stored in the unit's file, file order
};

struct ArchiveFeatures {
  std::vector<UnitRecord> units;  // audio-entry order
  std::vector<TrainingSkip> skips;
  std::vector<std::string> warnings;
};

// Never throws for bad input (every refusal becomes a skip naming the archive and entry);
// throws FeatureFileError only when a feature file cannot be written into cache_dir.
ArchiveFeatures featurise_archive(const pipeline::ArchiveFile& file, const std::string& cache_dir,
                                  const CqtCallback& cqt, const PrepareOptions& options);

}  // namespace cartography::train
