#include "stats/dims.hpp"

namespace cartography::stats {
namespace {

Agreement classify(double pearson_mean, double stylistic_below) {
  if (pearson_mean > 0.3) return Agreement::Perceptual;
  if (pearson_mean < stylistic_below) return Agreement::Stylistic;
  return Agreement::Mixed;
}

}  // namespace

Agreement track_a_agreement(double pearson_mean) { return classify(pearson_mean, 0.1); }
Agreement track_b_agreement(double pearson_mean) { return classify(pearson_mean, 0.05); }

std::string_view agreement_name(Agreement a) {
  switch (a) {
    case Agreement::Perceptual: return "PERCEPTUAL";
    case Agreement::Mixed: return "MIXED";
    case Agreement::Stylistic: return "STYLISTIC";
  }
  return "MIXED";
}

}  // namespace cartography::stats
