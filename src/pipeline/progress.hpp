// Progress of the group stage, printed by rank 0 only. Every other rank sends one small
// non-blocking message per finished group; rank 0 polls between its own groups, so reporting
// never makes a rank wait for another.
#pragma once

#include <mpi.h>

#include <chrono>
#include <string>
#include <vector>

namespace cartography::pipeline {

class Progress {
 public:
  Progress(MPI_Comm comm, size_t total_groups, size_t expected_remote_messages, double interval_s);
  // After each group this rank finishes.
  void group_done();
  // Rank 0: receive what has arrived and print if the interval has passed.
  void poll();
  // Collect every outstanding message (rank 0) / complete every send (others).
  void finish();

 private:
  void print(bool force);
  MPI_Comm comm_;
  int rank_ = 0;
  size_t total_ = 0, done_ = 0, expected_remote_ = 0, received_ = 0;
  double interval_s_;
  std::chrono::steady_clock::time_point start_, last_print_;
  std::vector<MPI_Request> sends_;
  std::vector<int> payload_;
};

}  // namespace cartography::pipeline
