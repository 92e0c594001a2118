// Progress of the group stage, printed by rank 0 only. Every other rank sends one small
// non-blocking message per finished group; rank 0 polls between its own groups, so reporting
// never makes a rank wait for another. Groups are handed out while the run goes, so no rank
// knows in advance how many messages will come; but every group is done exactly once, on some
// rank, so rank 0 receives until its own groups and the messages add up to the total.
#pragma once

#include <mpi.h>

#include <chrono>
#include <string>
#include <vector>

namespace cartography::pipeline {

class Progress {
 public:
  Progress(MPI_Comm comm, size_t total_groups, double interval_s);
  // After each group this rank finishes.
  void group_done();
  // Rank 0: receive what has arrived and print if the interval has passed.
  void poll();
  // Collect every outstanding message (rank 0) / complete every send (others). Every rank must
  // have called group_done() once for each group it was handed, failed ones included.
  void finish();

 private:
  void print(bool force);
  MPI_Comm comm_;
  int rank_ = 0;
  size_t total_ = 0, done_ = 0;
  double interval_s_;
  std::chrono::steady_clock::time_point start_, last_print_;
  std::vector<MPI_Request> sends_;
  std::vector<int> payload_;
};

}  // namespace cartography::pipeline
