// Planted truth: which of the 9 interpretable dimensions the charts of a song share and which
// are each mapper's own, and how strongly. For each dimension a strength w in [0, 1]: the chart
// is cut into segments (bars of the song) and, per segment and dimension, the mapper takes that
// dimension's content from the song's shared random stream with probability w, else from its
// own stream (the choice itself is the mapper's). Two mappers then take the same song content
// in a share w² of the segments and independent content elsewhere, so the expected cross-mapper
// Pearson r of the dimension is about w²; its expected Track A category follows from w² and
// Track A's thresholds (stats::track_a_agreement).
#pragma once

#include <array>
#include <string>

#include <nlohmann/json.hpp>

#include "stats/dims.hpp"

namespace cartography::synth {

struct PlantedSpec {
  std::string text;  // as given (a preset name or a list); empty: no planted truth
  std::array<double, stats::kInterpretableCount> strength{};  // kInterpretableDims order

  bool active() const { return !text.empty(); }
  double strength_of(int dim) const { return strength[static_cast<size_t>(dim)]; }
};

// Index of SLIDE and SUSTAIN: both are read off the same slider spans, so they share one
// driver (a spec giving them different strengths is refused).
inline constexpr int kSlideDim = 2;
inline constexpr int kSustainDim = 3;

// "" (off), a preset "A", "B" or "C", or a list "ONSET=song,X=0.45,CLAP=mapper" where each
// value is `song` (1), `mapper` (0) or a number in [0, 1]; dimensions not named are mapper-driven.
// Throws std::invalid_argument naming the bad item.
PlantedSpec parse_planted(const std::string& text);

// "song" (w = 1), "mapper" (w = 0) or "both".
const char* planted_driver(double strength);

// The manifest's "planted_truth": per dimension driver, strength, shared share w² and the
// expected Track A category.
nlohmann::json planted_truth_json(const PlantedSpec& spec);

}  // namespace cartography::synth
