#include "stats/synthesis.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "stats/dims.hpp"
#include "stats/numpy_compat.hpp"
#include "stats/similarity.hpp"

namespace cartography::stats {
namespace {

void require_interpretable(EncodingView x) {
  if (x.dims != kInterpretableCount)
    throw std::invalid_argument("synthesis: the encoding must have 9 rows");
}

std::vector<CenteredSignal> center_rows(EncodingView x) {
  std::vector<CenteredSignal> rows;
  for (int64_t d = 0; d < x.dims; ++d) rows.emplace_back(x.row(d));
  return rows;
}

// np.repeat(z, 18)[:length]: every latent frame held for the 18 frames it summarises.
std::vector<float> repeat_frames(std::span<const float> z, int64_t length) {
  std::vector<float> out(static_cast<size_t>(length));
  for (int64_t t = 0; t < length; ++t) out[size_t(t)] = z[size_t(t / kLatentChunk)];
  return out;
}

bool any_spread(const std::vector<CenteredSignal>& rows) {
  return std::any_of(rows.begin(), rows.end(), [](const auto& r) { return r.has_spread(); });
}

std::optional<Matrix> upsampled_from(const std::vector<CenteredSignal>& x_rows, int64_t length,
                                     LatentView z) {
  const int64_t covered = std::min(kLatentChunk * z.length, length);
  Matrix m = Matrix::zeros(z.dims, kInterpretableCount);
  for (int64_t zi = 0; zi < z.dims; ++zi) {
    const CenteredSignal z_row(std::span<const float>(repeat_frames(z.row(zi), covered)));
    if (covered < length) {
      // The reference's first attempted correlation raises (lengths differ): beatmap skipped.
      if (z_row.has_spread() && covered >= 2 && any_spread(x_rows)) return std::nullopt;
      continue;
    }
    for (int64_t di = 0; di < kInterpretableCount; ++di)
      m.at(zi, di) = pearson(z_row, x_rows[size_t(di)]);
  }
  return m;
}

// Row d of x averaged over each 18-frame chunk, one value per latent frame; none when a chunk
// lies past the end (numpy's mean of an empty slice is NaN, and the reference then skips every
// correlation with that row).
std::optional<CenteredSignal> chunk_means(EncodingView x, int64_t d, int64_t n_chunks) {
  std::vector<double> means(static_cast<size_t>(n_chunks));
  for (int64_t t = 0; t < n_chunks; ++t) {
    const int64_t start = t * kLatentChunk;
    if (start >= x.length) return std::nullopt;
    const int64_t end = std::min(start + kLatentChunk, x.length);
    means[size_t(t)] = np::mean(x.row(d).subspan(size_t(start), size_t(end - start)));
  }
  return CenteredSignal(std::span<const double>(means));
}

RawCoupling raw_from(const std::vector<CenteredSignal>& rows) {
  RawCoupling out{Matrix::zeros(kInterpretableCount, kInterpretableCount),
                  std::vector<uint8_t>(size_t(kInterpretableCount * kInterpretableCount), 0)};
  for (int64_t i = 0; i < kInterpretableCount; ++i) {
    for (int64_t j = 0; j < kInterpretableCount; ++j) {
      const auto& a = rows[size_t(i)];
      const auto& b = rows[size_t(j)];
      out.r.at(i, j) = pearson(a, b);
      out.valid[size_t(i * kInterpretableCount + j)] =
          a.size() >= 2 && a.has_spread() && b.has_spread();
    }
  }
  return out;
}

}  // namespace

std::optional<Matrix> upsampled_correlation(EncodingView x, LatentView z) {
  require_interpretable(x);
  return upsampled_from(center_rows(x), x.length, z);
}

Matrix downsampled_correlation(EncodingView x, LatentView z) {
  require_interpretable(x);
  std::vector<std::optional<CenteredSignal>> x_rows;
  for (int64_t d = 0; d < kInterpretableCount; ++d) x_rows.push_back(chunk_means(x, d, z.length));
  Matrix m = Matrix::zeros(z.dims, kInterpretableCount);
  for (int64_t zi = 0; zi < z.dims; ++zi) {
    const CenteredSignal z_row(z.row(zi));
    for (int64_t di = 0; di < kInterpretableCount; ++di)
      if (x_rows[size_t(di)]) m.at(zi, di) = pearson(z_row, *x_rows[size_t(di)]);
  }
  return m;
}

RawCoupling raw_coupling(EncodingView x) {
  require_interpretable(x);
  return raw_from(center_rows(x));
}

BeatmapSynthesis synthesis_beatmap(EncodingView x, std::optional<LatentView> z) {
  require_interpretable(x);
  const std::vector<CenteredSignal> rows = center_rows(x);
  BeatmapSynthesis out;
  out.raw = raw_from(rows);
  if (z) {
    out.upsampled = upsampled_from(rows, x.length, *z);
    out.downsampled = downsampled_correlation(x, *z);
  }
  return out;
}

std::vector<std::pair<int64_t, double>> top_correlations(std::span<const double> row, size_t n) {
  std::vector<int64_t> order(row.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return std::fabs(row[size_t(a)]) < std::fabs(row[size_t(b)]);
  });
  std::reverse(order.begin(), order.end());
  std::vector<std::pair<int64_t, double>> top;
  for (size_t k = 0; k < std::min(n, order.size()); ++k)
    top.emplace_back(order[k], row[size_t(order[k])]);
  return top;
}

