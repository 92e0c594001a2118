#include "controls/effect_size.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "stats/numpy_compat.hpp"

namespace cartography::controls {

namespace {

struct Moments {
  int64_t n = 0;
  double mean = 0.0;
  double ss = 0.0;  // Σ (x - mean)²
};

Moments moments(std::span<const double> x) {
  Moments m;
  m.n = static_cast<int64_t>(x.size());
  if (x.empty()) return m;
  m.mean = stats::np::mean(x);
  for (double v : x) m.ss += (v - m.mean) * (v - m.mean);
  return m;
}

}  // namespace

EffectSize effect_size(std::span<const double> a, std::span<const double> b) {
  const Moments ma = moments(a), mb = moments(b);
  EffectSize e;
  e.n_a = ma.n;
  e.n_b = mb.n;
  e.mean_a = ma.mean;
  e.mean_b = mb.mean;
  e.difference = ma.mean - mb.mean;
  const int64_t dof = ma.n + mb.n - 2;
  if (ma.n < 1 || mb.n < 1 || dof < 1) return e;
  // (n-1) var with ddof 1 is the sum of squares itself.
  const double pooled = std::sqrt((ma.ss + mb.ss) / static_cast<double>(dof));
  if (!(pooled > 0.0) || !std::isfinite(pooled)) return e;
  e.cohens_d = e.difference / pooled;
  e.d_defined = std::isfinite(e.cohens_d);
  if (!e.d_defined) e.cohens_d = 0.0;
  return e;
}

PairedEffectSize paired_effect_size(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size())
    throw std::invalid_argument("paired_effect_size: the two samples differ in length");
  PairedEffectSize p;
  p.independent = effect_size(a, b);
  std::vector<double> diff(a.size());
  for (size_t i = 0; i < a.size(); ++i) diff[i] = a[i] - b[i];
  const Moments md = moments(diff);
  p.mean_difference = md.mean;
  if (md.n < 2) return p;
  const double sd = std::sqrt(md.ss / static_cast<double>(md.n - 1));
  if (!(sd > 0.0) || !std::isfinite(sd)) return p;
  p.cohens_dz = md.mean / sd;
  p.dz_defined = std::isfinite(p.cohens_dz);
  if (!p.dz_defined) p.cohens_dz = 0.0;
  return p;
}

}  // namespace cartography::controls
