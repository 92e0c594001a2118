// Synthesis v2, the schema of the published reference_results/synthesis.json ("fix1/2/3").
// The code that produced it is not public; what is reproduced here was inferred from that file
// and checked against every number in it (tests/stats: published_synthesis_test):
//  fix1  the latent map with the encoding averaged per 18-frame chunk ("downsampled") next to
//        the v1 map ("upsampled"); mean |r| of each; inflation = |up| - |down| per cell, its
//        mean, median, max, and inflation_pct = (mean|up| - mean|down|) / mean|down| * 100.
//  fix2  the 9 x 9 correlation of the raw encodings averaged over beatmaps (per cell, over the
//        beatmaps where both rows vary: the published diagonal is exactly 1); per pair of
//        interpretable dims the polarity test on the downsampled map: over latent rows, count
//        rows where both correlations have the same sign, p = P(X >= same | Bin(valid, 1/2)).
//        strong_raw_pairs: |raw coupling| > 0.3 (the published list fits any cut in 0.24..0.37).
//  fix3  the same with rows where any |r| < 0.05 excluded; all triplets (p0 = 1/4), the 10 with
//        the smallest p (stable in combination order); SLIDE+SUSTAIN+WHISTLE on its own.
// Ours: a row whose correlation is exactly 0 has no sign; it is not counted as valid (the
// published data has none).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/matrix.hpp"
#include "stats/synthesis.hpp"

namespace cartography::stats {

inline constexpr double kSignThreshold = 0.05;   // fix3: |r| below this has no reliable sign
inline constexpr double kStrongCoupling = 0.3;   // fix2: strong raw coupling
inline constexpr double kSignificance = 0.05;    // fix3: sig_pairs_* count p below this
inline constexpr size_t kTopTriplets = 10;

// The averaged maps the v2 summary is made of.
struct SynthesisV2Maps {
  Matrix downsampled;           // [D, 9]
  Matrix upsampled;             // [D, 9], the v1 map
  Matrix raw;                   // 9 x 9
  int64_t n_beatmaps_used = 0;  // beatmaps with a latent (downsampled maps)
  int64_t n_beatmaps_9x9 = 0;   // beatmaps with an encoding
};

// Averages the per-beatmap records, given in manifest order.
SynthesisV2Maps average_synthesis_v2(std::span<const BeatmapSynthesis> beatmaps);

struct PolarityTest {
  int64_t same_count = 0;
  int64_t valid_rows = 0;
  int64_t excluded = 0;
  double p_value = 1.0;
};

// Sign agreement of the given columns over the rows of m. A row is valid when each of its
// values is non-zero with |r| >= threshold; it counts as same when all values share a sign.
// p = P(X >= same) for X ~ Binomial(valid, 2^(1 - columns)): chance that k signs agree.
PolarityTest polarity_test(const Matrix& m, std::span<const int64_t> columns, double threshold);

// synthesis_v2.json, keys and nesting as the published synthesis.json.
nlohmann::ordered_json to_json(const SynthesisV2Maps& maps);

}  // namespace cartography::stats
