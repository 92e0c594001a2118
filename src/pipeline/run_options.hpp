// What `cartography run` was asked to do: a plain value, filled by the CLI (or a job file) and
// handed to the pipeline plugin. No MPI, HDF5 or torch types here.
#pragma once

#include <cstdint>
#include <string>

namespace cartography::pipeline {

struct RunOptions {
  std::string dataset_dir;       // folder of .osz archives (not recursive)
  std::string out_dir;           // results root: data/, results/, cartography.h5
  std::string checkpoint;        // latent-model checkpoint; empty = Track A only
  std::string latent = "mean";   // "mean" (posterior mean, deterministic) or "sample"
  uint64_t seed = 0;             // for --latent sample
  std::string group_by = "set-creator";  // or "osu-creator" (guest difficulties)
  // "case-insensitive" (ours) or "reference" (exact name, .mp3/.ogg only: for differential runs)
  std::string audio_match = "case-insensitive";
  bool resume = false;           // skip song groups already complete in cartography.h5
  bool force_cpu = false;        // never place the latent model on a GPU
  double progress_seconds = 10;  // rank 0 prints progress at most this often
  std::string job_file;          // provenance: the YAML job this run came from, if any
};

}  // namespace cartography::pipeline
