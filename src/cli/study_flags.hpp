// The run options of pipeline::option_table() as command-line flags, shared by `run` and
// `cross-validate`: each flag is declared from its row and its value parsed by the row's parser,
// exactly as the same key in a YAML job file is.
#pragma once

#include <CLI/CLI.hpp>

#include <map>
#include <set>
#include <string>

#include "pipeline/study_options.hpp"

namespace cartography::cli {

// The command line's raw text per option key (a switch's text is its row's flag_value).
struct StudyFlags {
  std::map<std::string, std::string> values;
  std::map<std::string, bool> switches;
  std::set<std::string> left_out;  // keys of rows not declared on this command
};

// Declares a flag (or the positional) for every row whose key is not in flags.left_out.
void declare_study_flags(CLI::App& app, StudyFlags& flags);

// The flags given on the command line, through the rows' parsers, onto `options`.
void apply_study_flags(const CLI::App& app, StudyFlags& flags, pipeline::StudyOptions& options,
                       pipeline::OptionSources& sources);

// The bundled corpus and demo model (checkpoints/latent_demo.ckpt, trained on a synthetic corpus;
// see checkpoints/README.md) that `run` falls back on.
std::string default_dataset_dir();
std::string default_checkpoint();

}  // namespace cartography::cli
