// GroupDispatch under mpirun: every group is handed out exactly once over all ranks, in the
// hand-out order on each rank; a rank that is slow on its groups gets fewer of them (the others
// do not wait for it: on one node the counter lives in shared memory); the static plan gives
// each rank exactly the groups it owns. Plain main (returns 1 on a failure), run with -n 3.
#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "pipeline/group_dispatch.hpp"
#include "pipeline/plan.hpp"

namespace {

using cartography::pipeline::GroupDispatch;

int failures = 0;
void expect(bool ok, const char* what, int rank) {
  if (!ok) {
    std::fprintf(stderr, "rank %d: FAILED: %s\n", rank, what);
    ++failures;
  }
}

// The groups this rank took, in the order it took them; rank 0 sleeps `slow_ms` per group.
std::vector<int> take_all(const std::vector<size_t>& order, const std::vector<int>& owner, int slow_ms, int rank) {
  GroupDispatch dispatch(MPI_COMM_WORLD, order, owner);
  std::vector<int> taken;
  for (auto g = dispatch.next(); g; g = dispatch.next()) {
    taken.push_back(static_cast<int>(*g));
    if (rank == 0 && slow_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms));
  }
  expect(!dispatch.next(), "next() after the end hands out nothing", rank);
  dispatch.close();
  return taken;
}

// Every rank's list at rank 0 (counts then values).
std::vector<std::vector<int>> gather_lists(const std::vector<int>& mine, int ranks) {
  int n = static_cast<int>(mine.size());
  std::vector<int> counts(static_cast<size_t>(ranks)), displs(static_cast<size_t>(ranks), 0);
  MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  for (int r = 1; r < ranks; ++r) displs[size_t(r)] = displs[size_t(r - 1)] + counts[size_t(r - 1)];
  std::vector<int> all(size_t(displs.back() + counts.back()));
  MPI_Gatherv(mine.data(), n, MPI_INT, all.data(), counts.data(), displs.data(), MPI_INT, 0, MPI_COMM_WORLD);
  std::vector<std::vector<int>> lists;
  for (int r = 0; r < ranks; ++r)
    lists.emplace_back(all.begin() + displs[size_t(r)], all.begin() + displs[size_t(r)] + counts[size_t(r)]);
  return lists;
}

// Each rank's list follows `order`, and together they hold every group once.
void expect_partition(const std::vector<std::vector<int>>& lists, const std::vector<size_t>& order) {
  std::vector<int> position(order.size()), seen(order.size(), 0);
  for (size_t i = 0; i < order.size(); ++i) position[order[i]] = static_cast<int>(i);
  for (const auto& l : lists) {
    for (size_t i = 0; i < l.size(); ++i) {
      expect(l[i] >= 0 && size_t(l[i]) < order.size(), "group index in range", 0);
      ++seen[size_t(l[i])];
      if (i > 0) expect(position[size_t(l[i - 1])] < position[size_t(l[i])], "taken in hand-out order", 0);
    }
  }
  for (int s : seen) expect(s == 1, "every group handed out exactly once", 0);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  std::vector<uint64_t> cost;
  for (uint64_t i = 0; i < 40; ++i) cost.push_back((i * 37) % 11);
  const std::vector<size_t> order = cartography::pipeline::dispatch_order(cost);

  // Dynamic, rank 0 slow: 40 groups of 20 ms would take it 0.8 s; the others drain the rest.
  auto dynamic = gather_lists(take_all(order, {}, 20, rank), ranks);
  // Static: exactly the owned groups.
  const std::vector<int> owner = cartography::pipeline::assign_groups(cost, ranks);
  auto fixed = gather_lists(take_all(order, owner, 0, rank), ranks);
  if (rank == 0) {
    expect_partition(dynamic, order);
    if (ranks > 1) expect(dynamic[0].size() < order.size() / 2, "a slow rank 0 takes fewer groups", 0);
    expect_partition(fixed, order);
    for (int r = 0; r < ranks; ++r)
      for (int g : fixed[size_t(r)]) expect(owner[size_t(g)] == r, "static plan: only owned groups", 0);
    std::printf("dispatch: %d ranks, rank 0 (slow) took %zu of %zu groups; %s\n", ranks, dynamic[0].size(),
                order.size(), failures ? "FAILED" : "ok");
  }
  int any = failures;
  MPI_Allreduce(&failures, &any, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  MPI_Finalize();
  return any ? 1 : 0;
}
