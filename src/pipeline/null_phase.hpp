// The null baseline inside `cartography run` (MPI): runs as RunStore::finish's hook, when the
// parallel writers have closed cartography.h5.partial and before it is renamed, so a file that
// looks finished always holds the null arrays too. Rank 0 chooses the null pairs
// (controls::choose_null_pairs, from --seed), every rank computes a contiguous slice reading the
// two maps of one pair at a time back from the file (memory: two maps), rank 0 gathers the
// slices in pair order and adds /controls/null/* (README "cartography.h5 layout"). The result
// depends on neither the rank count nor the slicing.
#pragma once

#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/group_statistics.hpp"
#include "pipeline/null_baseline.hpp"

namespace cartography::pipeline {

// Collective. `real` and `creators` (per song_group_idx, its members' creators in member order;
// see null_candidate_songs) are meaningful on rank 0 only (every real pair, canonical order). Returns the
// null records on rank 0 (empty elsewhere). Any failure is thrown on every rank.
NullRecords null_phase(const boost::mpi::communicator& world, const std::string& partial_path,
                       const GroupRecords& real, uint64_t seed,
                       const std::vector<std::vector<std::string>>& creators = {});

}  // namespace cartography::pipeline
