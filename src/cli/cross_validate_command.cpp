// `cartography cross-validate [<dataset_dir>] --out <dir> [--config <yaml>] [--max-steps N]
//   [--seed S] [--full-checkpoint <ckpt>] [--cv-checkpoint <ckpt>] [run's options]`: the seed's
// held-out validation of the latent model (pipeline/cross_validation.hpp). The run options are
// those of `run` (the same rows of pipeline::option_table()) except the ones the job sets for
// each of its runs: --checkpoint, --track-a-only, --resume and --no-report.
#include <filesystem>
#include <memory>

#include "cli/command.hpp"
#include "cli/study_flags.hpp"
#include "common/plugin.hpp"
#include "pipeline/file_kind.hpp"
#include "pipeline/pipeline_plugin.hpp"

namespace cartography::cli {
namespace {

// The small training config when there is one, else the seed's.
std::string default_config() {
  const std::string tiny = std::string(CARTOGRAPHY_SOURCE_DIR) + "/config/latent_tiny.yml";
  std::error_code ec;
  return std::filesystem::exists(tiny, ec) ? tiny : std::string(CARTOGRAPHY_SOURCE_DIR) + "/config/latent_model.yml";
}

void require_regular_file(const std::string& path, const std::string& option, const std::string& what) {
  if (auto why = pipeline::not_a_regular_file(path))
    throw pipeline::OptionError(option + ": " + what + " " + path + " " + *why);
}

}  // namespace

Command add_cross_validate(CLI::App& parent) {
  auto flags = std::make_shared<StudyFlags>();
  flags->left_out = {"checkpoint", "track_a_only", "resume", "report"};
  auto cv = std::make_shared<pipeline::CrossValidateOptions>();
  CLI::App* app = parent.add_subcommand(
      "cross-validate",
      "Retrain the latent model on the songs with two mappers, test it on the songs with three or more "
      "(under mpirun/srun: one rank per process); writes cv_comparison.json and track_b_cv.json");
  declare_study_flags(*app, *flags);
  // The rows' help speaks of one run; here they mean the job's.
  app->get_option("--out")->description(
      "Output folder (subsets/, full/, cv/, cache/, runs/{original,cv_test,full_on_test}/, cv_comparison.json, "
      "track_b_cv.json)");
  app->get_option("--seed")->description("The runs' seed (as run's), and the training's when given "
                                         "(else the config's seed_everything)");
  app->add_option("--config", cv->config, "Training config (default: config/latent_tiny.yml, else latent_model.yml)");
  app->add_option("--max-steps", cv->max_steps, "Optimizer steps of each training (default: the config's)")
      ->check(CLI::Range(int64_t{1}, INT64_MAX));
  app->add_option("--full-checkpoint", cv->full_checkpoint,
                  "The full-data model to reuse instead of training it on the whole dataset");
  app->add_option("--cv-checkpoint", cv->cv_checkpoint,
                  "The cross-validation model to reuse instead of training it on the 2-mapper songs");
  return {app, [flags, cv, app] {
            pipeline::OptionSources sources;
            apply_study_flags(*app, *flags, cv->run, sources);
            pipeline::finalize(cv->run, sources, default_dataset_dir(), default_checkpoint());
            cv->seed_given = sources.count("seed") > 0;
            if (!cv->full_checkpoint.empty()) require_regular_file(cv->full_checkpoint, "--full-checkpoint", "checkpoint");
            if (!cv->cv_checkpoint.empty()) require_regular_file(cv->cv_checkpoint, "--cv-checkpoint", "checkpoint");
            const bool trains = cv->full_checkpoint.empty() || cv->cv_checkpoint.empty();
            if (cv->config.empty()) cv->config = default_config();
            if (trains) require_regular_file(cv->config, "--config", "training config");
            require_plugin_abi("pipeline", pipeline::kPipelineAbiSymbol, pipeline::kPipelineAbiVersion);
            const pipeline::PipelineCrossValidateOptions plain = pipeline::to_plugin_options(*cv);
            return plugin_function<pipeline::PipelineCrossValidateFn>("pipeline",
                                                                      pipeline::kPipelineCrossValidateSymbol)(&plain);
          }};
}

}  // namespace cartography::cli
