// Track B: cross-mapper agreement in the VAE latent space (reference step 07).
// Per pair (pure): per latent dimension Pearson r and cosine, plus the full cosine over frames
// with stride max(1, n // 100). Per member (pure): the time-mean of every latent dimension over
// the group's common length, in float32 as the reference. Per song: the between-creator
// variance. Rank 0 summarises pairs and members gathered in canonical order.
#pragma once

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

// A group whose shortest latent has fewer frames than this is skipped (no pairs, no variance).
inline constexpr int64_t kTrackBMinFrames = 2;

// Frames between the sampled frames of the full latent cosine: max(1, n_frames // 100).
int64_t track_b_frame_stride(int64_t n_frames);

struct LatentDimAgreement {
  double pearson = 0.0;
  double cosine = 0.0;
};

struct TrackBPair {
  PairKey key;
  int64_t n_frames = 0;
  std::vector<LatentDimAgreement> dims;  // one per latent dimension
  double full_cosine = 0.0;
};

// Compares latents a and b ([D, >= n_frames]) over their first n_frames frames.
TrackBPair track_b_pair(const PairKey& key, LatentView a, LatentView b, int64_t n_frames);

// One member of an analysed group: what the between-creator variance needs from its latent.
struct TrackBMember {
  int64_t song_group_idx = 0;
  int64_t member = 0;           // position in the group's manifest-ordered members
  std::string creator;
  std::vector<float> time_means;  // per latent dim: float32 mean of z_d[:n_frames]
};

TrackBMember track_b_member(int64_t song_group_idx, int64_t member, std::string creator,
                            LatentView z, int64_t n_frames);

// One song's between-creator variance per latent dim (float32, as the reference): the population
// variance over creators (first-appearance order) of the mean of that creator's time-means.
std::vector<float> between_creator_variance(std::span<const TrackBMember> song_members);

struct TrackBDimSummary {
  int64_t dim = 0;
  MeanStd pearson, cosine;
  double between_var_mean = 0.0;  // float32 mean over songs, widened
  int64_t n_pairs = 0;
  Agreement agreement = Agreement::Mixed;
};

struct TrackBTaxonomy {
  int64_t perceptual = 0, mixed = 0, stylistic = 0;
};

struct TrackBSummary {
  std::vector<TrackBDimSummary> dims;  // by latent index; empty when there is no pair
  std::vector<size_t> ranking;         // indices into dims, mean Pearson descending (stable)
  std::optional<MeanStd> full_cosine;  // none without pairs (JSON null)
  int64_t songs_analyzed = 0;
  int64_t pairs_compared = 0;
  TrackBTaxonomy taxonomy;
};

// pairs and members in canonical order (checked). members: every member of every analysed
// group (same-creator members included: they count in their creator's mean), computed with the
// group's common length. Members of songs without pairs are ignored; a song with pairs must
// have its members. Per-dim statistics cover all D latent rows (the reference loops over 32).
TrackBSummary summarize_track_b(std::span<const TrackBPair> pairs,
                                std::span<const TrackBMember> members);

// track_b_results.json, keys and nesting as the reference.
nlohmann::ordered_json to_json(const TrackBSummary& summary);

}  // namespace cartography::stats
