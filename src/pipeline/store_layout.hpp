// What goes into cartography.h5 and where (documented in README "cartography.h5 layout").
#pragma once

#include <boost/mpi/communicator.hpp>
#include <string>
#include <vector>

#include "io/json.hpp"
#include "pipeline/group_job.hpp"
#include "pipeline/study_options.hpp"
#include "pipeline/stats_records.hpp"

namespace cartography::pipeline {

// Collective. `all` and `records` are meaningful on rank 0 only (song_group_idx order);
// `mine` are this rank's outcomes with their arrays.
void write_store(const boost::mpi::communicator& world, const RunOptions& opt, size_t archives_seen,
                 size_t groups, const std::vector<GroupOutcome>& all, const GroupRecords& records,
                 const std::vector<GroupOutcome>& mine);

}  // namespace cartography::pipeline
