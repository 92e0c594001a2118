// The index of a run and who works on what, as plain functions (no MPI): the driver scans its
// slice of the archives on every rank and plans on rank 0 with these; the serial tests call the
// same ones.
#pragma once

#include <vector>

#include "catalog/index.hpp"
#include "pipeline/dataset.hpp"
#include "pipeline/group_job.hpp"
#include "pipeline/outputs.hpp"

namespace cartography::pipeline {

struct IndexPlan {
  std::vector<catalog::SongGroup> groups;  // index order: song_group_idx is the position
  std::vector<int> owner;                  // the rank of every group in the static plan
  std::vector<size_t> order;               // the hand-out order of dynamic dispatch
};

// The metadata scan of one archive (its first .osu); a file list_archives() refused is not
// opened and carries its reason.
catalog::ArchiveScan scan_file(const ArchiveFile& file, catalog::GroupBy group_by);

// Indexes the scans (dataset order; one id per archive: a repeated beatmapset id is an "index"
// skip, as is an unreadable archive) into song groups, orders them for hand-out by estimated
// cost (the groups' archive bytes: audio dominates them and grows with the song's length) and
// makes the static plan (each group to a rank, balanced by that cost). Fills
// counts.archives_indexed and counts.archives_in_groups.
IndexPlan plan_index(const std::vector<catalog::ArchiveScan>& scans, const std::vector<ArchiveFile>& files, int ranks,
                     catalog::GroupBy group_by, std::vector<Skip>& skips, RunCounts& counts);

}  // namespace cartography::pipeline
