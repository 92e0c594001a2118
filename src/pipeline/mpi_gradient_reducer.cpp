#include "pipeline/mpi_gradient_reducer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cartography::pipeline {
namespace {

void check(int status, const char* what) {
  if (status != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

template <typename T>
void allreduce_sum(MPI_Comm comm, T* data, int64_t n, MPI_Datatype type) {
  constexpr int64_t kChunk = int64_t(1) << 30;
  for (int64_t at = 0; at < n; at += kChunk) {
    const int count = int(std::min(kChunk, n - at));
    check(MPI_Allreduce(MPI_IN_PLACE, data + at, count, type, MPI_SUM, comm), "MPI_Allreduce (gradient sum)");
  }
}

}  // namespace

MpiGradientReducer::MpiGradientReducer(MPI_Comm comm) : comm_(comm) {
  check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
}

void MpiGradientReducer::sum(float* data, int64_t n) {
  if (size_ > 1) allreduce_sum(comm_, data, n, MPI_FLOAT);
}

void MpiGradientReducer::sum(double* data, int64_t n) {
  if (size_ > 1) allreduce_sum(comm_, data, n, MPI_DOUBLE);
}

bool MpiGradientReducer::same_everywhere(uint64_t value) {
  if (size_ == 1) return true;
  uint64_t low = value, high = value;
  check(MPI_Allreduce(MPI_IN_PLACE, &low, 1, MPI_UINT64_T, MPI_MIN, comm_), "MPI_Allreduce (min)");
  check(MPI_Allreduce(MPI_IN_PLACE, &high, 1, MPI_UINT64_T, MPI_MAX, comm_), "MPI_Allreduce (max)");
  return low == high;
}

}  // namespace cartography::pipeline
