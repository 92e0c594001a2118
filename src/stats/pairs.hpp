// Which encodings are compared with which (SPEC §7): only inside a song group, every pair i < j
// of the group's members (manifest order) whose creators differ, over the group's shortest
// length. Groups never split across ranks, so a rank that owns a group computes all its pairs.
// Members are assumed uniquely keyed (ours): the reference keys them by file name, so two
// representatives whose names collide collapse into one there (SPEC §3).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace cartography::stats {

// Identifies a compared pair: the song group and the two members' positions in the group's
// manifest-ordered member list (member_a < member_b).
struct PairKey {
  int64_t song_group_idx = 0;
  int64_t member_a = 0;
  int64_t member_b = 0;
  friend bool operator==(const PairKey&, const PairKey&) = default;
};

// The pairs of one group, in the reference's loop order (i ascending, then j ascending).
std::vector<PairKey> enumerate_pairs(int64_t song_group_idx, std::span<const std::string> creators);

// Number of distinct creators; a group is analysed only when this is at least 2.
int64_t distinct_creators(std::span<const std::string> creators);

// The number of frames every pair of a group is compared over: the shortest member's length.
// 0 for an empty group.
int64_t common_length(std::span<const int64_t> lengths);

}  // namespace cartography::stats
