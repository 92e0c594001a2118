#include "cli/study_flags.hpp"

namespace cartography::cli {

void declare_study_flags(CLI::App& app, StudyFlags& flags) {
  for (const pipeline::OptionSpec& spec : pipeline::option_table()) {
    if (flags.left_out.count(spec.key)) continue;
    if (spec.is_flag) app.add_flag(spec.flag, flags.switches[spec.key], spec.help);
    else app.add_option(spec.flag, flags.values[spec.key], spec.help);
  }
}

void apply_study_flags(const CLI::App& app, StudyFlags& flags, pipeline::StudyOptions& options,
                       pipeline::OptionSources& sources) {
  for (const pipeline::OptionSpec& spec : pipeline::option_table()) {
    if (flags.left_out.count(spec.key) || app.count(spec.flag) == 0) continue;
    const std::string value = spec.is_flag ? spec.flag_value : flags.values[spec.key];
    const std::string source = spec.flag[0] == '-' ? spec.flag : "argument <" + std::string(spec.flag) + ">";
    pipeline::set_option(options, spec, value, source, sources);
  }
}

std::string default_dataset_dir() { return std::string(CARTOGRAPHY_SOURCE_DIR) + "/tests/data/corpus_small"; }

std::string default_checkpoint() {
  return std::string(CARTOGRAPHY_SOURCE_DIR) + "/checkpoints/latent_demo.ckpt";
}

}  // namespace cartography::cli
