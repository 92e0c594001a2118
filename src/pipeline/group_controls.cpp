#include "pipeline/group_controls.hpp"

#include <algorithm>
#include <numeric>
#include <set>

#include "controls/lag.hpp"
#include "controls/onset.hpp"
#include "controls/rng.hpp"
#include "encode/frame_grid.hpp"
#include "pipeline/group_statistics.hpp"

namespace cartography::pipeline {
namespace {

// The hit objects inside the compared frames [0, frames): a pair is compared over its song's
// shortest member, for onsets as for the signals.
std::vector<double> onsets_within(std::span<const double> onset_ms, int64_t frames) {
  const double end_ms = encode::frame_time_ms(frames);
  std::vector<double> out;
  for (double t : onset_ms)
    if (t < end_ms) out.push_back(t);
  return out;
}

OnsetRecord onset_record(const stats::PairKey& key, const ControlMember& a, const ControlMember& b, int64_t n) {
  const std::vector<double> ta = onsets_within(a.onset_ms, n), tb = onsets_within(b.onset_ms, n);
  const controls::OnsetScore s = controls::onset_f_measure(ta, tb, kOnsetWindowMs);
  return {key, s.f, s.precision, s.recall, s.matches, int64_t(ta.size()), int64_t(tb.size())};
}

LagRecord lag_record(const stats::PairKey& key, const ControlMember& a, const ControlMember& b, int64_t n) {
  const controls::LagAgreement l = controls::lag_agreement(a.encoding.prefix(n), b.encoding.prefix(n),
                                                           controls::frames_covering_ms(kMaxLagMs));
  return {key, l.best_lag, l.best_score, l.zero_score, l.r_best, l.r_zero};
}

// Songs with >= 3 creators: one rater per creator, its first member in manifest order.
std::optional<ReliabilityRecord> reliability_record(int64_t idx, const std::vector<ControlMember>& members,
                                                    int64_t n) {
  std::set<std::string> seen;
  std::vector<stats::EncodingView> raters;
  for (const ControlMember& m : members)
    if (seen.insert(m.creator).second) raters.push_back(m.encoding);
  if (raters.size() < 3) return std::nullopt;
  return ReliabilityRecord{idx, int64_t(raters.size()), n, controls::per_dimension_reliability(raters, n)};
}

// Random encoder k's Track B records and synthesis v1 maps, by the trained model's functions.
RandomEncoderRecords random_encoder_records(int64_t idx, const std::vector<ControlMember>& members,
                                            const std::vector<std::string>& creators, int64_t k) {
  RandomEncoderRecords out;
  out.song_group_idx = idx;
  out.encoder = k;
  std::vector<stats::LatentView> latents;
  for (const ControlMember& m : members) {
    const auto& z = m.random[size_t(k)];
    if (z) latents.push_back(*z);
    // Only the v1 map the control compares (the v2 maps and the raw coupling would be the
    // trained model's work again, unused).
    if (z) out.beatmaps.push_back({stats::upsampled_correlation(m.encoding, *z), std::nullopt, {}});
  }
  if (latents.size() != members.size()) return out;  // as the trained model: Track B needs every latent
  GroupRecords b = track_b_records(idx, creators, latents);
  out.track_b = std::move(b.track_b);
  out.members = std::move(b.members);
  return out;
}

}  // namespace

ControlRecords group_controls(int64_t idx, const std::vector<ControlMember>& members, int64_t random_encoders) {
  ControlRecords out;
  std::vector<std::string> creators;
  std::vector<int64_t> lengths;
  for (const ControlMember& m : members) {
    creators.push_back(m.creator);
    lengths.push_back(m.encoding.length);
  }
  if (stats::distinct_creators(creators) < 2) return out;
  const int64_t n = stats::common_length(lengths);
  for (const stats::PairKey& key : stats::enumerate_pairs(idx, creators)) {
    const ControlMember& a = members[size_t(key.member_a)];
    const ControlMember& b = members[size_t(key.member_b)];
    out.onset.push_back(onset_record(key, a, b, n));
    out.lag.push_back(lag_record(key, a, b, n));
  }
  if (auto r = reliability_record(idx, members, n)) out.reliability.push_back(std::move(*r));
  for (int64_t k = 0; k < random_encoders; ++k) out.random.push_back(random_encoder_records(idx, members, creators, k));
  return out;
}

std::vector<uint8_t> choose_control_songs(size_t groups, int64_t limit, uint64_t seed) {
  std::vector<uint8_t> chosen(groups, 0);
  std::vector<std::pair<uint64_t, size_t>> order;
  for (size_t g = 0; g < groups; ++g) order.push_back({controls::derive_seed(seed, {int64_t(g)}), g});
  const size_t take = std::min(groups, static_cast<size_t>(std::max<int64_t>(limit, 0)));
  std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(take), order.end());
  for (size_t i = 0; i < take; ++i) chosen[order[i].second] = 1;
  return chosen;
}

uint64_t random_encoder_seed(uint64_t seed, int64_t k) { return controls::derive_seed(seed, {-1, k}); }

}  // namespace cartography::pipeline
