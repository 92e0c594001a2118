#include "controls/bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "controls/rng.hpp"

namespace cartography::controls {

namespace {

size_t cell(int64_t song, int64_t stat, int64_t stats) {
  return static_cast<size_t>(song * stats + stat);
}

void check(const SongTable& t, const BootstrapOptions& o) {
  const auto n = static_cast<size_t>(t.songs * t.stats);
  if (t.songs < 0 || t.stats < 0 || t.sums.size() != n || t.counts.size() != n)
    throw std::invalid_argument("bootstrap_means: table vectors do not match its shape");
  if (o.resamples < 1) throw std::invalid_argument("bootstrap_means: resamples must be >= 1");
  if (!(o.level > 0.0 && o.level < 1.0))
    throw std::invalid_argument("bootstrap_means: level must lie in (0, 1)");
  for (double c : t.counts)
    if (!(c >= 0.0) || !std::isfinite(c))
      throw std::invalid_argument("bootstrap_means: counts must be finite and >= 0");
  for (double v : t.sums)
    if (!std::isfinite(v)) throw std::invalid_argument("bootstrap_means: sums must be finite");
}

// Σ sums / Σ counts over the listed songs, per statistic; `ok` false where the count is 0.
void ratios(const SongTable& t, const std::vector<int64_t>& songs, std::vector<double>& value,
            std::vector<char>& ok) {
  std::vector<double> num(static_cast<size_t>(t.stats), 0.0), den(num);
  for (int64_t s : songs)
    for (int64_t k = 0; k < t.stats; ++k) {
      num[static_cast<size_t>(k)] += t.sums[cell(s, k, t.stats)];
      den[static_cast<size_t>(k)] += t.counts[cell(s, k, t.stats)];
    }
  for (size_t k = 0; k < num.size(); ++k) {
    ok[k] = den[k] != 0.0;
    value[k] = ok[k] ? num[k] / den[k] : 0.0;
  }
}

}  // namespace

double linear_quantile(std::span<const double> sorted, double q) {
  if (sorted.empty()) return 0.0;
  const auto n = static_cast<int64_t>(sorted.size());
  const double v = static_cast<double>(n - 1) * q;
  if (v >= static_cast<double>(n - 1)) return sorted.back();
  if (v < 0.0) return sorted.front();
  const double j = std::floor(v);
  const double g = v - j;
  const double a = sorted[static_cast<size_t>(j)];
  const double b = sorted[static_cast<size_t>(j) + 1];
  const double diff = b - a;
  // numpy's _lerp: from the nearer end, so that g = 1 would give b exactly.
  return g >= 0.5 ? b - diff * (1.0 - g) : a + diff * g;
}

std::vector<Interval> bootstrap_means(const SongTable& t, const BootstrapOptions& o) {
  check(t, o);
  const auto n_stats = static_cast<size_t>(t.stats);
  std::vector<Interval> out(n_stats);
  if (t.songs == 0) return out;

  std::vector<double> value(n_stats);
  std::vector<char> ok(n_stats);
  std::vector<int64_t> drawn(static_cast<size_t>(t.songs));
  for (int64_t s = 0; s < t.songs; ++s) drawn[static_cast<size_t>(s)] = s;
  ratios(t, drawn, value, ok);
  for (size_t k = 0; k < n_stats; ++k) out[k].estimate = value[k];
  std::vector<char> has_estimate = ok;

  std::vector<std::vector<double>> samples(n_stats);
  SplitMix64 rng(o.seed);
  for (int64_t r = 0; r < o.resamples; ++r) {
    for (auto& d : drawn)
      d = static_cast<int64_t>(rng.uniform_index(static_cast<uint64_t>(t.songs)));
    ratios(t, drawn, value, ok);
    for (size_t k = 0; k < n_stats; ++k)
      if (ok[k]) samples[k].push_back(value[k]);
  }
  const double q_lo = (1.0 - o.level) / 2.0, q_hi = (1.0 + o.level) / 2.0;
  for (size_t k = 0; k < n_stats; ++k) {
    auto& s = samples[k];
    out[k].resamples_used = static_cast<int64_t>(s.size());
    out[k].valid = has_estimate[k] && !s.empty();
    if (!out[k].valid) {
      out[k] = Interval{.resamples_used = out[k].resamples_used};
      continue;
    }
    std::sort(s.begin(), s.end());
    out[k].lo = linear_quantile(s, q_lo);
    out[k].hi = linear_quantile(s, q_hi);
  }
  return out;
}

std::vector<Interval> bootstrap_means(std::span<const double> song_sums,
                                      std::span<const double> song_counts, int64_t stats,
                                      const BootstrapOptions& options) {
  if (stats < 0 || song_sums.size() != song_counts.size() * static_cast<size_t>(stats))
    throw std::invalid_argument("bootstrap_means: sums must have songs x stats entries");
  SongTable t;
  t.songs = static_cast<int64_t>(song_counts.size());
  t.stats = stats;
  t.sums.assign(song_sums.begin(), song_sums.end());
  t.counts.reserve(static_cast<size_t>(t.songs * stats));
  for (double c : song_counts) t.counts.insert(t.counts.end(), static_cast<size_t>(stats), c);
  return bootstrap_means(t, options);
}

}  // namespace cartography::controls
