// The per-pair and per-song arrays of the group-phase controls in cartography.h5 (/controls/onset,
// /controls/lag, /controls/reliability, /controls/random), beside the summaries of
// results/controls/*.json, so every number there can be recomputed from the file. The null
// baseline's own arrays (/controls/null) are added later by the null phase (null_phase.hpp).
#pragma once

#include "io/run_store.hpp"
#include "pipeline/group_controls.hpp"

namespace cartography::pipeline {

// Collective: every rank calls it; `records` is meaningful on rank 0 only (the shapes are rank
// 0's).
void write_control_tables(io::RunStore& store, const ControlRecords& records);

}  // namespace cartography::pipeline
