// Onset agreement between two charts (issue 13 item 4): mir_eval.onset.f_measure on hit-object
// times in milliseconds. A reference event and an estimated event may be matched when
// |ref - est| <= window (mir_eval.util.match_events with an explicit distance; its default
// fast path compares ref against est ± window instead, which can differ only for a difference
// that is exactly the window up to rounding). Each event is matched at most once and the number
// of matches is the size of a MAXIMUM matching (mir_eval uses Hopcroft-Karp on the hit graph;
// we use a greedy sweep that is provably as large, see onset.cpp).
#pragma once

#include <cstdint>
#include <span>

namespace cartography::controls {

struct OnsetScore {
  double f = 0.0;          // 2 p r / (p + r); 0 when p = r = 0
  double precision = 0.0;  // matches / #est
  double recall = 0.0;     // matches / #ref
  int64_t matches = 0;
  // mir_eval returns (0, 0, 0) with a warning when either list is empty; so do we, and flag
  // which side was empty (both flags set: two charts without hit objects, which "agree"
  // vacuously but score 0; a reader should leave such pairs out rather than count them).
  bool ref_empty = false;
  bool est_empty = false;
};

// Times need not be sorted (they are sorted on a copy); duplicates are separate events.
// window_ms must be >= 0 and finite (throws std::invalid_argument otherwise); non-finite times
// throw too.
OnsetScore onset_f_measure(std::span<const double> ref_ms, std::span<const double> est_ms,
                           double window_ms = 50.0);

}  // namespace cartography::controls
