#include "stats/pairs.hpp"

#include <algorithm>
#include <set>

namespace cartography::stats {

std::vector<PairKey> enumerate_pairs(int64_t song_group_idx,
                                     std::span<const std::string> creators) {
  std::vector<PairKey> pairs;
  const auto n = static_cast<int64_t>(creators.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j)
      if (creators[size_t(i)] != creators[size_t(j)]) pairs.push_back({song_group_idx, i, j});
  return pairs;
}

int64_t distinct_creators(std::span<const std::string> creators) {
  return static_cast<int64_t>(std::set<std::string>(creators.begin(), creators.end()).size());
}

int64_t common_length(std::span<const int64_t> lengths) {
  if (lengths.empty()) return 0;
  return *std::min_element(lengths.begin(), lengths.end());
}

}  // namespace cartography::stats
