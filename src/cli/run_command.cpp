// `cartography run [<dataset_dir>] --out <dir> [--checkpoint <ckpt>] [--job <file.yaml>] ...`
// Every option is a row of pipeline::option_table(): its flag is declared here from the row
// and its value parsed by the row's parser, exactly as the same key in a YAML job file is.
// Options of the job file are applied first; flags given on the command line win.
#include <filesystem>
#include <memory>

#include "cli/command.hpp"
#include "cli/job_file.hpp"
#include "cli/study_flags.hpp"
#include "common/plugin.hpp"
#include "pipeline/pipeline_plugin.hpp"
#include "pipeline/study_options.hpp"

namespace cartography::cli {

Command add_run(CLI::App& parent) {
  auto raw = std::make_shared<StudyFlags>();
  auto job = std::make_shared<std::string>();
  CLI::App* app = parent.add_subcommand(
      "run", "The whole study on a folder of .osz archives (under mpirun/srun: one rank per process)");
  app->add_option("--job", *job, "YAML job file (see jobs/); command-line options override it");
  declare_study_flags(*app, *raw);
  return {app, [raw, job, app] {
            pipeline::StudyOptions options;
            pipeline::OptionSources sources;
            if (!job->empty()) {
              apply_job_text(read_job_file(*job), *job, options, sources);
              options.job_file = std::filesystem::absolute(*job).string();
            }
            apply_study_flags(*app, *raw, options, sources);
            pipeline::finalize(options, sources, default_dataset_dir(), default_checkpoint());
            require_plugin_abi("pipeline", pipeline::kPipelineAbiSymbol, pipeline::kPipelineAbiVersion);
            const pipeline::PipelineRunOptions plain = pipeline::to_plugin_options(options);
            return plugin_function<pipeline::PipelineRunFn>("pipeline", pipeline::kPipelineRunSymbol)(&plain);
          }};
}

}  // namespace cartography::cli
