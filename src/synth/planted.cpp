#include "synth/planted.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace cartography::synth {
namespace {

// The strength of a "both" dimension in the presets: w² = 0.2025 sits in the middle of Track A's
// MIXED band (0.1, 0.3), with room for what the chart structure takes off (a song-driven
// event lands on each mapper's next object, which differ when onsets differ).
constexpr double kPresetMixed = 0.45;

// Latin square over the eight independent drivers (SLIDE and SUSTAIN are one): across A, B and
// C every dimension is song-driven (S) once, mapper-driven (M) once and mixed (B) once. Mixed
// sliders come with song-driven onsets (A): a slider reaches to the next object, so with
// independent onsets only the spans agree, not the ramps inside them, and SLIDE's r falls to
// about half of w² (near the STYLISTIC line); shared onsets instead add about 0.05 to it. One
// letter per dimension, in kInterpretableDims order (ONSET COMBO SLIDE SUSTAIN WHISTLE FINISH
// CLAP X Y).
const char* preset_letters(const std::string& name) {
  if (name == "A") return "SMBBSBMBS";
  if (name == "B") return "MBSSBMSSM";
  if (name == "C") return "BSMMMSBMB";
  return nullptr;
}

void apply_preset(const char* letters, PlantedSpec& spec) {
  for (size_t d = 0; d < spec.strength.size(); ++d)
    spec.strength[d] = letters[d] == 'S' ? 1.0 : letters[d] == 'M' ? 0.0 : kPresetMixed;
}

int dim_index(std::string_view name) {
  for (size_t d = 0; d < stats::kInterpretableDims.size(); ++d)
    if (stats::kInterpretableDims[d] == name) return static_cast<int>(d);
  return -1;
}

double parse_strength(const std::string& value, const std::string& item) {
  if (value == "song") return 1.0;
  if (value == "mapper") return 0.0;
  char* end = nullptr;
  const double w = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || !(w >= 0 && w <= 1))
    throw std::invalid_argument("--planted: '" + item + "': the value must be song, mapper or a number in [0, 1]");
  return w;
}

void parse_list(const std::string& list, PlantedSpec& spec) {
  bool named[stats::kInterpretableCount] = {};
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string item = list.substr(start, comma - start);
    start = comma + 1;
    const size_t eq = item.find('=');
    const int d = eq == std::string::npos ? -1 : dim_index(item.substr(0, eq));
    if (d < 0)
      throw std::invalid_argument("--planted: '" + item +
                                  "' is not DIM=value with DIM one of ONSET COMBO SLIDE SUSTAIN WHISTLE FINISH CLAP X Y");
    if (named[d]) throw std::invalid_argument("--planted: " + item.substr(0, eq) + " is named twice");
    named[d] = true;
    spec.strength[static_cast<size_t>(d)] = parse_strength(item.substr(eq + 1), item);
  }
  // One slider-span driver for both rows: naming one sets the other.
  double& slide = spec.strength[kSlideDim];
  double& sustain = spec.strength[kSustainDim];
  if (named[kSlideDim] && named[kSustainDim] && slide != sustain)
    throw std::invalid_argument("--planted: SLIDE and SUSTAIN are both read off the slider spans and must be planted alike");
  if (named[kSlideDim]) sustain = slide;
  if (named[kSustainDim]) slide = sustain;
}

}  // namespace

PlantedSpec parse_planted(const std::string& text) {
  PlantedSpec spec;
  if (text.empty()) return spec;
  spec.text = text;
  if (const char* letters = preset_letters(text)) {
    apply_preset(letters, spec);
  } else {
    parse_list(text, spec);
  }
  return spec;
}

const char* planted_driver(double strength) {
  if (strength >= 1) return "song";
  if (strength <= 0) return "mapper";
  return "both";
}

nlohmann::json planted_truth_json(const PlantedSpec& spec) {
  nlohmann::json dims = nlohmann::json::object();
  for (size_t d = 0; d < stats::kInterpretableDims.size(); ++d) {
    const double w = spec.strength[d];
    const double shared = w * w;
    dims[std::string(stats::kInterpretableDims[d])] = {
        {"driver", planted_driver(w)},
        {"strength", w},
        {"shared_share", shared},
        {"expected", std::string(stats::agreement_name(stats::track_a_agreement(shared)))}};
  }
  return {{"spec", spec.text},
          {"segment", "bar"},
          {"dims", dims}};
}

}  // namespace cartography::synth
