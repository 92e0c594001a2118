// Compares an encoding with the reference's golden array, row by row.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <iomanip>
#include <sstream>
#include <vector>

#include "encode/signal_encoder.hpp"
#include "support/golden_h5.hpp"

namespace cartography::testing {

inline constexpr double kTolerance = 1e-9;
inline constexpr const char* kRowNames[] = {"ONSET", "COMBO", "SLIDE", "SUSTAIN", "WHISTLE", "FINISH", "CLAP", "X", "Y"};

// Success when every frame of `ours` is within kTolerance of `theirs` on every row (NaN
// matches nothing); the worst row, frame and values otherwise. Records the largest deviation
// as the test property max_abs_delta.
inline ::testing::AssertionResult rows_match(const std::vector<double>& ours, const GoldenEncoding& theirs) {
  const int64_t L = theirs.frames;
  double overall = 0;
  for (int r = 0; r < encode::kRows; ++r) {
    double worst = 0;
    int64_t worst_frame = -1;
    for (int64_t f = 0; f < L; ++f) {
      const size_t i = static_cast<size_t>(r * L + f);
      const double d = std::abs(ours[i] - theirs.x[i]);
      const double deviation = std::isnan(d) ? INFINITY : d;
      if (deviation > worst) {
        worst = deviation;
        worst_frame = f;
      }
    }
    overall = std::max(overall, worst);
    if (worst > kTolerance) {
      const size_t i = static_cast<size_t>(r * L + worst_frame);
      return ::testing::AssertionFailure() << "row " << kRowNames[r] << ": max |delta| " << worst << " at frame "
                                           << worst_frame << " (ours " << ours[i] << ", reference " << theirs.x[i] << ")";
    }
  }
  std::ostringstream text;
  text << std::scientific << std::setprecision(3) << overall;
  ::testing::Test::RecordProperty("max_abs_delta", text.str());
  return ::testing::AssertionSuccess();
}

}  // namespace cartography::testing
