#include "pipeline/plan.hpp"

#include <algorithm>
#include <numeric>

namespace cartography::pipeline {

std::pair<size_t, size_t> slice_for_rank(size_t n, int rank, int ranks) {
  size_t r = static_cast<size_t>(rank), k = static_cast<size_t>(std::max(ranks, 1));
  return {n * r / k, n * (r + 1) / k};
}

std::vector<size_t> dispatch_order(const std::vector<uint64_t>& group_costs) {
  std::vector<size_t> order(group_costs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return group_costs[a] > group_costs[b]; });
  return order;
}

std::vector<int> assign_groups(const std::vector<uint64_t>& group_costs, int ranks) {
  std::vector<uint64_t> load(static_cast<size_t>(std::max(ranks, 1)), 0);
  std::vector<int> owner(group_costs.size(), 0);
  for (size_t g : dispatch_order(group_costs)) {
    size_t best = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    owner[g] = static_cast<int>(best);
    load[best] += std::max<uint64_t>(group_costs[g], 1);
  }
  return owner;
}

}  // namespace cartography::pipeline
