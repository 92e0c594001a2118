// fit-latent's all-reduce over MPI: the training loop (src/train/train_loop.hpp) sums the ranks'
// weighted shard gradients and losses through this. Plain MPI C API, so it serves both the
// pipeline plugin and the MPI tests.
#pragma once

#include <mpi.h>

#include "train/train_loop.hpp"

namespace cartography::pipeline {

class MpiGradientReducer final : public train::GradientReducer {
 public:
  explicit MpiGradientReducer(MPI_Comm comm);
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  // MPI_Allreduce(MPI_SUM) in place, in chunks below 2^31 elements (MPI's int counts).
  void sum(float* data, int64_t n) override;
  void sum(double* data, int64_t n) override;
  // Min and max of the value over ranks agree.
  bool same_everywhere(uint64_t value) override;

 private:
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
};

}  // namespace cartography::pipeline
