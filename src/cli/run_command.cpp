// `cartography run [<dataset_dir>] --out <dir> [--checkpoint <ckpt>] [--job <file.yaml>] ...`
// Every option is a row of pipeline::option_table(): its flag is declared here from the row
// and its value parsed by the row's parser, exactly as the same key in a YAML job file is.
// Options of the job file are applied first; flags given on the command line win.
#include <filesystem>
#include <map>
#include <memory>

#include "cli/command.hpp"
#include "cli/job_file.hpp"
#include "common/plugin.hpp"
#include "pipeline/pipeline_plugin.hpp"
#include "pipeline/study_options.hpp"

namespace cartography::cli {
namespace {

// The command line's raw text per option key (a flag's text is its row's flag_value).
struct RawFlags {
  std::map<std::string, std::string> values;
  std::map<std::string, bool> switches;
};

void declare_options(CLI::App& app, RawFlags& raw) {
  for (const pipeline::OptionSpec& spec : pipeline::option_table()) {
    if (spec.is_flag) app.add_flag(spec.flag, raw.switches[spec.key], spec.help);
    else app.add_option(spec.flag, raw.values[spec.key], spec.help);
  }
}

// Flags given on the command line, through the same parser as the job file's keys.
void apply_command_line(const CLI::App& app, RawFlags& raw, pipeline::StudyOptions& options,
                        pipeline::OptionSources& sources) {
  for (const pipeline::OptionSpec& spec : pipeline::option_table()) {
    if (app.count(spec.flag) == 0) continue;
    const std::string value = spec.is_flag ? spec.flag_value : raw.values[spec.key];
    const std::string source = spec.flag[0] == '-' ? spec.flag : "argument <" + std::string(spec.flag) + ">";
    pipeline::set_option(options, spec, value, source, sources);
  }
}

std::string default_dataset_dir() { return std::string(CARTOGRAPHY_SOURCE_DIR) + "/tests/data/corpus_small"; }

std::string default_checkpoint() {
  return std::string(CARTOGRAPHY_SOURCE_DIR) + "/checkpoints/vae_small_UNTRAINED_random_weights.ckpt";
}

}  // namespace

Command add_run(CLI::App& parent) {
  auto raw = std::make_shared<RawFlags>();
  auto job = std::make_shared<std::string>();
  CLI::App* app = parent.add_subcommand(
      "run", "The whole study on a folder of .osz archives (under mpirun/srun: one rank per process)");
  app->add_option("--job", *job, "YAML job file (see jobs/); command-line options override it");
  declare_options(*app, *raw);
  return {app, [raw, job, app] {
            pipeline::StudyOptions options;
            pipeline::OptionSources sources;
            if (!job->empty()) {
              apply_job_text(read_job_file(*job), *job, options, sources);
              options.job_file = std::filesystem::absolute(*job).string();
            }
            apply_command_line(*app, *raw, options, sources);
            pipeline::finalize(options, sources, default_dataset_dir(), default_checkpoint());
            require_plugin_abi("pipeline", pipeline::kPipelineAbiSymbol, pipeline::kPipelineAbiVersion);
            const pipeline::PipelineRunOptions plain = pipeline::to_plugin_options(options);
            return plugin_function<pipeline::PipelineRunFn>("pipeline", pipeline::kPipelineRunSymbol)(&plain);
          }};
}

}  // namespace cartography::cli
