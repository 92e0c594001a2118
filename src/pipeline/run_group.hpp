// The whole work on one song group as one plain function (no MPI): reload it from its progress
// file when resuming, otherwise read its archives, decode the audio, parse and encode the charts,
// run the latent model, compute the statistics records; then save it for a later --resume.
// Every rank runs this for each group it owns, and the unit tests run it serially, so what the
// tests check is what the run does.
#pragma once

#include <string>

#include "catalog/index.hpp"
#include "io/json.hpp"
#include "pipeline/analysis.hpp"
#include "pipeline/group_job.hpp"
#include "pipeline/study_options.hpp"

namespace cartography::pipeline {

struct GroupResult {
  GroupOutcome outcome;
  io::Json records;   // records_to_json() of the group's statistics
  bool resumed = false;  // reloaded from <out>/progress/ instead of computed
  // Set when the progress file could not be written (the disk is full or gone: the final
  // writes would fail too, so the caller stops the run); the group's results are still valid.
  std::string save_error;
};

// The group `group` at position `song_group_idx` of the index. `checkpoint_hash` is
// content_hash(opt.checkpoint) (empty without a checkpoint), part of the resume fingerprint.
// Bad input never throws out of here: every failure is a Skip with its reason, and a failure of
// the group's own work (out of memory, a bug met by odd data) becomes a skip of the whole group,
// so one group cannot stop the run.
GroupResult run_group(const RunOptions& opt, const std::string& checkpoint_hash, const catalog::SongGroup& group,
                      int song_group_idx, AnalysisInputs& analysis, GroupTimings& timings);

}  // namespace cartography::pipeline
