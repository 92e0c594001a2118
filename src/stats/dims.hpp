// Names and thresholds shared by the stages.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace cartography::stats {

// Rows of the 9-dim encoding, in order.
inline constexpr std::array<std::string_view, 9> kInterpretableDims = {
    "ONSET", "COMBO", "SLIDE", "SUSTAIN", "WHISTLE", "FINISH", "CLAP", "X", "Y"};
inline constexpr int64_t kInterpretableCount = 9;

// Frames of the 9-dim signal per latent frame (the encoder's strides 2 * 3 * 3).
inline constexpr int64_t kLatentChunk = 18;

enum class Agreement { Perceptual, Mixed, Stylistic };

// Track A: PERCEPTUAL above 0.3, STYLISTIC below 0.1, MIXED between.
Agreement track_a_agreement(double pearson_mean);
// Track B and the synthesis taxonomy: PERCEPTUAL above 0.3, STYLISTIC below 0.05.
Agreement track_b_agreement(double pearson_mean);
std::string_view agreement_name(Agreement a);  // "PERCEPTUAL", "MIXED", "STYLISTIC"

}  // namespace cartography::stats
