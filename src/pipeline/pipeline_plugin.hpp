// The pipeline as a plugin: `libcartography_pipeline.so` (MPI, HDF5) exports
// `cartography_pipeline_abi_version`, `cartography_pipeline_run`,
// `cartography_pipeline_cross_validate` and `cartography_pipeline_fit_latent`, nothing else. The
// `cartography` program loads it with open_plugin("pipeline"), checks the version
// (require_plugin_abi) and hands over the run's options as one plain struct: pointers to C
// strings, integers and doubles, no std::string and no exceptions across the boundary (the
// convention of the latent plugin, latent/latent_plugin.hpp), so a plugin built with another
// compiler or string ABI either reads the options correctly or is refused with the reason.
#pragma once

#include <cstdint>

#include "pipeline/cross_validate_options.hpp"
#include "pipeline/fit_latent_options.hpp"
#include "pipeline/study_options.hpp"

namespace cartography::pipeline {

// Bumped whenever PipelineRunOptions or an entry point below changes.
inline constexpr int kPipelineAbiVersion = 6;

// StudyOptions as plain data. The strings are borrowed: valid while the call lasts. Enums travel
// as their integer values and are checked on arrival.
struct PipelineRunOptions {
  const char* dataset_dir = "";
  const char* out_dir = "";
  const char* checkpoint = "";  // empty: Track A only
  const char* job_file = "";
  int32_t track_a_only = 0;
  int32_t latent = 0;       // LatentMode
  uint64_t seed = 0;
  int32_t group_by = 0;     // catalog::GroupBy
  int32_t audio_match = 0;  // catalog::AudioMatch
  int32_t resume = 0;
  int32_t device = 0;       // Device
  double progress_seconds = 10;
  int32_t report = 1;
  int32_t controls = 1;
  int64_t control_seeds = 3;
  int64_t control_songs = 20;
  int64_t bootstrap = 1000;
  double ci_level = 0.95;
};

// CrossValidateOptions as plain data (strings borrowed, as above).
struct PipelineCrossValidateOptions {
  PipelineRunOptions run;
  int32_t seed_given = 0;
  const char* config = "";
  int64_t max_steps = -1;
  const char* full_checkpoint = "";
  const char* cv_checkpoint = "";
};

// FitLatentOptions as plain data (strings borrowed, as above).
struct PipelineFitLatentOptions {
  const char* dataset_dir = "";
  const char* config = "";
  const char* out_dir = "";
  const char* cache_dir = "";
  int64_t max_steps = -1;
  int32_t has_seed = 0;
  uint64_t seed = 0;
  int32_t resume = 0;
  int64_t checkpoint_every = 0;
  int64_t check_weights_every = 0;
  double progress_seconds = 10;
  int32_t force_cpu = 0;
  int32_t threads = 0;
  int32_t deterministic = 0;
};

// The plain form of `options`, borrowing its strings (keep `options` alive during the call).
PipelineRunOptions to_plugin_options(const StudyOptions& options);
PipelineCrossValidateOptions to_plugin_options(const CrossValidateOptions& options);
PipelineFitLatentOptions to_plugin_options(const FitLatentOptions& options);
// Back to StudyOptions; throws OptionError when an enum value is out of range or a string is null.
StudyOptions from_plugin_options(const PipelineRunOptions& options);
CrossValidateOptions from_plugin_options(const PipelineCrossValidateOptions& options);
FitLatentOptions from_plugin_options(const PipelineFitLatentOptions& options);

inline constexpr const char* kPipelineAbiSymbol = "cartography_pipeline_abi_version";
inline constexpr const char* kPipelineRunSymbol = "cartography_pipeline_run";
// Runs the study (MPI is initialised and finalised inside); returns the process exit code.
using PipelineRunFn = int(const PipelineRunOptions* options);
inline constexpr const char* kPipelineCrossValidateSymbol = "cartography_pipeline_cross_validate";
// Trains (or reuses) the two models and runs the study three times in one MPI session.
using PipelineCrossValidateFn = int(const PipelineCrossValidateOptions* options);
inline constexpr const char* kPipelineFitLatentSymbol = "cartography_pipeline_fit_latent";
// Trains the latent model (MPI is initialised and finalised inside); returns the exit code.
using PipelineFitLatentFn = int(const PipelineFitLatentOptions* options);

}  // namespace cartography::pipeline

extern "C" {
int cartography_pipeline_abi_version();
int cartography_pipeline_run(const cartography::pipeline::PipelineRunOptions* options);
int cartography_pipeline_cross_validate(const cartography::pipeline::PipelineCrossValidateOptions* options);
int cartography_pipeline_fit_latent(const cartography::pipeline::PipelineFitLatentOptions* options);
}
