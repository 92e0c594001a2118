#include "pipeline/controls_outputs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

#include "controls/lag.hpp"
#include "pipeline/group_controls.hpp"
#include "pipeline/out_dir.hpp"
#include "stats/dims.hpp"

namespace cartography::pipeline {
namespace {

std::string dim_name(size_t d) { return std::string(stats::kInterpretableDims[d]); }

}  // namespace

std::vector<int64_t> beatmap_songs(const std::vector<GroupOutcome>& outcomes, size_t beatmaps) {
  std::vector<int64_t> songs;
  for (const GroupOutcome& o : outcomes) songs.insert(songs.end(), o.maps.size(), o.song_group_idx);
  if (songs.size() != beatmaps)
    throw std::logic_error("controls: " + std::to_string(beatmaps) + " synthesis records for " +
                           std::to_string(songs.size()) + " encoded maps");
  return songs;
}

IntervalSpec interval_spec(const RunOptions& opt) { return {opt.bootstrap, opt.ci_level, opt.seed}; }

io::Json agreement_json(const ControlRecords& c, const IntervalSpec& spec) {
  SongStats s;
  const size_t f = s.stat("onset.f"), p = s.stat("onset.precision"), r = s.stat("onset.recall");
  int64_t with_empty = 0;
  std::set<int64_t> songs;
  for (const OnsetRecord& o : c.onset) {
    s.add(f, o.key.song_group_idx, o.f);
    s.add(p, o.key.song_group_idx, o.precision);
    s.add(r, o.key.song_group_idx, o.recall);
    with_empty += (o.onsets_a == 0 || o.onsets_b == 0);
    songs.insert(o.key.song_group_idx);
  }
  std::vector<size_t> icc, alpha;
  std::vector<int64_t> icc_songs(stats::kInterpretableCount), alpha_songs(stats::kInterpretableCount);
  for (size_t d = 0; d < size_t(stats::kInterpretableCount); ++d) {
    icc.push_back(s.stat("icc." + dim_name(d)));
    alpha.push_back(s.stat("alpha." + dim_name(d)));
  }
  for (const ReliabilityRecord& rec : c.reliability)
    for (size_t d = 0; d < rec.dims.size() && d < icc.size(); ++d) {
      if (rec.dims[d].icc.defined) s.add(icc[d], rec.song_group_idx, rec.dims[d].icc.value), ++icc_songs[d];
      if (rec.dims[d].alpha.defined) s.add(alpha[d], rec.song_group_idx, rec.dims[d].alpha.value), ++alpha_songs[d];
    }
  const auto iv = s.intervals(spec);
  io::Json dims = io::Json::array();
  for (size_t d = 0; d < icc.size(); ++d)
    dims.push_back({{"name", dim_name(d)},
                    {"icc_2_1", {{"mean_over_songs", interval_json(iv[icc[d]], spec)}, {"songs", icc_songs[d]}}},
                    {"krippendorff_alpha",
                     {{"mean_over_songs", interval_json(iv[alpha[d]], spec)}, {"songs", alpha_songs[d]}}}});
  return {{"intervals", interval_spec_json(spec)},
          {"onset_f_measure",
           {{"window_ms", kOnsetWindowMs},
            {"pairs", c.onset.size()},
            {"songs", songs.size()},
            {"pairs_with_an_empty_chart", with_empty},
            {"f", interval_json(iv[f], spec)},
            {"precision", interval_json(iv[p], spec)},
            {"recall", interval_json(iv[r], spec)}}},
          {"reliability", {{"songs", c.reliability.size()}, {"dims", dims}}}};
}

io::Json lag_json(const ControlRecords& c, const IntervalSpec& spec) {
  SongStats s;
  std::vector<size_t> zero, best;
  for (size_t d = 0; d < size_t(stats::kInterpretableCount); ++d) {
    zero.push_back(s.stat("r_zero." + dim_name(d)));
    best.push_back(s.stat("r_best." + dim_name(d)));
  }
  const size_t score_zero = s.stat("score_zero"), score_best = s.stat("score_best"), abs_lag = s.stat("abs_lag_ms");
  std::map<int64_t, std::vector<double>> lags;  // per song, its pairs' best lags (frames)
  int64_t at_zero = 0;
  for (const LagRecord& l : c.lag) {
    const int64_t song = l.key.song_group_idx;
    for (size_t d = 0; d < zero.size() && d < l.r_zero.size() && d < l.r_best.size(); ++d) {
      s.add(zero[d], song, l.r_zero[d]);
      s.add(best[d], song, l.r_best[d]);
    }
    s.add(score_zero, song, l.zero_score);
    s.add(score_best, song, l.best_score);
    s.add(abs_lag, song, std::fabs(double(l.best_lag)) * controls::kFrameMs);
    lags[song].push_back(double(l.best_lag));
    at_zero += l.best_lag == 0;
  }
  const auto iv = s.intervals(spec);
  io::Json dims = io::Json::array();
  for (size_t d = 0; d < zero.size(); ++d)
    dims.push_back({{"name", dim_name(d)},
                    {"r_zero_lag", interval_json(iv[zero[d]], spec)},
                    {"r_best_lag", interval_json(iv[best[d]], spec)}});
  io::Json songs = io::Json::array();
  for (auto& [song, v] : lags) {
    std::sort(v.begin(), v.end());
    io::Json hist = io::Json::array();
    for (size_t i = 0; i < v.size();) {
      size_t j = i;
      while (j < v.size() && v[j] == v[i]) ++j;
      hist.push_back({int64_t(v[i]), j - i});
      i = j;
    }
    songs.push_back({{"song_group_idx", song},
                     {"pairs", v.size()},
                     {"median_lag_frames", controls::linear_quantile(v, 0.5)},
                     {"lag_counts", hist}});
  }
  return {{"intervals", interval_spec_json(spec)},
          {"frame_ms", controls::kFrameMs},
          {"max_lag_frames", controls::frames_covering_ms(kMaxLagMs)},
          {"pairs", c.lag.size()},
          {"pairs_best_at_zero_lag", at_zero},
          {"score_zero_lag", interval_json(iv[score_zero], spec)},
          {"score_best_lag", interval_json(iv[score_best], spec)},
          {"abs_best_lag_ms", interval_json(iv[abs_lag], spec)},
          {"dims", dims},
          {"songs", songs}};
}

io::Json bootstrap_ci_json(const std::vector<GroupOutcome>& outcomes, const GroupRecords& merged,
                           const IntervalSpec& spec) {
  SongStats s;
  const char* parts[] = {"pearson", "mad", "cosine"};
  std::vector<size_t> a_dims;  // [dim][part]
  for (size_t d = 0; d < size_t(stats::kInterpretableCount); ++d)
    for (const char* part : parts) a_dims.push_back(s.stat("track_a." + dim_name(d) + "." + part));
  const size_t a_full = s.stat("track_a.full_cosine");
  for (const stats::TrackAPair& p : merged.track_a) {
    const int64_t song = p.key.song_group_idx;
    for (size_t d = 0; d < p.dims.size(); ++d) {
      s.add(a_dims[d * 3], song, p.dims[d].pearson);
      s.add(a_dims[d * 3 + 1], song, p.dims[d].mad);
      s.add(a_dims[d * 3 + 2], song, p.dims[d].cosine);
    }
    s.add(a_full, song, p.full_cosine);
  }
  const size_t latent_dims = merged.track_b.empty() ? 0 : merged.track_b.front().dims.size();
  std::vector<size_t> b_dims;  // [dim][pearson, cosine]
  for (size_t d = 0; d < latent_dims; ++d) {
    b_dims.push_back(s.stat("track_b." + std::to_string(d) + ".pearson"));
    b_dims.push_back(s.stat("track_b." + std::to_string(d) + ".cosine"));
  }
  const size_t b_full = s.stat("track_b.full_cosine");
  for (const stats::TrackBPair& p : merged.track_b) {
    for (size_t d = 0; d < p.dims.size() && d < latent_dims; ++d) {
      s.add(b_dims[d * 2], p.key.song_group_idx, p.dims[d].pearson);
      s.add(b_dims[d * 2 + 1], p.key.song_group_idx, p.dims[d].cosine);
    }
    s.add(b_full, p.key.song_group_idx, p.full_cosine);
  }
  // Synthesis v1: the [D, 9] correlation averaged over the beatmaps with an upsampled map.
  const std::vector<int64_t> songs = beatmap_songs(outcomes, merged.beatmaps.size());
  int64_t rows = 0;
  for (const auto& b : merged.beatmaps)
    if (b.upsampled) rows = std::max(rows, b.upsampled->rows);
  const size_t cols = size_t(stats::kInterpretableCount);
  std::vector<size_t> cells;
  for (int64_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) cells.push_back(s.stat("synthesis_v1." + std::to_string(r) + "." + dim_name(c)));
  for (size_t i = 0; i < merged.beatmaps.size(); ++i) {
    const auto& up = merged.beatmaps[i].upsampled;
    if (!up || up->rows != rows) continue;
    for (size_t k = 0; k < cells.size(); ++k) s.add(cells[k], songs[i], up->values[k]);
  }
  const auto iv = s.intervals(spec);

  io::Json a = io::Json::array();
  for (size_t d = 0; d < size_t(stats::kInterpretableCount); ++d) {
    io::Json row = {{"name", dim_name(d)}};
    for (size_t k = 0; k < 3; ++k) row[parts[k]] = interval_json(iv[a_dims[d * 3 + k]], spec);
    a.push_back(row);
  }
  io::Json b = io::Json::array();
  for (size_t d = 0; d < latent_dims; ++d)
    b.push_back({{"dim", d},
                 {"pearson", interval_json(iv[b_dims[d * 2]], spec)},
                 {"cosine", interval_json(iv[b_dims[d * 2 + 1]], spec)}});
  io::Json synthesis = io::Json::array();
  for (int64_t r = 0; r < rows; ++r) {
    io::Json row = io::Json::array();
    for (size_t c = 0; c < cols; ++c) row.push_back(interval_json(iv[cells[size_t(r) * cols + c]], spec));
    synthesis.push_back(row);
  }
  return {{"intervals", interval_spec_json(spec)},
          {"track_a", {{"pairs", merged.track_a.size()}, {"dims", a}, {"full_cosine", interval_json(iv[a_full], spec)}}},
          {"track_b", {{"pairs", merged.track_b.size()}, {"dims", b}, {"full_cosine", interval_json(iv[b_full], spec)}}},
          {"synthesis_v1", {{"interpretable_dims", stats::interpretable_names_json()}, {"correlation", synthesis}}}};
}

}  // namespace cartography::pipeline

