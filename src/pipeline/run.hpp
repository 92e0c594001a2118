// Entry of the pipeline plugin (libcartography_pipeline.so): MPI is initialised here, never
// in the `cartography` executable, so subcommands that do not run the pipeline start fast.
#pragma once

#include <boost/mpi/communicator.hpp>

#include "pipeline/study_options.hpp"

namespace cartography::pipeline {

// Initialises MPI (works under mpirun, srun or as a singleton), runs, finalises.
int run_pipeline(const RunOptions& options);

// The run on an existing communicator (tests drive this directly).
int run_on(const boost::mpi::communicator& world, const RunOptions& options);

}  // namespace cartography::pipeline

// The symbol the CLI resolves with dlsym.
extern "C" int cartography_pipeline_run(const cartography::pipeline::RunOptions& options);
