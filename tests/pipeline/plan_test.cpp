#include <gtest/gtest.h>

#include <numeric>

#include "pipeline/plan.hpp"

namespace cartography::pipeline {
namespace {

TEST(Plan, SlicesCoverEverythingOnce) {
  for (int ranks : {1, 2, 3, 7}) {
    size_t covered = 0, next = 0;
    for (int r = 0; r < ranks; ++r) {
      auto [b, e] = slice_for_rank(20, r, ranks);
      EXPECT_EQ(b, next);
      covered += e - b;
      next = e;
    }
    EXPECT_EQ(covered, 20u);
  }
}

TEST(Plan, HandOutOrderIsLargestFirstTiesByIndex) {
  EXPECT_EQ(dispatch_order({10, 1, 7, 3, 3}), (std::vector<size_t>{0, 2, 3, 4, 1}));
  EXPECT_EQ(dispatch_order({2, 2, 2}), (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(dispatch_order({0, 5}), (std::vector<size_t>{1, 0}));
  EXPECT_TRUE(dispatch_order({}).empty());
}

TEST(Plan, LongestGroupsFirstToTheLeastLoadedRank) {
  // Costs 10, 1, 7, 3, 3 on 2 ranks: 10 → r0, 7 → r1, 3 → r1 (7 < 10), 3 → r0 (10 = 10: lowest), 1 → r1.
  auto owner = assign_groups({10, 1, 7, 3, 3}, 2);
  EXPECT_EQ(owner, (std::vector<int>{0, 1, 1, 1, 0}));
  auto single = assign_groups({5, 4, 3}, 1);
  EXPECT_EQ(single, (std::vector<int>{0, 0, 0}));
  EXPECT_TRUE(assign_groups({}, 4).empty());
}

TEST(Plan, BalancedWithinTheLargestItem) {
  std::vector<uint64_t> costs;
  for (uint64_t i = 1; i <= 100; ++i) costs.push_back((i * 37) % 91 + 1);
  auto owner = assign_groups(costs, 8);
  std::vector<uint64_t> load(8, 0);
  for (size_t i = 0; i < costs.size(); ++i) load[size_t(owner[i])] += costs[i];
  auto [lo, hi] = std::minmax_element(load.begin(), load.end());
  EXPECT_LE(*hi - *lo, 91u);
}

}  // namespace
}  // namespace cartography::pipeline
