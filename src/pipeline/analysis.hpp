// The statistics side of the run. On the rank that owns a group: latents for its maps (when a
// checkpoint is given), then every per-pair and per-map record of Track A, Track B and the
// synthesis. On rank 0: the records of all groups, in song_group_idx order, summarised into
// the result JSON files. Because each record depends only on its own group and rank 0 sums in
// canonical order, the results are byte-identical for any number of ranks.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "io/json.hpp"
#include "pipeline/group_job.hpp"
#include "pipeline/outputs.hpp"
#include "pipeline/study_options.hpp"
#include "pipeline/stats_records.hpp"

namespace cartography::pipeline {

class LatentStage;  // the latent-model plugin, opened on this rank's device

struct AnalysisInputs {
  std::shared_ptr<LatentStage> latent;  // null: Track A only
  bool controls = false;                // group_controls() records (--no-controls: none)
  // The random-encoder control: --control-seeds encoders of the checkpoint's architecture with
  // random weights, run on the songs flagged here (choose_control_songs, by song_group_idx).
  std::vector<std::shared_ptr<LatentStage>> random_latents;
  std::vector<uint8_t> random_control_songs;

  bool random_control(int song_group_idx) const {
    return !random_latents.empty() && song_group_idx >= 0 &&
           size_t(song_group_idx) < random_control_songs.size() && random_control_songs[size_t(song_group_idx)];
  }
};

// Opens the latent plugin when opt.checkpoint is set (throws with the reason if it cannot),
// with `threads` intra-op threads (the node's cores shared among its ranks); with the controls
// on, also the random encoders, and chooses their songs among the index's `groups` groups.
AnalysisInputs prepare_analysis(const RunOptions& opt, int threads, size_t groups);

// Encodes latents into o.maps (if enabled) and returns the group's records (JSON, exact), with
// its control records when the controls are on. timings.controls_s: the controls' own time.
io::Json analyse_group(AnalysisInputs& inputs, GroupOutcome& o, GroupTimings& timings);

// Rank 0: registry, manifest, Track A (B, synthesis v1 and v2 with latents) JSON files.
void write_root_outputs(const RunOptions& opt, const std::vector<GroupOutcome>& all,
                        const GroupRecords& records, RunCounts& counts);

}  // namespace cartography::pipeline
