// YAML job files (jobs/*.yaml): what `cartography run --job` and the sbatch scripts read.
// Keys: dataset, out, checkpoint ("none" = Track A only), latent, seed, group_by, resume,
// cpu, progress_seconds. Relative paths are relative to the job file's folder.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "pipeline/run_options.hpp"

namespace cartography::cli {

// Options from the job file, overridden by every option given on the command line.
// Throws std::runtime_error naming the file (and key) on a bad file.
pipeline::RunOptions merge_job_file(const std::string& path, const pipeline::RunOptions& command_line,
                                    const CLI::App& app);

// The corpus and the (untrained) checkpoint bundled with the source tree.
std::string default_dataset_dir();
std::string default_checkpoint();

}  // namespace cartography::cli
