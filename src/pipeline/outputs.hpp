// Rank 0's JSON outputs, with the reference's key names and nesting, and the run summary.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "io/json.hpp"
#include "pipeline/group_job.hpp"

namespace cartography::pipeline {

// encoding_manifest.json: one row per encoded representative, groups in song_group_idx order.
io::Json manifest_json(const std::vector<GroupOutcome>& outcomes);

// latent_manifest.json: the manifest rows plus latent_shape, orig_L and latent_l (reference 06).
io::Json latent_manifest_json(const std::vector<GroupOutcome>& outcomes);

struct RunCounts {
  size_t archives_seen = 0, archives_indexed = 0, archives_in_groups = 0, archives_used = 0;
  size_t groups = 0, groups_analysed = 0, registry_entries = 0, representatives = 0, encoded = 0;
  size_t pairs = 0, repairs = 0, groups_resumed = 0;
};

// run_summary.json: counts, every skip with its stage and reason, warnings, stage times and
// per-rank figures. (Times and rank counts vary between runs: results/ and data/ do not.)
// `odd_names`: archive file names that are not valid UTF-8; every output shows them with U+FFFD
// for each such byte, and the summary lists each with its exact bytes (io::escape_bytes).
// `checkpoint`: the model's provenance (checkpoint_provenance.hpp, to_json), null without one.
io::Json summary_json(const RunCounts& counts, const std::vector<Skip>& skips,
                      const std::vector<std::string>& warnings, const io::Json& timing,
                      const std::vector<std::string>& odd_names = {}, const io::Json& checkpoint = nullptr);

// The same, as the few lines printed at the end of a run.
std::string summary_text(const RunCounts& counts, const std::vector<Skip>& skips, size_t warnings);

}  // namespace cartography::pipeline
