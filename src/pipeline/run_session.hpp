// `cartography run`'s body on a communicator that is already initialised (run.cpp), so one
// process can run the study more than once in one MPI session: `cartography cross-validate`
// runs it three times (cross_validate_job.cpp). run_pipeline() is MPI_Init + run_in_session +
// MPI_Finalize + the report. Plugin-internal: MPI types appear here, unlike run.hpp.
#pragma once

#include <boost/mpi/communicator.hpp>
#include <string>
#include <vector>

#include "catalog/choices.hpp"
#include "pipeline/dataset.hpp"
#include "pipeline/index_plan.hpp"
#include "pipeline/outputs.hpp"
#include "pipeline/study_options.hpp"

namespace cartography::pipeline {

// The dataset's listing and multi-mapper index, with the plan of who works on what; the same on
// every rank (skips and counts: rank 0's). Collective; the metadata scan is spread over the
// ranks. A failure is thrown on every rank as SharedFailure (rank_agreement.hpp).
struct RunIndex {
  std::vector<ArchiveFile> files;
  IndexPlan plan;
  RunCounts counts;  // archives_seen, archives_indexed, archives_in_groups
  std::vector<Skip> skips;
};
RunIndex index_in_session(const boost::mpi::communicator& world, const std::string& dataset_dir,
                          catalog::GroupBy group_by);

// One whole run (no report). Returns 0, or 1 on every rank after a failure they all learnt
// (logged by rank 0, which removes the failed run's outputs). A failure on one rank alone
// aborts the job (the others may wait in a collective), as `cartography run` does.
int run_in_session(const boost::mpi::communicator& world, const RunOptions& options);

// Log lines start with the time, and the rank when there are several.
void set_rank_log_pattern(const boost::mpi::communicator& world);

}  // namespace cartography::pipeline
