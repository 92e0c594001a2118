// `cartography fit-latent <dataset_dir> --config <yaml> --out <dir> [--max-steps N] [--seed S]
//   [--resume] [--cache-dir <dir>] [--checkpoint-every N] [--check-weights-every K] [--cpu]
//   [--threads T] [--progress-seconds s]`: trains the osu-dreamer latent model on a folder of
// .osz archives, alone or under mpirun/srun (one rank, and one device, per process). The job
// itself is the pipeline plugin's (pipeline/fit_latent_job.hpp), where MPI lives.
#include <filesystem>
#include <memory>

#include "cli/command.hpp"
#include "common/plugin.hpp"
#include "pipeline/file_kind.hpp"
#include "pipeline/pipeline_plugin.hpp"
#include "pipeline/study_options.hpp"

namespace cartography::cli {

Command add_fit_latent(CLI::App& parent) {
  auto opt = std::make_shared<pipeline::FitLatentOptions>();
  auto seed = std::make_shared<uint64_t>(0);
  CLI::App* app = parent.add_subcommand(
      "fit-latent",
      "Train the latent model on a folder of .osz archives (under mpirun/srun: data-parallel, one device per "
      "rank); writes <out>/checkpoints/{last,best}.ckpt and <out>/metrics.csv");
  app->add_option("dataset_dir", opt->dataset_dir, "Folder of .osz archives")->required();
  app->add_option("--config", opt->config, "Training YAML (config/latent_model.yml's keys)")->required();
  app->add_option("--out", opt->out_dir, "Output folder")->required();
  app->add_option("--max-steps", opt->max_steps,
                  "Optimizer steps of both optimizers, as Lightning's global_step (overrides trainer.max_steps)")
      ->check(CLI::Range(int64_t{1}, INT64_MAX));
  app->add_option("--seed", *seed, "Seed of the initial weights, the split, the window order and the noise "
                                   "(overrides seed_everything)");
  app->add_flag("--resume", opt->resume, "Continue from <out>/checkpoints/last.ckpt");
  app->add_option("--cache-dir", opt->cache_dir, "Feature cache shared by the ranks (default <out>/cache)");
  app->add_option("--checkpoint-every", opt->checkpoint_every,
                  "Training batches between last.ckpt writes (default: after every validation)")
      ->check(CLI::Range(int64_t{1}, INT64_MAX));
  app->add_option("--check-weights-every", opt->check_weights_every,
                  "Debug: every K batches, stop unless every rank holds the same weights")
      ->check(CLI::Range(int64_t{1}, INT64_MAX));
  app->add_flag("--cpu", opt->force_cpu, "Train on the CPU even where CUDA is available");
  app->add_flag("--deterministic", opt->deterministic,
                "The same weights and metrics to the last bit for any rank count: one backward pass per window, "
                "window gradients summed in order (exchanges batch_size x parameters floats; 1 thread per rank "
                "unless --threads)");
  app->add_option("--threads", opt->threads, "Intra-op threads per rank (default: the node's cores / its ranks)")
      ->check(CLI::Range(1, 4096));
  app->add_option("--progress-seconds", opt->progress_seconds, "Seconds between progress lines (default 10)")
      ->check(CLI::PositiveNumber);
  return {app, [opt, seed, app] {
            if (app->count("--seed") > 0) opt->seed = *seed;
            if (auto why = pipeline::not_a_regular_file(opt->config))
              throw pipeline::OptionError("--config: training config " + opt->config + " " + *why);
            std::error_code ec;
            if (!std::filesystem::is_directory(opt->dataset_dir, ec))
              throw pipeline::OptionError("dataset_dir: " + opt->dataset_dir + " is not a folder");
            opt->dataset_dir = std::filesystem::absolute(opt->dataset_dir).string();
            opt->out_dir = std::filesystem::absolute(opt->out_dir).string();
            if (!opt->cache_dir.empty()) opt->cache_dir = std::filesystem::absolute(opt->cache_dir).string();
            require_plugin_abi("pipeline", pipeline::kPipelineAbiSymbol, pipeline::kPipelineAbiVersion);
            const pipeline::PipelineFitLatentOptions plain = pipeline::to_plugin_options(*opt);
            return plugin_function<pipeline::PipelineFitLatentFn>("pipeline", pipeline::kPipelineFitLatentSymbol)(&plain);
          }};
}

}  // namespace cartography::cli
