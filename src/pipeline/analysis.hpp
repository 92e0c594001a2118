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
};

// Opens the latent plugin when opt.checkpoint is set (throws with the reason if it cannot),
// with `threads` intra-op threads (the node's cores shared among its ranks).
AnalysisInputs prepare_analysis(const RunOptions& opt, int threads);

// Encodes latents into o.maps (if enabled) and returns the group's records (JSON, exact).
io::Json analyse_group(AnalysisInputs& inputs, GroupOutcome& o, GroupTimings& timings);

// Rank 0: registry, manifest, Track A (B, synthesis v1 and v2 with latents) JSON files.
void write_root_outputs(const RunOptions& opt, const std::vector<GroupOutcome>& all,
                        const GroupRecords& records, RunCounts& counts);

}  // namespace cartography::pipeline
