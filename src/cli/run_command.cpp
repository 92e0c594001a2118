// `cartography run [<dataset_dir>] --out <dir> [--checkpoint <ckpt>] [--job <file.yaml>] ...`
// Options may come from a YAML job file (jobs/*.yaml); flags on the command line win.
#include "cli/command.hpp"
#include "cli/job_file.hpp"
#include "common/plugin.hpp"
#include "pipeline/run_options.hpp"

namespace cartography::cli {

Command add_run(CLI::App& parent) {
  auto opt = std::make_shared<pipeline::RunOptions>();
  auto job = std::make_shared<std::string>();
  auto track_a_only = std::make_shared<bool>(false);
  CLI::App* app = parent.add_subcommand(
      "run", "The whole study on a folder of .osz archives (under mpirun/srun: one rank per process)");
  app->add_option("dataset_dir", opt->dataset_dir, "Folder of .osz archives (default: the bundled corpus)");
  app->add_option("--out", opt->out_dir, "Output folder (data/, results/, cartography.h5, run_summary.json)");
  app->add_option("--job", *job, "YAML job file (see jobs/); command-line options override it");
  app->add_option("--checkpoint", opt->checkpoint,
                  "Latent-model checkpoint (.ckpt), or none; default: the bundled untrained checkpoint");
  app->add_flag("--track-a-only", *track_a_only, "Skip the latent model (Track B and synthesis)");
  app->add_option("--latent", opt->latent, "Latent encoding: mean (posterior mean) or sample")
      ->check(CLI::IsMember({"mean", "sample"}));
  app->add_option("--seed", opt->seed, "Seed for --latent sample");
  app->add_option("--group-by", opt->group_by, "set-creator (reference) or osu-creator (guest difficulties)")
      ->check(CLI::IsMember({"set-creator", "osu-creator"}));
  app->add_option("--audio-match", opt->audio_match,
                  "case-insensitive (ours) or reference (exact name, .mp3/.ogg only, as the reference)")
      ->check(CLI::IsMember({"case-insensitive", "reference"}));
  app->add_flag("--resume", opt->resume, "Skip song groups already complete in <out>/cartography.h5");
  app->add_flag("--cpu", opt->force_cpu, "Never place the latent model on a GPU");
  app->add_option("--progress-seconds", opt->progress_seconds, "Seconds between progress lines (rank 0)");
  return {app, [opt, job, track_a_only, app] {
            pipeline::RunOptions options = *opt;
            if (!job->empty()) options = merge_job_file(*job, *opt, *app);
            if (options.out_dir.empty()) throw std::runtime_error("run: --out is required (or `out:` in the job file)");
            if (options.dataset_dir.empty()) options.dataset_dir = default_dataset_dir();
            // No checkpoint named anywhere: the bundled one, so the default run has every stage.
            if (options.checkpoint.empty()) options.checkpoint = default_checkpoint();
            if (*track_a_only || options.checkpoint == "none") options.checkpoint.clear();
            using RunFn = int(const pipeline::RunOptions&);
            return plugin_function<RunFn>("pipeline", "cartography_pipeline_run")(options);
          }};
}

}  // namespace cartography::cli
