// Who runs which song group, decided while the run goes: every rank takes the next group of one
// shared hand-out order (plan.order: largest estimated cost first) as soon as it is free, so a
// rank that drew a Marathon-length map simply takes fewer groups instead of the others waiting
// for it. The shared position is one 64-bit counter in an MPI-3 window on rank 0, advanced with
// MPI_Fetch_and_op: no rank has to answer requests, rank 0 works on groups like everyone else.
//
// Progress caveat (Open MPI): an atomic on rank 0's window completes without rank 0's help
// when the one-sided component does it in hardware or in shared memory (osc/sm on one node,
// osc/ucx or osc/rdma over InfiniBand/RoCE). Over plain TCP (osc/pt2pt in Open MPI 4) it is an
// active message that rank 0 only serves when it next enters MPI: between its own groups. A
// rank may then wait up to one of rank 0's groups for its next group. See README "On a cluster".
//
// The result never depends on who ran what: rank 0 sorts the outcomes by song_group_idx and
// the HDF5 offsets come from that order.
#pragma once

#include <mpi.h>

#include <optional>
#include <vector>

namespace cartography::pipeline {

class GroupDispatch {
 public:
  // Collective over `comm`. `order`: the hand-out order, the same on every rank. `static_owner`
  // not empty: the static plan instead (this rank takes, in `order`, the groups it owns; no
  // window), for the balance benchmark's comparison.
  GroupDispatch(MPI_Comm comm, std::vector<size_t> order, std::vector<int> static_owner);
  GroupDispatch(const GroupDispatch&) = delete;
  GroupDispatch& operator=(const GroupDispatch&) = delete;
  // Frees nothing collective: a rank unwinding alone must not wait for the others here.
  ~GroupDispatch() = default;

  // The next group (its song_group_idx) for this rank; nullopt once every group is handed out.
  std::optional<size_t> next();
  // Collective: the window goes. Call after every rank's last next().
  void close();

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  std::vector<size_t> order_;
  std::vector<int> static_owner_;
  size_t static_pos_ = 0;
  MPI_Win win_ = MPI_WIN_NULL;
};

// CARTOGRAPHY_BENCH_STATIC_PLAN=1 selects the static plan (bench/pipeline/balance.sh only).
bool static_plan_requested();

}  // namespace cartography::pipeline
