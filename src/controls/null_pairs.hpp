// Chance-level ("null") pairs (issue 13 item 1): charts of DIFFERENT songs, compared exactly as
// real pairs are, so every Track A / Track B statistic has a baseline of "agreement" that no
// shared song can explain. For each real pair (song g, members a < b) one null pair is chosen:
// member a of g against a member b' of another song g' of comparable length. Both sides are
// cut to the shorter of the two songs' common lengths, as a real pair is cut to its song's
// shortest member. The caller computes the same per-pair statistics on the null pairs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "stats/pairs.hpp"

namespace cartography::controls {

// What the selection needs to know about one analysed song group.
struct SongLength {
  int64_t song_group_idx = 0;
  int64_t members = 0;  // representatives in the group's member list (>= 1 to be chosen)
  int64_t length = 0;   // the group's common length (stats::common_length), in frames
  // The creator of each member (members entries), or empty when unknown. When both songs of a
  // pair list them, member_b is drawn among the members whose creator differs from member a's:
  // a real pair never compares a mapper with itself, so a null pair must not either (one mapper's
  // style shared across songs would pass for chance agreement).
  std::vector<std::string> creators;
};

struct NullPairOptions {
  uint64_t seed = 0;
  // Candidate songs g' have |length(g') - length(g)| <= tolerance * length(g). When no other
  // song qualifies the tolerance is doubled until one does (or every other song qualifies).
  double length_tolerance = 0.25;
};

struct NullPair {
  stats::PairKey real;       // the real pair this one is the baseline of
  int64_t song_a = 0;        // = real.song_group_idx
  int64_t member_a = 0;      // = real.member_a
  int64_t song_b = 0;        // another song group (!= song_a)
  int64_t member_b = 0;      // a member of song_b, uniform over its members
  int64_t length = 0;        // min(length(song_a), length(song_b)): frames both are cut to
  double tolerance_used = 0; // the tolerance at which song_b was eligible
};

// One null pair per real pair, in the order of real_pairs; a real pair gets none (and is left
// out) only when its own song's length is 0 (nothing to compare) or no other song with members
// and a positive length exists. Songs are looked up
// by song_group_idx; a real pair naming an unknown song throws std::invalid_argument.
//
// Selection, for a real pair (g, a, b) (the golden script repeats it):
//   rng = SplitMix64(derive_seed(seed, {g, a, b}))   -- independent of order and MPI rank
//   candidates = songs g' != g with members >= 1 and length > 0, ascending song_group_idx,
//                whose length is within tol * length(g), tol = length_tolerance, 2*tol, ...
//                (the first tolerance admitting any song); then, when creators are known, only
//                those with a member of another creator than member a of g
//   song_b = candidates[rng.uniform_index(#candidates)]
//   eligible = members of song_b (ascending) whose creator differs from a's (all when unknown)
//   member_b = eligible[rng.uniform_index(#eligible)]
// A real pair whose candidates all hold only member a's creator gets no null pair.
std::vector<NullPair> choose_null_pairs(std::span<const stats::PairKey> real_pairs,
                                        std::span<const SongLength> songs,
                                        const NullPairOptions& options);

}  // namespace cartography::controls
