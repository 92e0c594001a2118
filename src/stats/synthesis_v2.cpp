#include "stats/synthesis_v2.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "stats/binomial.hpp"
#include "stats/dims.hpp"
#include "stats/numpy_compat.hpp"

namespace cartography::stats {
namespace {

// Per cell, the mean over the beatmaps where the cell is valid (numpy's NaN cells left out).
Matrix average_valid_cells(std::span<const BeatmapSynthesis> beatmaps) {
  const int64_t n = kInterpretableCount;
  Matrix sum = Matrix::zeros(n, n);
  std::vector<int64_t> count(size_t(n * n), 0);
  for (const auto& b : beatmaps) {
    for (size_t c = 0; c < sum.values.size(); ++c) {
      if (!b.raw.valid.at(c)) continue;
      sum.values[c] += b.raw.r.values.at(c);
      ++count[c];
    }
  }
  for (size_t c = 0; c < sum.values.size(); ++c)
    if (count[c] > 0) sum.values[c] /= static_cast<double>(count[c]);
  return sum;
}

int64_t latent_rows(std::span<const BeatmapSynthesis> beatmaps) {
  for (const auto& b : beatmaps)
    if (b.downsampled) return b.downsampled->rows;
  return 32;  // the published model's latent size, for an empty run
}

std::vector<std::vector<int64_t>> combinations(int64_t n, int64_t k) {
  std::vector<std::vector<int64_t>> out;
  std::vector<int64_t> c(static_cast<size_t>(k));
  for (int64_t i = 0; i < k; ++i) c[size_t(i)] = i;
  while (true) {
    out.push_back(c);
    int64_t i = k - 1;
    while (i >= 0 && c[size_t(i)] == n - k + i) --i;
    if (i < 0) return out;
    ++c[size_t(i)];
    for (int64_t j = i + 1; j < k; ++j) c[size_t(j)] = c[size_t(j - 1)] + 1;
  }
}

std::string joined_name(const std::vector<int64_t>& columns) {
  std::string name;
  for (int64_t c : columns) {
    if (!name.empty()) name += "+";
    name += kInterpretableDims[size_t(c)];
  }
  return name;
}

nlohmann::ordered_json names_of(const std::vector<int64_t>& columns) {
  nlohmann::ordered_json names = nlohmann::ordered_json::array();
  for (int64_t c : columns) names.push_back(std::string(kInterpretableDims[size_t(c)]));
  return names;
}

// {same_count, valid_rows, [excluded,] p_value}: "excluded" only where a threshold applies.
nlohmann::ordered_json polarity_json(const PolarityTest& t, bool with_excluded) {
  nlohmann::ordered_json out;
  out["same_count"] = t.same_count;
  out["valid_rows"] = t.valid_rows;
  if (with_excluded) out["excluded"] = t.excluded;
  out["p_value"] = t.p_value;
  return out;
}

nlohmann::ordered_json subset_json(const std::vector<int64_t>& columns, const PolarityTest& t,
                                   bool with_excluded) {
  nlohmann::ordered_json out;
  out["subset"] = names_of(columns);
  out.update(polarity_json(t, with_excluded));
  return out;
}

// np.mean(np.abs(m)) over all cells, row-major.
double mean_abs(const Matrix& m) {
  if (m.values.empty()) return 0.0;
  std::vector<double> magnitudes;
  for (double v : m.values) magnitudes.push_back(std::fabs(v));
  return np::mean<double>(magnitudes);
}

nlohmann::ordered_json fix1_json(const SynthesisV2Maps& maps) {
  const double down = mean_abs(maps.downsampled);
  const double up = mean_abs(maps.upsampled);
  std::vector<double> inflation;
  for (size_t c = 0; c < maps.upsampled.values.size(); ++c)
    inflation.push_back(std::fabs(maps.upsampled.values[c]) -
                        std::fabs(maps.downsampled.values.at(c)));
  if (inflation.empty()) inflation.push_back(0.0);
  nlohmann::ordered_json out;
  out["correlation_matrix_v2_downsampled"] = to_json(maps.downsampled);
  out["correlation_matrix_old_upsampled"] = to_json(maps.upsampled);
  out["dim_names_9"] = interpretable_names_json();
  out["n_latent"] = maps.downsampled.rows;
  out["mean_abs_r_downsampled"] = down;
  out["mean_abs_r_upsampled"] = up;
  out["inflation_pct"] = down == 0.0 ? 0.0 : (up - down) / down * 100.0;  // numpy: NaN/inf
  out["mean_inflation"] = np::mean<double>(inflation);
  out["median_inflation"] = np::median(inflation);
  out["max_inflation"] = *std::max_element(inflation.begin(), inflation.end());
  return out;
}

nlohmann::ordered_json fix2_json(const SynthesisV2Maps& maps) {
  nlohmann::ordered_json polarity = nlohmann::ordered_json::object();
  nlohmann::ordered_json strong = nlohmann::ordered_json::array();
  for (const auto& pair : combinations(kInterpretableCount, 2)) {
    const double coupling = maps.raw.at(pair[0], pair[1]);
    nlohmann::ordered_json entry = polarity_json(polarity_test(maps.downsampled, pair, 0.0), false);
    entry["raw_9x9_coupling"] = coupling;
    polarity[joined_name(pair)] = entry;
    if (std::fabs(coupling) > kStrongCoupling) strong.push_back(joined_name(pair));
  }
  nlohmann::ordered_json out;
  out["correlation_matrix_9x9"] = to_json(maps.raw);
  out["dim_names"] = interpretable_names_json();
  out["n_beatmaps"] = maps.n_beatmaps_9x9;
  out["pairwise_polarity_vs_raw"] = polarity;
  out["strong_raw_pairs"] = strong;
  return out;
}

struct SubsetTest {
  std::vector<int64_t> columns;
  PolarityTest test;
};

nlohmann::ordered_json top_triplets(const Matrix& m, double threshold) {
  std::vector<SubsetTest> all;
  for (const auto& t : combinations(kInterpretableCount, 3))
    all.push_back({t, polarity_test(m, t, threshold)});
  std::stable_sort(all.begin(), all.end(), [](const SubsetTest& a, const SubsetTest& b) {
    return a.test.p_value < b.test.p_value;
  });
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (size_t i = 0; i < std::min(kTopTriplets, all.size()); ++i)
    out.push_back(subset_json(all[i].columns, all[i].test, threshold > 0.0));
  return out;
}

nlohmann::ordered_json fix3_json(const SynthesisV2Maps& maps) {
  const Matrix& m = maps.downsampled;
  nlohmann::ordered_json plain = nlohmann::ordered_json::object();
  nlohmann::ordered_json thresholded = nlohmann::ordered_json::object();
  int64_t sig_plain = 0, sig_thresholded = 0, excluded_total = 0, n_pairs = 0;
  for (const auto& pair : combinations(kInterpretableCount, 2)) {
    const PolarityTest a = polarity_test(m, pair, 0.0);
    const PolarityTest b = polarity_test(m, pair, kSignThreshold);
    plain[joined_name(pair)] = polarity_json(a, false);
    thresholded[joined_name(pair)] = polarity_json(b, true);
    sig_plain += a.p_value < kSignificance;
    sig_thresholded += b.p_value < kSignificance;
    excluded_total += b.excluded;
    ++n_pairs;
  }
  const std::vector<int64_t> ssw = {2, 3, 4};  // SLIDE, SUSTAIN, WHISTLE
  nlohmann::ordered_json out;
  out["threshold"] = kSignThreshold;
  out["pairwise_no_threshold"] = plain;
  out["pairwise_with_threshold"] = thresholded;
  out["sig_pairs_no_threshold"] = sig_plain;
  out["sig_pairs_with_threshold"] = sig_thresholded;
  out["avg_excluded_per_pair"] = static_cast<double>(excluded_total) / static_cast<double>(n_pairs);
  out["triplet_no_threshold_top10"] = top_triplets(m, 0.0);
  out["triplet_with_threshold_top10"] = top_triplets(m, kSignThreshold);
  out["ssw_no_threshold"] = subset_json(ssw, polarity_test(m, ssw, 0.0), false);
  out["ssw_with_threshold"] = subset_json(ssw, polarity_test(m, ssw, kSignThreshold), true);
  return out;
}

}  // namespace

SynthesisV2Maps average_synthesis_v2(std::span<const BeatmapSynthesis> beatmaps) {
  std::vector<Matrix> up, down;
  for (const auto& b : beatmaps) {
    if (b.upsampled) up.push_back(*b.upsampled);
    if (b.downsampled) down.push_back(*b.downsampled);
  }
  const int64_t rows = latent_rows(beatmaps);
  SynthesisV2Maps maps;
  maps.downsampled = average_in_order(down, rows, kInterpretableCount);
  maps.upsampled = average_in_order(up, rows, kInterpretableCount);
  maps.raw = average_valid_cells(beatmaps);
  maps.n_beatmaps_used = static_cast<int64_t>(down.size());
  maps.n_beatmaps_9x9 = static_cast<int64_t>(beatmaps.size());
  return maps;
}

PolarityTest polarity_test(const Matrix& m, std::span<const int64_t> columns, double threshold) {
  if (columns.size() < 2) throw std::invalid_argument("polarity_test: needs 2 or more columns");
  PolarityTest t;
  for (int64_t r = 0; r < m.rows; ++r) {
    bool valid = true;
    int64_t positive = 0;
    for (int64_t c : columns) {
      const double v = m.at(r, c);
      valid = valid && v != 0.0 && std::fabs(v) >= threshold;
      positive += v > 0.0;
    }
    if (!valid) {
      ++t.excluded;
      continue;
    }
    ++t.valid_rows;
    const auto k = static_cast<int64_t>(columns.size());
    t.same_count += positive == 0 || positive == k;
  }
  const double chance = std::ldexp(1.0, 1 - static_cast<int>(columns.size()));
  t.p_value = binomial_upper_tail(t.same_count, t.valid_rows, chance);
  return t;
}

nlohmann::ordered_json to_json(const SynthesisV2Maps& maps) {
  nlohmann::ordered_json out;
  out["description"] =
      "Synthesis v2: Corrected latent cartography analysis with downsampling, raw coupling, "
      "and sign threshold";
  out["n_beatmaps_used"] = maps.n_beatmaps_used;
  out["n_beatmaps_9x9"] = maps.n_beatmaps_9x9;
  out["fix1_correlation_comparison"] = fix1_json(maps);
  out["fix2_raw_9x9_coupling"] = fix2_json(maps);
  out["fix3_sign_threshold"] = fix3_json(maps);
  return out;
}

}  // namespace cartography::stats
