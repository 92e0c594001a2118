#include "pipeline/rank_agreement.hpp"

#include <boost/serialization/vector.hpp>
#include <vector>

namespace cartography::pipeline {
namespace mpi = boost::mpi;

void rethrow_if_any(const mpi::communicator& world, std::string error) {
  mpi::broadcast(world, error, 0);
  if (!error.empty()) throw SharedFailure(error);
}

void share_errors(const mpi::communicator& world, const std::string& mine) {
  std::vector<std::string> errors;
  mpi::all_gather(world, mine, errors);
  for (size_t r = 0; r < errors.size(); ++r)
    if (!errors[r].empty())
      throw SharedFailure(world.size() > 1 ? "rank " + std::to_string(r) + ": " + errors[r] : errors[r]);
}

}  // namespace cartography::pipeline
