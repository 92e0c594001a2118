#include "pipeline/group_dispatch.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace cartography::pipeline {
namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("group dispatch: ") + what + " failed");
}

}  // namespace

GroupDispatch::GroupDispatch(MPI_Comm comm, std::vector<size_t> order, std::vector<int> static_owner)
    : comm_(comm), order_(std::move(order)), static_owner_(std::move(static_owner)) {
  MPI_Comm_rank(comm_, &rank_);
  if (!static_owner_.empty()) return;
  int64_t* counter = nullptr;
  const MPI_Aint bytes = rank_ == 0 ? sizeof(int64_t) : 0;
  check(MPI_Win_allocate(bytes, sizeof(int64_t), MPI_INFO_NULL, comm_, &counter, &win_), "MPI_Win_allocate");
  // One passive-target epoch for the whole stage; the counter starts at 0 before anyone reads
  // it (MPI_Win_sync makes rank 0's store visible to the window, the barrier orders it).
  check(MPI_Win_lock_all(MPI_MODE_NOCHECK, win_), "MPI_Win_lock_all");
  if (rank_ == 0) {
    *counter = 0;
    check(MPI_Win_sync(win_), "MPI_Win_sync");
  }
  check(MPI_Barrier(comm_), "MPI_Barrier");
}

std::optional<size_t> GroupDispatch::next() {
  if (!static_owner_.empty()) {
    while (static_pos_ < order_.size()) {
      const size_t g = order_[static_pos_++];
      if (static_owner_[g] == rank_) return g;
    }
    return std::nullopt;
  }
  if (win_ == MPI_WIN_NULL) return std::nullopt;
  const int64_t one = 1;
  int64_t taken = 0;
  check(MPI_Fetch_and_op(&one, &taken, MPI_INT64_T, 0, 0, MPI_SUM, win_), "MPI_Fetch_and_op");
  check(MPI_Win_flush(0, win_), "MPI_Win_flush");
  // Past the end the counter only grows (each rank reads it once more); nothing is handed out.
  if (taken < 0 || static_cast<uint64_t>(taken) >= order_.size()) return std::nullopt;
  return order_[static_cast<size_t>(taken)];
}

void GroupDispatch::close() {
  if (win_ == MPI_WIN_NULL) return;
  check(MPI_Win_unlock_all(win_), "MPI_Win_unlock_all");
  check(MPI_Win_free(&win_), "MPI_Win_free");
}

bool static_plan_requested() {
  const char* v = std::getenv("CARTOGRAPHY_BENCH_STATIC_PLAN");
  return v && std::strcmp(v, "1") == 0;
}

}  // namespace cartography::pipeline
