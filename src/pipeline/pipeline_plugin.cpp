#include "pipeline/pipeline_plugin.hpp"

#include <cstdint>
#include <string>

namespace cartography::pipeline {
namespace {

template <typename Enum>
Enum checked_enum(int32_t value, Enum last, const char* field) {
  if (value < 0 || value > static_cast<int32_t>(last))
    throw OptionError(std::string("pipeline plugin options: ") + field + " has no value " + std::to_string(value));
  return static_cast<Enum>(value);
}

int64_t checked_range(int64_t value, int64_t low, int64_t high, const char* field) {
  if (value < low || value > high)
    throw OptionError(std::string("pipeline plugin options: ") + field + " has no value " + std::to_string(value));
  return value;
}

std::string checked_string(const char* text, const char* field) {
  if (!text) throw OptionError(std::string("pipeline plugin options: ") + field + " is null");
  return text;
}

}  // namespace

PipelineRunOptions to_plugin_options(const StudyOptions& o) {
  PipelineRunOptions p;
  p.dataset_dir = o.dataset_dir.c_str();
  p.out_dir = o.out_dir.c_str();
  p.checkpoint = o.checkpoint.c_str();
  p.job_file = o.job_file.c_str();
  p.track_a_only = o.track_a_only ? 1 : 0;
  p.latent = static_cast<int32_t>(o.latent);
  p.seed = o.seed;
  p.group_by = static_cast<int32_t>(o.group_by);
  p.audio_match = static_cast<int32_t>(o.audio_match);
  p.resume = o.resume ? 1 : 0;
  p.device = static_cast<int32_t>(o.device);
  p.progress_seconds = o.progress_seconds;
  p.report = o.report ? 1 : 0;
  p.controls = o.controls ? 1 : 0;
  p.control_seeds = o.control_seeds;
  p.control_songs = o.control_songs;
  p.bootstrap = o.bootstrap;
  p.ci_level = o.ci_level;
  return p;
}

StudyOptions from_plugin_options(const PipelineRunOptions& p) {
  StudyOptions o;
  o.dataset_dir = checked_string(p.dataset_dir, "dataset_dir");
  o.out_dir = checked_string(p.out_dir, "out_dir");
  o.checkpoint = checked_string(p.checkpoint, "checkpoint");
  o.job_file = checked_string(p.job_file, "job_file");
  o.track_a_only = p.track_a_only != 0;
  o.latent = checked_enum(p.latent, LatentMode::Sample, "latent");
  o.seed = p.seed;
  o.group_by = checked_enum(p.group_by, catalog::GroupBy::OsuCreator, "group_by");
  o.audio_match = checked_enum(p.audio_match, catalog::AudioMatch::Reference, "audio_match");
  o.resume = p.resume != 0;
  o.device = checked_enum(p.device, Device::Cpu, "device");
  o.progress_seconds = p.progress_seconds;
  o.report = p.report != 0;
  o.controls = p.controls != 0;
  o.control_seeds = checked_range(p.control_seeds, 0, kMaxControlSeeds, "control_seeds");
  o.control_songs = checked_range(p.control_songs, 0, INT64_MAX, "control_songs");
  o.bootstrap = checked_range(p.bootstrap, 0, kMaxBootstrap, "bootstrap");
  if (!(p.ci_level > 0 && p.ci_level < 1))
    throw OptionError("pipeline plugin options: ci_level " + std::to_string(p.ci_level) + " is not in (0, 1)");
  o.ci_level = p.ci_level;
  return o;
}

PipelineCrossValidateOptions to_plugin_options(const CrossValidateOptions& o) {
  PipelineCrossValidateOptions p;
  p.run = to_plugin_options(o.run);
  p.seed_given = o.seed_given ? 1 : 0;
  p.config = o.config.c_str();
  p.max_steps = o.max_steps;
  p.full_checkpoint = o.full_checkpoint.c_str();
  p.cv_checkpoint = o.cv_checkpoint.c_str();
  return p;
}

CrossValidateOptions from_plugin_options(const PipelineCrossValidateOptions& p) {
  CrossValidateOptions o;
  o.run = from_plugin_options(p.run);
  o.seed_given = p.seed_given != 0;
  o.config = checked_string(p.config, "config");
  o.max_steps = p.max_steps == -1 ? -1 : checked_range(p.max_steps, 1, INT64_MAX, "max_steps");
  o.full_checkpoint = checked_string(p.full_checkpoint, "full_checkpoint");
  o.cv_checkpoint = checked_string(p.cv_checkpoint, "cv_checkpoint");
  return o;
}

PipelineFitLatentOptions to_plugin_options(const FitLatentOptions& o) {
  PipelineFitLatentOptions p;
  p.dataset_dir = o.dataset_dir.c_str();
  p.config = o.config.c_str();
  p.out_dir = o.out_dir.c_str();
  p.cache_dir = o.cache_dir.c_str();
  p.max_steps = o.max_steps;
  p.has_seed = o.seed ? 1 : 0;
  p.seed = o.seed.value_or(0);
  p.resume = o.resume ? 1 : 0;
  p.checkpoint_every = o.checkpoint_every;
  p.check_weights_every = o.check_weights_every;
  p.progress_seconds = o.progress_seconds;
  p.force_cpu = o.force_cpu ? 1 : 0;
  p.threads = o.threads;
  p.deterministic = o.deterministic ? 1 : 0;
  return p;
}

FitLatentOptions from_plugin_options(const PipelineFitLatentOptions& p) {
  FitLatentOptions o;
  o.dataset_dir = checked_string(p.dataset_dir, "dataset_dir");
  o.config = checked_string(p.config, "config");
  o.out_dir = checked_string(p.out_dir, "out_dir");
  o.cache_dir = checked_string(p.cache_dir, "cache_dir");
  o.max_steps = p.max_steps == -1 ? -1 : checked_range(p.max_steps, 1, INT64_MAX, "max_steps");
  if (p.has_seed) o.seed = p.seed;
  o.resume = p.resume != 0;
  o.checkpoint_every = checked_range(p.checkpoint_every, 0, INT64_MAX, "checkpoint_every");
  o.check_weights_every = checked_range(p.check_weights_every, 0, INT64_MAX, "check_weights_every");
  if (!(p.progress_seconds > 0)) throw OptionError("pipeline plugin options: progress_seconds must be positive");
  o.progress_seconds = p.progress_seconds;
  o.force_cpu = p.force_cpu != 0;
  o.threads = int32_t(checked_range(p.threads, 0, 4096, "threads"));
  o.deterministic = p.deterministic != 0;
  return o;
}

}  // namespace cartography::pipeline
