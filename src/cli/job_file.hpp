// YAML job files (jobs/*.yaml): what `cartography run --job` and the sbatch scripts read. The
// keys are those of the options table (pipeline/study_options.hpp: dataset, out, checkpoint
// ("none" = Track A only), latent, seed, group_by, audio_match, resume, cpu, device,
// progress_seconds, report, track_a_only, controls, control_seeds, control_songs, bootstrap,
// ci_level) plus the informational name and description. Each value goes through the same
// parser as its command-line flag. Relative paths are relative to the job file's folder.
#pragma once

#include <cstddef>
#include <string>

#include "pipeline/study_options.hpp"

namespace cartography::cli {

// A job file larger than this is refused before it is read (a job file is a few lines).
constexpr size_t kMaxJobFileBytes = 1 << 20;

// The text of a job file: refused (OptionError naming the file) when it is not a regular file
// (a FIFO would block, a device be read forever), larger than kMaxJobFileBytes, or unreadable.
std::string read_job_file(const std::string& path);

// Applies the options of a job file's YAML text onto `options`; `path` names the file in
// messages and anchors relative paths. Throws OptionError "<path>: ..." (naming the key) for a
// YAML syntax error, a document that is not a mapping, an unknown or repeated key, a value that
// is not a single scalar, or a value its option refuses.
void apply_job_text(const std::string& yaml_text, const std::string& path, pipeline::StudyOptions& options,
                    pipeline::OptionSources& sources);

}  // namespace cartography::cli