namespace cartography::pipeline {

void write_controls_outputs(const RunOptions& opt, const std::vector<GroupOutcome>& outcomes,
                            const GroupRecords& merged) {
  if (!opt.controls) return;
  const IntervalSpec spec = interval_spec(opt);
  const auto out = [&](const std::string& file) { return opt.out_dir + "/" + file; };
  io::write_json_file(out(out_files::kControlsAgreement), agreement_json(merged.controls, spec));
  io::write_json_file(out(out_files::kControlsLag), lag_json(merged.controls, spec));
  io::write_json_file(out(out_files::kControlsBootstrap), bootstrap_ci_json(outcomes, merged, spec));
  if (opt.checkpoint.empty()) return;
  const io::Json random = random_encoder_json(outcomes, merged, opt.control_seeds, spec);
  io::write_json_file(out(out_files::kControlsRandomEncoder), random);
  std::fputs(random_encoder_verdict(random).c_str(), stdout);
}

void write_null_baseline(const RunOptions& opt, const GroupRecords& merged, const NullRecords& nulls) {
  if (!opt.controls) return;
  io::write_json_file(opt.out_dir + "/" + out_files::kControlsNullBaseline,
                      null_baseline_json(merged, nulls, interval_spec(opt)));
}

}  // namespace cartography::pipeline
