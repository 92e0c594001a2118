// The scientific controls of one song group (issue 13), computed on the rank that owns it, next
// to its statistics records (group_statistics.hpp) and with the same pair selection and common
// length: per real pair the onset F-measure of the two charts' hit objects (±50 ms) and the
// lag-tolerant agreement of their 9-dim signals (±17 frames ≈ ±100 ms); per song with >= 3
// creators ICC(2,1) and Krippendorff's α (interval) per dimension; and, where the random-encoder
// control runs, the Track B pairs, members and synthesis maps of each random-weight encoder,
// built by the same functions as the trained model's. Plain C++ (no MPI); the math is
// src/controls. Rank 0 summarises the records (controls_outputs.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "controls/reliability.hpp"
#include "stats/pairs.hpp"
#include "stats/signal_view.hpp"
#include "stats/synthesis.hpp"
#include "stats/track_b.hpp"

namespace cartography::pipeline {

inline constexpr double kOnsetWindowMs = 50.0;  // mir_eval's default onset window
inline constexpr double kMaxLagMs = 100.0;      // lags up to ±100 ms (17 frames)

// One real pair's onset agreement: member_a's hit objects are the reference, member_b's the
// estimate (the F-measure is symmetric; precision and recall swap).
struct OnsetRecord {
  stats::PairKey key;
  double f = 0, precision = 0, recall = 0;
  int64_t matches = 0, onsets_a = 0, onsets_b = 0;  // onsets within the compared frames
};

// One real pair's lag-tolerant agreement over the 9 dims (controls::lag_agreement).
struct LagRecord {
  stats::PairKey key;
  int64_t best_lag = 0;  // frames; > 0: member_b's events come later
  double best_score = 0, zero_score = 0;
  std::vector<double> r_best, r_zero;  // per dim
};

// ICC(2,1) and α of one song with >= 3 creators: raters = the first member of each creator.
struct ReliabilityRecord {
  int64_t song_group_idx = 0;
  int64_t raters = 0, frames = 0;
  std::vector<controls::DimensionReliability> dims;  // per interpretable dim
};

// One random-weight encoder's records of a group (encoder = 0 .. control_seeds-1).
struct RandomEncoderRecords {
  int64_t song_group_idx = 0;
  int64_t encoder = 0;
  std::vector<stats::TrackBPair> track_b;
  std::vector<stats::TrackBMember> members;
  std::vector<stats::BeatmapSynthesis> beatmaps;  // manifest order, maps with that latent; v1 only
};

struct ControlRecords {
  std::vector<OnsetRecord> onset;
  std::vector<LagRecord> lag;
  std::vector<ReliabilityRecord> reliability;
  std::vector<RandomEncoderRecords> random;  // per group, encoders in order; groups concatenated

  void append(ControlRecords&& other);
};

// One encoded representative as the controls see it.
struct ControlMember {
  std::string creator;
  stats::EncodingView encoding;
  std::span<const double> onset_ms;
  std::vector<std::optional<stats::LatentView>> random;  // per random encoder (empty: not run)
};

// Every control record of the group (empty when it has < 2 distinct creators). random_encoders:
// how many random encoders ran on this group (0: the control does not cover it).
ControlRecords group_controls(int64_t song_group_idx, const std::vector<ControlMember>& members,
                              int64_t random_encoders);

// The songs the random-encoder control covers: the `limit` indices of [0, groups) whose
// controls::derive_seed(seed, {idx}) is smallest (all when groups <= limit); flag per index.
// The same on every rank and independent of which rank owns which group.
std::vector<uint8_t> choose_control_songs(size_t groups, int64_t limit, uint64_t seed);

// The weight seed of random encoder k: controls::derive_seed(seed, {-1, k}) (a stream apart
// from the song choice's).
uint64_t random_encoder_seed(uint64_t seed, int64_t k);

}  // namespace cartography::pipeline
