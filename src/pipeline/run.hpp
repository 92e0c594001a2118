// Entry of the pipeline plugin (libcartography_pipeline.so): MPI is initialised here, never
// in the `cartography` executable, so subcommands that do not run the pipeline start fast. The
// program reaches it through the plain C entry points of pipeline_plugin.hpp; no MPI type
// appears in this header.
#pragma once

#include "pipeline/study_options.hpp"

namespace cartography::pipeline {

// Initialises MPI (works under mpirun, srun or as a singleton), runs, finalises.
int run_pipeline(const RunOptions& options);

}  // namespace cartography::pipeline
