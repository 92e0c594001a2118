#include "pipeline/control_tables.hpp"

#include <string>
#include <vector>

#include "stats/dims.hpp"

namespace cartography::pipeline {
namespace {

constexpr int64_t kDims = stats::kInterpretableCount;

void append_key(std::vector<int64_t>& to, const stats::PairKey& k) {
  to.insert(to.end(), {k.song_group_idx, k.member_a, k.member_b});
}

// A per-dim vector of a record. Its width is kDims by construction (lag_agreement gives one r
// per dim); it is forced to kDims all the same, because a throw here, on rank 0 alone, would
// leave the other ranks waiting in the next collective table.
void append_dims(std::vector<double>& to, std::vector<double> values) {
  values.resize(size_t(kDims), 0.0);
  to.insert(to.end(), values.begin(), values.end());
}

void write_onset(io::RunStore& store, const std::vector<OnsetRecord>& onset) {
  const int64_t n = static_cast<int64_t>(onset.size());
  std::vector<int64_t> keys, counts;
  std::vector<double> f, precision, recall;
  for (const OnsetRecord& o : onset) {
    append_key(keys, o.key);
    counts.insert(counts.end(), {o.matches, o.onsets_a, o.onsets_b});
    f.push_back(o.f);
    precision.push_back(o.precision);
    recall.push_back(o.recall);
  }
  store.table("controls/onset/pairs", {n, 3}, keys);
  store.table("controls/onset/matches_onsets_a_onsets_b", {n, 3}, counts);
  store.table("controls/onset/f_measure", {n}, f);
  store.table("controls/onset/precision", {n}, precision);
  store.table("controls/onset/recall", {n}, recall);
}

void write_lag(io::RunStore& store, const std::vector<LagRecord>& lag) {
  const int64_t n = static_cast<int64_t>(lag.size());
  std::vector<int64_t> keys, best_lag;
  std::vector<double> best_score, zero_score, r_best, r_zero;
  for (const LagRecord& l : lag) {
    append_key(keys, l.key);
    best_lag.push_back(l.best_lag);
    best_score.push_back(l.best_score);
    zero_score.push_back(l.zero_score);
    append_dims(r_best, l.r_best);
    append_dims(r_zero, l.r_zero);
  }
  store.table("controls/lag/pairs", {n, 3}, keys);
  store.table("controls/lag/best_lag_frames", {n}, best_lag);
  store.table("controls/lag/best_score", {n}, best_score);
  store.table("controls/lag/zero_score", {n}, zero_score);
  store.table("controls/lag/r_best", {n, kDims}, r_best);
  store.table("controls/lag/r_zero", {n, kDims}, r_zero);
}

// Undefined values (no spread) are 0 with defined = 0: the file holds no NaN.
void write_reliability(io::RunStore& store, const std::vector<ReliabilityRecord>& songs) {
  const int64_t n = static_cast<int64_t>(songs.size());
  std::vector<int64_t> song, raters_frames, defined;
  std::vector<double> icc, alpha;
  for (const ReliabilityRecord& r : songs) {
    song.push_back(r.song_group_idx);
    raters_frames.insert(raters_frames.end(), {r.raters, r.frames});
    std::vector<controls::DimensionReliability> dims = r.dims;
    dims.resize(size_t(kDims));  // kDims by construction; see append_dims
    for (const auto& d : dims) {
      icc.push_back(d.icc.value);
      alpha.push_back(d.alpha.value);
      defined.insert(defined.end(), {d.icc.defined ? 1 : 0, d.alpha.defined ? 1 : 0});
    }
  }
  store.table("controls/reliability/song_group_idx", {n}, song);
  store.table("controls/reliability/raters_frames", {n, 2}, raters_frames);
  store.table("controls/reliability/icc", {n, kDims}, icc);
  store.table("controls/reliability/alpha", {n, kDims}, alpha);
  store.table("controls/reliability/defined_icc_alpha", {n, kDims, 2}, defined);
}

// Each random encoder's Track B pairs: (song, member a, member b, encoder) and the full cosine.
void write_random(io::RunStore& store, const std::vector<RandomEncoderRecords>& random) {
  std::vector<int64_t> keys;
  std::vector<double> full;
  for (const RandomEncoderRecords& e : random)
    for (const stats::TrackBPair& p : e.track_b) {
      append_key(keys, p.key);
      keys.push_back(e.encoder);
      full.push_back(p.full_cosine);
    }
  const int64_t n = static_cast<int64_t>(full.size());
  store.table("controls/random/track_b_pairs", {n, 4}, keys);
  store.table("controls/random/track_b_full_cosine", {n}, full);
}

}  // namespace

void write_control_tables(io::RunStore& store, const ControlRecords& records) {
  write_onset(store, records.onset);
  write_lag(store, records.lag);
  write_reliability(store, records.reliability);
  write_random(store, records.random);
}

}  // namespace cartography::pipeline
