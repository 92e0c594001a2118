// One song group, start to finish, on whichever rank owns it: registry entries of its
// archives, representatives, audio frame counts, 9-dim encodings. Plain C++ (no MPI): the
// same function runs in unit tests and on every rank, so results cannot depend on placement.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/index.hpp"
#include "catalog/registry.hpp"

namespace cartography::pipeline {

// Something left out of the results, with the stage that refused it and why.
struct Skip {
  std::string stage;    // "index", "archive", "registry", "audio", "chart", "latent", ...
  std::string subject;  // file, or "<set id>/<entry>"
  std::string reason;
};

// One encoded representative (a row of encoding_manifest.json).
struct EncodedMap {
  catalog::RegistryEntry entry;
  std::string filename;       // the reference's "<set id>_<version>.npy" name (made unique)
  int64_t frames = 0;         // = the group's target_L
  std::vector<double> signal;  // [9, frames] row-major
  int repairs = 0;             // degenerate-geometry repairs made while parsing
  std::vector<double> onset_ms;  // hit-object start times, ms (the onset F-measure control)
  // Filled by the latent stage when a checkpoint is given.
  int64_t latent_dims = 0, latent_frames = 0;
  std::vector<float> latent;   // [latent_dims, latent_frames] row-major
  // The random-encoder control's latents (one per random encoder, same shape as `latent`; empty
  // where the control does not run or that encoder failed). Never saved: only records are.
  std::vector<std::vector<float>> random_latents;
};

struct GroupOutcome {
  int song_group_idx = 0;
  std::vector<catalog::RegistryEntry> registry;  // registry order within the group
  std::vector<Skip> skips;
  std::vector<std::string> warnings;
  int64_t target_L = 0;
  std::vector<EncodedMap> maps;  // manifest order: representatives in registry order
};

struct GroupTimings {
  double read_s = 0, audio_s = 0, encode_s = 0, latent_s = 0;
  double controls_s = 0;  // group_controls() and the random encoders (the cost of the controls)
};

// Where the first NaN or infinity of a [rows, columns] row-major array is ("NaN at row 2,
// column 17"), or nullopt when every value is finite. Maps with one are skipped before they
// reach the statistics: one bad value would poison every summary it enters.
template <typename T>
std::optional<std::string> first_non_finite(const std::vector<T>& values, int64_t columns) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::isfinite(values[i])) continue;
    const auto col = static_cast<size_t>(columns > 0 ? columns : 1);
    return std::string(std::isnan(values[i]) ? "NaN" : "infinity") + " at row " + std::to_string(i / col) +
           ", column " + std::to_string(i % col);
  }
  return std::nullopt;
}

// `dataset_dir` holds the group's archives. Never throws for bad input: every failure
// becomes a Skip with its reason.
GroupOutcome process_group(const catalog::SongGroup& group, int song_group_idx,
                           const std::string& dataset_dir, GroupTimings* timings = nullptr,
                           catalog::AudioMatch audio_match = catalog::AudioMatch::CaseInsensitive);

}  // namespace cartography::pipeline
