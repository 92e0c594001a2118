// How work is split over ranks. Pure functions: the same inputs give the same plan on every
// rank, and results never depend on it (rank 0 orders everything canonically).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace cartography::pipeline {

// Contiguous slice [begin, end) of n items for `rank` of `ranks` (the metadata scan).
std::pair<size_t, size_t> slice_for_rank(size_t n, int rank, int ranks);

// The order groups are handed out in: estimated cost descending, ties by index. Handing the
// largest first means the last groups to start are the cheapest, so the ranks finish within
// about one small group of each other (a Marathon map started last would leave every other
// rank idle while it runs).
std::vector<size_t> dispatch_order(const std::vector<uint64_t>& group_costs);

// The static plan: longest-processing-time-first, groups in dispatch_order(), each to the
// least-loaded rank by estimated cost (ties to the lowest rank). Returns the owner rank of every
// group. Kept as the baseline the balance benchmark compares dynamic dispatch against.
std::vector<int> assign_groups(const std::vector<uint64_t>& group_costs, int ranks);

}  // namespace cartography::pipeline
