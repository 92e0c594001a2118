#include "pipeline/run_group.hpp"

#include <optional>

#include "catalog/failure.hpp"
#include "pipeline/group_checkpoint.hpp"
#include "pipeline/stats_records.hpp"

namespace cartography::pipeline {
namespace {

GroupResult group_failure(const catalog::SongGroup& group, int idx, const std::exception& e) {
  GroupResult r;
  r.outcome.song_group_idx = idx;
  r.outcome.skips.push_back({"group", "song group " + std::to_string(idx) + " (" + group.match_key + ")",
                             catalog::failure_reason(e, "analysing the song group")});
  r.records = records_to_json(GroupRecords{});
  return r;
}

}  // namespace

GroupResult run_group(const RunOptions& opt, const std::string& checkpoint_hash, const catalog::SongGroup& group,
                      int idx, AnalysisInputs& analysis, GroupTimings& timings) {
  GroupResult r;
  std::string fingerprint;
  try {
    fingerprint = group_fingerprint(opt, checkpoint_hash, group, idx, opt.dataset_dir, analysis.random_control(idx));
    std::optional<SavedGroup> saved;
    if (opt.resume) saved = load_group(opt.out_dir, idx, fingerprint, opt.dataset_dir);
    if (saved) {
      r.outcome = std::move(saved->outcome);
      r.records = std::move(saved->records);
      r.resumed = true;
      return r;
    }
    r.outcome = process_group(group, idx, opt.dataset_dir, &timings, opt.audio_match);
    r.records = analyse_group(analysis, r.outcome, timings);
  } catch (const std::exception& e) {
    r = group_failure(group, idx, e);
  }
  try {
    save_group(opt.out_dir, fingerprint, r.outcome, r.records);
  } catch (const std::exception& e) {
    r.save_error = std::string("cannot save progress: ") + e.what();
  }
  return r;
}

}  // namespace cartography::pipeline
