// Track A: cross-mapper agreement on the 9-dim interpretable encoding (reference step 05).
// Per pair (pure, computed wherever the pair's group lives): per dimension Pearson r, mean
// absolute difference and cosine, plus the frame-wise full cosine. Rank 0 summarises the
// gathered pairs in canonical order (song_group_idx, then member_a, then member_b).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/dims.hpp"
#include "stats/numpy_compat.hpp"
#include "stats/pairs.hpp"
#include "stats/signal_view.hpp"

namespace cartography::stats {

// Frames between the sampled frames of the full (9-vector) cosine.
inline constexpr int64_t kTrackAFrameStride = 10;

struct DimAgreement {
  double pearson = 0.0;
  double mad = 0.0;     // mean absolute difference
  double cosine = 0.0;
};

// One compared pair: what the pipeline gathers to rank 0 (fixed size, trivially serialisable).
struct TrackAPair {
  PairKey key;
  int64_t n_frames = 0;                                 // frames compared (the group's min L)
  std::array<DimAgreement, kInterpretableCount> dims{};  // kInterpretableDims order
  double full_cosine = 0.0;
};

// Compares a and b (each [9, >= n_frames]) over their first n_frames frames.
TrackAPair track_a_pair(const PairKey& key, EncodingView a, EncodingView b, int64_t n_frames);

struct TrackADimSummary {
  std::string name;
  MeanStd pearson, mad, cosine;
  int64_t n_pairs = 0;
  Agreement agreement = Agreement::Mixed;  // from pearson.mean (not part of the JSON)
};

struct TrackASummary {
  std::vector<TrackADimSummary> dims;  // kInterpretableDims order; empty when there is no pair
  std::optional<MeanStd> full_cosine;  // none when there is no pair (JSON null, as the reference)
  int64_t songs_analyzed = 0;          // groups with at least one pair
  int64_t pairs_compared = 0;
};

// Summarises pairs given in canonical order (checked: throws std::invalid_argument otherwise).
TrackASummary summarize_track_a(std::span<const TrackAPair> pairs);

// track_a_results.json, keys and nesting as the reference.
nlohmann::ordered_json to_json(const TrackASummary& summary);

}  // namespace cartography::stats
