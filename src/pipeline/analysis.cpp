#include "pipeline/analysis.hpp"

#include <chrono>
#include <cmath>
#include <set>

#include "catalog/registry.hpp"
#include "pipeline/controls_outputs.hpp"
#include "pipeline/group_controls.hpp"
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

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Each random encoder's latent of every map of a covered group (a failure leaves that map
// without it, with the reason: the control, not the results, loses the map).
void encode_random_latents(AnalysisInputs& in, GroupOutcome& o) {
  for (EncodedMap& m : o.maps) {
    m.random_latents.assign(in.random_latents.size(), {});
    for (size_t k = 0; k < in.random_latents.size(); ++k)
      if (auto why = in.random_latents[k]->encode_into(m, m.random_latents[k]))
        o.skips.push_back({"control", m.entry.osu_path, "random encoder " + std::to_string(k) + ": " + *why});
  }
}

ControlRecords control_records(const GroupOutcome& o, int64_t random_encoders) {
  std::vector<ControlMember> members;
  for (const EncodedMap& m : o.maps) {
    ControlMember c{m.entry.creator.value_or(""), stats::EncodingView(m.signal.data(), 9, m.frames), m.onset_ms, {}};
    for (int64_t k = 0; k < random_encoders; ++k) {
      const std::vector<float>& z = m.random_latents[size_t(k)];
      if (z.empty() || m.latent_dims <= 0) c.random.push_back(std::nullopt);
      else c.random.push_back(stats::LatentView(z.data(), m.latent_dims, int64_t(z.size()) / m.latent_dims));
    }
    members.push_back(std::move(c));
  }
  return group_controls(o.song_group_idx, members, random_encoders);
}

bool has_non_finite(const io::Json& j) {
  if (j.is_number_float()) return !std::isfinite(j.get<double>());
  if (j.is_array() || j.is_object())
    for (const auto& v : j)
      if (has_non_finite(v)) return true;
  return false;
}

}  // namespace

AnalysisInputs prepare_analysis(const RunOptions& opt, int threads, size_t groups) {
  AnalysisInputs in;
  in.controls = opt.controls;
  if (opt.checkpoint.empty()) return in;
  in.latent = LatentStage::open(opt, threads);
  if (!opt.controls || opt.control_songs == 0) return in;
  for (int64_t k = 0; k < opt.control_seeds; ++k)
    in.random_latents.push_back(LatentStage::open(opt, threads, random_encoder_seed(opt.seed, k)));
  in.random_control_songs = choose_control_songs(groups, opt.control_songs, opt.seed);
  return in;
}

io::Json analyse_group(AnalysisInputs& in, GroupOutcome& o, GroupTimings& timings) {
  if (in.latent) {
    auto t0 = Clock::now();
    for (EncodedMap& m : o.maps) in.latent->encode(m, o.skips);
    timings.latent_s += seconds_since(t0);
  }
  GroupRecords main = group_records(o);
  if (in.controls) {
    auto t0 = Clock::now();
    const bool random = in.random_control(o.song_group_idx);
    if (random) encode_random_latents(in, o);
    main.controls = control_records(o, random ? int64_t(in.random_latents.size()) : 0);
    for (EncodedMap& m : o.maps) m.random_latents.clear();  // only their records are kept
    timings.controls_s += seconds_since(t0);
  }
  io::Json records = records_to_json(main);
  if (has_non_finite(records["controls"])) {
    // The controls' measures are finite by construction (an undefined one is flagged, 0); should
    // one not be, the group keeps its results and loses only its control records.
    o.warnings.push_back("song group " + std::to_string(o.song_group_idx) +
                         ": a control statistic is not finite; the group's control records are left out");
    main.controls = ControlRecords{};
    records = records_to_json(main);
  }
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

  write_controls_outputs(opt, all, merged);
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
