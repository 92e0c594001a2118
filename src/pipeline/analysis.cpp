#include "pipeline/analysis.hpp"

#include <chrono>
#include <cmath>
#include <set>

#include "catalog/registry.hpp"
#include "pipeline/latent_stage.hpp"
#include "pipeline/out_dir.hpp"
#include "pipeline/stats_records.hpp"
#include "stats/synthesis.hpp"
#include "stats/synthesis_v2.hpp"
#include "stats/track_a.hpp"
#include "stats/track_b.hpp"

namespace cartography::pipeline {
namespace {

// The group's encoded maps for the statistics, with their latents when the model made them.
GroupRecords group_records(const GroupOutcome& o) {
  std::vector<StatsMember> members;
  for (const EncodedMap& m : o.maps) {
    StatsMember s{m.entry.creator.value_or(""), stats::EncodingView(m.signal.data(), 9, m.frames), std::nullopt};
    if (m.latent_frames > 0) s.latent = stats::LatentView(m.latent.data(), m.latent_dims, m.latent_frames);
    members.push_back(std::move(s));
  }
  return group_statistics(o.song_group_idx, members);
}

bool has_non_finite(const io::Json& j) {
  if (j.is_number_float()) return !std::isfinite(j.get<double>());
  if (j.is_array() || j.is_object())
    for (const auto& v : j)
      if (has_non_finite(v)) return true;
  return false;
}

}  // namespace

AnalysisInputs prepare_analysis(const RunOptions& opt, int threads) {
  AnalysisInputs in;
  if (!opt.checkpoint.empty()) in.latent = LatentStage::open(opt, threads);
  return in;
}

io::Json analyse_group(AnalysisInputs& in, GroupOutcome& o, GroupTimings& timings) {
  if (in.latent) {
    auto t0 = std::chrono::steady_clock::now();
    for (EncodedMap& m : o.maps) in.latent->encode(m, o.skips);
    timings.latent_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  io::Json records = records_to_json(group_records(o));
  if (!has_non_finite(records)) return records;
  // Finite inputs whose statistics still overflow (products of huge values): the group's maps
  // are left out, each with the reason, rather than poisoning every summary.
  for (const EncodedMap& m : o.maps)
    o.skips.push_back({"statistics", m.entry.osu_path,
                       "a pair statistic of song group " + std::to_string(o.song_group_idx) +
                           " is not finite (values too large); the group's maps are left out"});
  o.maps.clear();
  return records_to_json(group_records(o));
}

void write_root_outputs(const RunOptions& opt, const std::vector<GroupOutcome>& all,
                        const GroupRecords& merged, RunCounts& counts) {
  const auto out = [&](const std::string& file) { return opt.out_dir + "/" + file; };
  std::vector<catalog::RegistryEntry> registry;
  for (const GroupOutcome& o : all) registry.insert(registry.end(), o.registry.begin(), o.registry.end());
  catalog::sort_registry(registry);
  io::write_json_file(out(out_files::kRegistry), catalog::registry_json(registry));
  io::write_json_file(out(out_files::kManifest), manifest_json(all));

  stats::TrackASummary a = stats::summarize_track_a(merged.track_a);
  io::write_json_file(out(out_files::kTrackA), stats::to_json(a));

  counts.groups = all.size();
  counts.registry_entries = registry.size();
  for (const GroupOutcome& o : all) {
    for (const auto& r : o.registry) counts.representatives += r.is_representative;
    counts.encoded += o.maps.size();
    for (const auto& m : o.maps) counts.repairs += static_cast<size_t>(m.repairs);
    std::set<int64_t> used;
    for (const auto& m : o.maps) used.insert(m.entry.beatmapset_id);
    counts.archives_used += used.size();
  }
  counts.groups_analysed = static_cast<size_t>(a.songs_analyzed);
  counts.pairs = static_cast<size_t>(a.pairs_compared);

  if (opt.checkpoint.empty()) return;
  io::write_json_file(out(out_files::kLatentManifest), latent_manifest_json(all));
  stats::TrackBSummary b = stats::summarize_track_b(merged.track_b, merged.members);
  io::write_json_file(out(out_files::kTrackB), stats::to_json(b));
  stats::SynthesisV1 v1 = stats::summarize_synthesis_v1(merged.beatmaps, b);
  io::write_json_file(out(out_files::kSynthesisV1), stats::to_json(v1, a, b));
  io::write_json_file(out(out_files::kSynthesisV2),
                      stats::to_json(stats::average_synthesis_v2(merged.beatmaps)));
}

}  // namespace cartography::pipeline