namespace {

// Latent rows of the map: from the records, else from Track B, else the published model's 32.
int64_t latent_rows(std::span<const BeatmapSynthesis> beatmaps, const TrackBSummary& track_b) {
  for (const auto& b : beatmaps) {
    if (b.upsampled) return b.upsampled->rows;
    if (b.downsampled) return b.downsampled->rows;
  }
  if (!track_b.dims.empty()) return static_cast<int64_t>(track_b.dims.size());
  return 32;
}

}  // namespace

SynthesisV1 summarize_synthesis_v1(std::span<const BeatmapSynthesis> beatmaps,
                                   const TrackBSummary& track_b) {
  std::vector<Matrix> maps;
  for (const auto& b : beatmaps)
    if (b.upsampled) maps.push_back(*b.upsampled);
  SynthesisV1 out;
  out.correlation = average_in_order(maps, latent_rows(beatmaps, track_b), kInterpretableCount);
  out.n_beatmaps_used = static_cast<int64_t>(maps.size());
  for (size_t i : track_b.ranking) {
    const auto& dim = track_b.dims[i];
    if (dim.dim >= out.correlation.rows)
      throw std::invalid_argument("synthesis: Track B has more latent dims than the encodings");
    out.taxonomy.push_back({dim.dim, track_b_agreement(dim.pearson.mean), dim.pearson.mean,
                            top_correlations(out.correlation.row(dim.dim), 3)});
  }
  return out;
}

nlohmann::ordered_json interpretable_names_json() {
  nlohmann::ordered_json names = nlohmann::ordered_json::array();
  for (auto n : kInterpretableDims) names.push_back(std::string(n));
  return names;
}

namespace {

nlohmann::ordered_json taxonomy_json(const TaxonomyEntry& t) {
  nlohmann::ordered_json top = nlohmann::ordered_json::array();
  for (const auto& [idx, r] : t.top)
    top.push_back({std::string(kInterpretableDims[size_t(idx)]), r});
  nlohmann::ordered_json out;
  out["dim"] = t.dim;
  out["category"] = std::string(agreement_name(t.category));
  out["cross_mapper_pearson"] = t.cross_mapper_pearson;
  out["top_9dim_correlations"] = top;
  out["strongest_9dim"] = top.empty() ? nlohmann::ordered_json(nullptr) : top[0][0];
  out["strongest_9dim_corr"] = top.empty() ? nlohmann::ordered_json(nullptr) : top[0][1];
  return out;
}

nlohmann::ordered_json optional_mean(const std::optional<MeanStd>& m) {
  return m ? nlohmann::ordered_json(m->mean) : nlohmann::ordered_json(nullptr);
}

}  // namespace

nlohmann::ordered_json to_json(const SynthesisV1& v1, const TrackASummary& track_a,
                               const TrackBSummary& track_b) {
  nlohmann::ordered_json taxonomy = nlohmann::ordered_json::array();
  for (const auto& t : v1.taxonomy) taxonomy.push_back(taxonomy_json(t));
  nlohmann::ordered_json out;
  out["correlation_matrix"] = to_json(v1.correlation);
  out["dim_names_9"] = interpretable_names_json();
  out["n_latent"] = v1.correlation.rows;
  out["n_beatmaps_used"] = v1.n_beatmaps_used;
  out["taxonomy"] = taxonomy;
  out["summary"] = {{"track_a_songs", track_a.songs_analyzed},
                    {"track_a_pairs", track_a.pairs_compared},
                    {"track_b_songs", track_b.songs_analyzed},
                    {"track_b_pairs", track_b.pairs_compared},
                    {"track_a_cosine", optional_mean(track_a.full_cosine)},
                    {"track_b_cosine", optional_mean(track_b.full_cosine)}};
  return out;
}

}  // namespace cartography::stats
