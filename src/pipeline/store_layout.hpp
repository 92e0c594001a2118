// What goes into cartography.h5 and where (documented in README "cartography.h5 layout").
#pragma once

#include <boost/mpi/communicator.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "io/json.hpp"
#include "pipeline/array_spill.hpp"
#include "pipeline/checkpoint_provenance.hpp"
#include "pipeline/group_job.hpp"
#include "pipeline/study_options.hpp"
#include "pipeline/stats_records.hpp"

namespace cartography::pipeline {

// Collective. `all` and `records` are meaningful on rank 0 only (song_group_idx order);
// `mine` holds this rank's arrays, written in rounds of bounded size (store_layout.cpp).
// `before_rename` runs on every rank once the arrays are in the closed .partial file and before
// it is renamed (io::RunStore::finish): the null baseline phase (null_phase.hpp).
// `checkpoint`: the model's provenance (the same on every rank), none for a Track-A-only run.
void write_store(const boost::mpi::communicator& world, const RunOptions& opt,
                 const std::optional<CheckpointProvenance>& checkpoint, size_t archives_seen,
                 size_t groups, const std::vector<GroupOutcome>& all, const GroupRecords& records,
                 const ArraySpill& mine,
                 const std::function<void(const std::string& partial_path)>& before_rename = {});

}  // namespace cartography::pipeline
