// Summaries add per-pair values in the order they are given; that order must be the canonical
// one (song_group_idx, member_a, member_b ascending) for the result not to depend on how many
// ranks computed the pairs. These helpers check it rather than silently re-sort: an unordered
// gather is a pipeline bug.
#pragma once

#include <cstdint>
#include <set>
#include <span>
#include <stdexcept>
#include <tuple>

#include "stats/pairs.hpp"

namespace cartography::stats {

inline bool key_less(const PairKey& a, const PairKey& b) {
  return std::tie(a.song_group_idx, a.member_a, a.member_b) <
         std::tie(b.song_group_idx, b.member_a, b.member_b);
}

template <class Record, class KeyOf>
void require_canonical_pairs(std::span<const Record> records, const KeyOf& key_of) {
  for (size_t i = 1; i < records.size(); ++i)
    if (!key_less(key_of(records[i - 1]), key_of(records[i])))
      throw std::invalid_argument("pair records are not in canonical order");
}

// Songs with at least one pair: the reference's songs_analyzed.
template <class Record, class KeyOf>
int64_t count_songs(std::span<const Record> records, const KeyOf& key_of) {
  std::set<int64_t> songs;
  for (const auto& r : records) songs.insert(key_of(r).song_group_idx);
  return static_cast<int64_t>(songs.size());
}

}  // namespace cartography::stats
