// How the ranks of one MPI job agree on a decision or on a failure, so that every rank stops
// at the same point with the same message instead of one rank leaving the others waiting in a
// collective. Used by `cartography run` (run.cpp) and by `cartography cross-validate`, which runs
// the study several times inside one MPI session (cross_validate_job.cpp).
#pragma once

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/serialization/string.hpp>
#include <stdexcept>
#include <string>

namespace cartography::pipeline {

// An error every rank has learnt through a broadcast: all ranks stop cleanly together.
struct SharedFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Rank 0's error (empty: none) reaches every rank; all throw it together.
void rethrow_if_any(const boost::mpi::communicator& world, std::string error);

// Every rank's error (empty: none) reaches every rank; all stop together with the first one.
void share_errors(const boost::mpi::communicator& world, const std::string& mine);

// Rank 0 decides (fn returns the decision as bytes); everyone learns the decision or the error
// that stops the run.
template <typename Fn>
std::string decide_on_root(const boost::mpi::communicator& world, Fn fn) {
  std::string payload, error;
  if (world.rank() == 0) {
    try {
      payload = fn();
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  rethrow_if_any(world, error);
  boost::mpi::broadcast(world, payload, 0);
  return payload;
}

}  // namespace cartography::pipeline
