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

// Longest-processing-time-first: groups sorted by cost (descending, ties by index), each to
// the least-loaded rank (ties to the lowest rank). Returns the owner rank of every group.
std::vector<int> assign_groups(const std::vector<uint64_t>& group_costs, int ranks);

}  // namespace cartography::pipeline
