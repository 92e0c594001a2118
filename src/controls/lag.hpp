// Lag-tolerant agreement (issue 13 item 5): sets of one song often differ in audio offset, so a
// pair's zero-lag Pearson r can understate how much the charts agree. For lags in [-k, k] we
// correlate the two signals' overlapping frames and report the best lag beside zero lag.
#pragma once

#include <cstdint>
#include <vector>

#include "stats/signal_view.hpp"

namespace cartography::controls {

// Duration of one frame of the analysis grid: 98 samples at 16384 Hz (SPEC §4), in ms (≈5.98).
inline constexpr double kFrameMs = 98.0 / 16384.0 * 1000.0;

// The smallest number of frames spanning at least `ms` milliseconds: ceil(ms / kFrameMs)
// (100 ms -> 17). ms must be >= 0.
int64_t frames_covering_ms(double ms);

// In frames of the 9-dim encoding. Lags are counted in the signal's own frames: for latents
// (one frame per 18 encoding frames) pass the latent-frame count covering the same duration.
inline constexpr int64_t kDefaultMaxLagFrames = 17;  // frames_covering_ms(100)

struct LagAgreement {
  // Lag convention: at lag L, a[d][t] is compared with b[d][t + L] for every t with both
  // inside [0, frames): L > 0 means b's events come L frames later than a's.
  int64_t best_lag = 0;
  double best_score = 0.0;  // score(L) = mean over dims of the per-dim Pearson r at lag L
  double zero_score = 0.0;  // score(0)
  std::vector<double> r_best;  // per-dim r at best_lag
  std::vector<double> r_zero;  // per-dim r at lag 0
};

// a and b are [dims, frames] with the same dims and frames (the caller cuts a pair to its
// common length first). Per-dim r is stats::pearson (0 with < 2 overlapping frames or no
// spread). best_lag maximises score; ties go to the smaller |L|, then to the negative lag.
// max_lag must be >= 0; only lags leaving at least 2 overlapping frames (|L| <= frames - 2) are
// candidates, so lag 0 is the answer for signals of fewer than 3 frames.
// Throws std::invalid_argument on mismatched shapes. Cost O(k · dims · frames).
// Instantiated for double (encodings) and float (latents).
template <class T>
LagAgreement lag_agreement(stats::SignalView<T> a, stats::SignalView<T> b,
                           int64_t max_lag = kDefaultMaxLagFrames);

}  // namespace cartography::controls
