// Resume support: each finished song group is saved by the rank that owns it, as one file
// written atomically (temporary name + rename) under <out>/progress/. A killed job leaves
// only whole files behind; `run --resume` loads them instead of recomputing, and because a
// saved group carries its exact values the final JSON is byte-identical to an uninterrupted
// run. A saved group holds everything but the 9-dim signals, which are re-encoded from the
// charts on load (bit-identical, and ~10x less to write than storing them). (Not inside
// cartography.h5 itself: an HDF5 1.10 file whose writer is killed can be
// corrupt as a whole, which would lose every group done so far.)
#pragma once

#include <optional>
#include <string>

#include "catalog/index.hpp"
#include "io/json.hpp"
#include "pipeline/group_job.hpp"
#include "pipeline/study_options.hpp"

namespace cartography::pipeline {

struct SavedGroup {
  GroupOutcome outcome;  // with its arrays
  io::Json records;      // the analysis records
};

// What a saved group depends on, as a hash: every option that changes results, the bytes of
// the checkpoint (`checkpoint_hash`, content_hash() of it) and of each of the group's archives
// (XXH3-128), its members and its index position, and whether the random-encoder control covers
// it (`random_control`: AnalysisInputs::random_control, which depends on the whole index). A
// saved group with another fingerprint is stale and is recomputed. (--bootstrap and --ci-level
// change only rank 0's summaries, never a saved group.)
std::string group_fingerprint(const RunOptions& opt, const std::string& checkpoint_hash,
                              const catalog::SongGroup& group, int song_group_idx, const std::string& dataset_dir,
                              bool random_control);

std::string progress_dir(const std::string& out_dir);

void save_group(const std::string& out_dir, const std::string& fingerprint, const GroupOutcome& outcome,
                const io::Json& records);

// nullopt when absent, unreadable, stale, or when a chart can no longer be re-encoded.
std::optional<SavedGroup> load_group(const std::string& out_dir, int song_group_idx, const std::string& fingerprint,
                                     const std::string& dataset_dir);

}  // namespace cartography::pipeline
