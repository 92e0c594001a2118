// Synthesis: what each latent dimension encodes, as correlations between latent rows and the
// 9 interpretable rows of the same beatmap (reference step 08 = v1; the published v2 "fix1/2/3"
// is in synthesis_v2.hpp). Per beatmap (pure): every correlation map the summaries need, in one
// record; rank 0 averages the records gathered in manifest order.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/matrix.hpp"
#include "stats/signal_view.hpp"
#include "stats/track_a.hpp"
#include "stats/track_b.hpp"

namespace cartography::stats {

// 9 x 9 Pearson r between the rows of one encoding. A cell is valid when both rows have spread
// (numpy gives NaN otherwise, and NaN cells are left out of the average).
struct RawCoupling {
  Matrix r;                    // 9 x 9, r(i, j) in numpy's corrcoef rounding
  std::vector<uint8_t> valid;  // 81 flags, row-major
};

// Everything the synthesis needs from one beatmap.
struct BeatmapSynthesis {
  // v1: latent frames repeated 18 times and cut to L; [D, 9]. None without a latent, and when
  // the reference skips the beatmap (a latent too short to cover L: numpy raises on the length
  // mismatch as soon as a correlation is attempted).
  std::optional<Matrix> upsampled;
  // v2 fix1: the encoding averaged over each 18-frame chunk, against the full latent; [D, 9].
  // None without a latent.
  std::optional<Matrix> downsampled;
  // v2 fix2, for every beatmap with an encoding (latent or not).
  RawCoupling raw;
};

// z is absent for a beatmap without a latent encoding. x must have 9 rows.
BeatmapSynthesis synthesis_beatmap(EncodingView x, std::optional<LatentView> z);

// The pieces, for callers that need only one.
std::optional<Matrix> upsampled_correlation(EncodingView x, LatentView z);
Matrix downsampled_correlation(EncodingView x, LatentView z);
RawCoupling raw_coupling(EncodingView x);

struct TaxonomyEntry {
  int64_t dim = 0;
  Agreement category = Agreement::Mixed;
  double cross_mapper_pearson = 0.0;
  std::vector<std::pair<int64_t, double>> top;  // 3 interpretable dims by |r| (index, r)
};

struct SynthesisV1 {
  Matrix correlation;  // [D, 9] average over the beatmaps with an upsampled map
  int64_t n_beatmaps_used = 0;
  std::vector<TaxonomyEntry> taxonomy;  // Track B ranking order
};

// Averages the records (manifest order) and builds the taxonomy from Track B's ranking.
SynthesisV1 summarize_synthesis_v1(std::span<const BeatmapSynthesis> beatmaps,
                                   const TrackBSummary& track_b);

// The 3 interpretable dims with the largest |r| in one latent row. Ties as the reference's
// np.argsort(|r|)[::-1] on 9 values (a stable sort, reversed): the higher index first.
std::vector<std::pair<int64_t, double>> top_correlations(std::span<const double> row, size_t n);

// ["ONSET", ..., "Y"]
nlohmann::ordered_json interpretable_names_json();

// synthesis_results.json, keys and nesting as the reference.
nlohmann::ordered_json to_json(const SynthesisV1& v1, const TrackASummary& track_a,
                               const TrackBSummary& track_b);

}  // namespace cartography::stats
